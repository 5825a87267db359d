/**
 * The selection pipeline (BALANCER.md §2): candidates → model filter → gate → state build → hard continuity →
 * single_account → soft affinity → budget-safe selection → bookkeeping. Pure: the caller applies `changes`.
 *
 * Steps 1–4 build the ranking table (ranking-table.ts; on the plain path in a single pass over the accounts), fresh
 * and sticky selections rank on it (select-table.ts), and continuity, the pin, the backoff fallback and the errors
 * run on Candidates below — as does every path of the reference pipeline the tests compare against.
 */
import type { AccountStatus } from '../../../shared/domain';
import { continuityOwner, decideSticky } from './affinity';
import { selectBudgetSafe } from './budget';
import type { GateTally } from './errors';
import {
  allAccountsExcluded,
  gateError,
  noAccountsConfigured,
  noPlanSupport,
  poolError,
  previousOwnerUnavailable,
  singleAccountNotConfigured,
  singleAccountUnavailable,
} from './errors';
import type { Candidate } from './evaluate';
import { blockedFacts, evaluateAccount } from './evaluate';
import { gateAccount } from './gate';
import { normalizePlan } from './plans';
import type { RankingTable } from './ranking-table';
import { allCandidates, buildRankingTable } from './ranking-table';
import type { GatedModelEntry } from './registry';
import { findGatedEntryMemo, isScopedPlan } from './registry';
import type { Run } from './result';
import { fail, stickySuccess, succeed } from './result';
import { isInactive } from './row';
import { selectFreshOnTable } from './select-table';
import type { StrategyOptions } from './strategies';
import { normalizeStrategy } from './strategies';
import type {
  AccountState,
  BudgetStep,
  MappingAction,
  SelectionInput,
  SelectionResult,
  SelectionVia,
  StickyOutcome,
} from './types';

/**
 * Backoff fallback (§1.6): with nothing available, rescue the backoff account that recovers soonest when ≥ 2 are in
 * backoff, or 1 is while another is rate_limited / quota_exceeded / capped (bypassed statuses do not count), or it is
 * the pool's only routable account: with no other account to turn to, the request that arrives probes it rather than
 * waiting out a backoff its upstream may have recovered from long ago (issue 8).
 */
function backoffFallback(evaluated: readonly Candidate[], poolSize: number): Candidate | null {
  let best: Candidate | null = null;
  let inBackoff = 0;
  let blockedOther = false;
  for (const c of evaluated) {
    if (c.skip?.kind === 'backoff' && c.backoffUntil !== null) {
      inBackoff += 1;
      if (
        best === null ||
        c.backoffUntil < (best.backoffUntil as number) ||
        (c.backoffUntil === best.backoffUntil && c.id < best.id)
      ) {
        best = c;
      }
    } else if (
      c.skip?.kind === 'rate_limited' ||
      c.skip?.kind === 'quota_exceeded' ||
      // Pool: a capped account is treated like an exhausted one.
      c.skip?.kind === 'cap'
    ) {
      blockedOther = true;
    }
  }
  return inBackoff >= 2 || (inBackoff >= 1 && (blockedOther || poolSize === 1)) ? best : null;
}

/** Budget-safe selection, then the backoff fallback; null when nothing can serve. */
function freshSelection(
  run: Run,
  evaluated: readonly Candidate[],
  pool: readonly Candidate[],
  o: StrategyOptions,
): { pick: Candidate; step: BudgetStep | null; via: SelectionVia } | null {
  const pick = selectBudgetSafe(run.strategy, pool, o);
  if (pick !== null) return { ...pick, via: pick.step === 'probe' ? 'probe' : 'strategy' };
  // Only on this failure path: how many accounts could serve at all (paused or signed-out ones cannot).
  const routable = run.input.accounts.reduce((n, a) => (isInactive(a) ? n : n + 1), 0);
  const rescued = backoffFallback(evaluated, routable);
  return rescued === null ? null : { pick: rescued, step: null, via: 'backoff_fallback' };
}

function modelAllowed(plans: ReadonlySet<string>, planType: string): boolean {
  return plans.has(planType.trim().toLowerCase()) || plans.has(normalizePlan(planType));
}

/** Internal switches of {@link selectAccountWith}. */
export interface SelectOptions {
  /**
   * Build the state on the numeric ranking table and rank fresh and sticky selections on it (the default). Off,
   * every path runs the Candidate-based reference pipeline; tests compare the two.
   */
  readonly rankOnTable: boolean;
}

/** Select an account for one request (§2). See {@link SelectionInput} and {@link SelectionResult}. */
export function selectAccount(input: SelectionInput): SelectionResult {
  return selectAccountWith(input, DEFAULT_OPTIONS);
}

const DEFAULT_OPTIONS: SelectOptions = { rankOnTable: true };

/** No account is scoped: the set of a request without a gated model. */
const NONE_SCOPED: ReadonlySet<AccountState> = new Set();

/** {@link selectAccount} with internal switches. */
export function selectAccountWith(input: SelectionInput, options: SelectOptions): SelectionResult {
  const { accounts, request } = input;
  const strategy = normalizeStrategy(input.settings.routingStrategy);
  const gated = findGatedEntryMemo(input.registry, request.model);
  const run: Run = { input, strategy, skipped: [], changes: [], gated };
  if (accounts.length === 0) return fail(run, noAccountsConfigured());

  const excludedIds = request.excludedIds;
  const modelPlans = request.modelPlans;
  const plain =
    gated === null &&
    (excludedIds === undefined || excludedIds.length === 0) &&
    (modelPlans === undefined || modelPlans.length === 0);
  if (plain && options.rankOnTable) {
    // Nothing tried, no model filter, no gate: steps 1–4 are one pass over the accounts (ranking-table.ts).
    const table = buildRankingTable(accounts, null, NONE_SCOPED, input.now, run.skipped, run.changes);
    if (table.candidates === 0) return fail(run, allAccountsExcluded(inactiveStatuses(accounts)));
    return rankOnTable(run, table);
  }
  return selectFiltered(run, options);
}

/** Steps 1–3 over a candidate list, then the state build: the requests with tried accounts, a model filter or a gate. */
function selectFiltered(run: Run, options: SelectOptions): SelectionResult {
  const { input, gated } = run;
  const { accounts, request, now } = input;
  const excluded = new Set(request.excludedIds ?? []);

  // 1. Candidates.
  const statuses = new Set<AccountStatus>();
  const tried: AccountState[] = [];
  let candidates: AccountState[] = [];
  for (const a of accounts) {
    if (isInactive(a)) {
      statuses.add(a.status);
      run.skipped.push({ id: a.id, reason: { kind: a.status as 'paused' } });
    } else if (excluded.size > 0 && excluded.has(a.id)) {
      tried.push(a);
      run.skipped.push({ id: a.id, reason: { kind: 'tried' } });
    } else {
      candidates.push(a);
    }
  }
  if (candidates.length === 0) {
    if (tried.length === 0) return fail(run, allAccountsExcluded(statuses));
    // A reselection after attempts: judge the pool including the accounts already tried (§7, §8 steps 2–5).
    const facts = tried.map((a) => blockedFacts(evaluateAccount(a, gated, scopedFor(gated, a), now)));
    return fail(run, poolError(facts, now));
  }

  // 2. Model filter.
  const modelPlans = request.modelPlans;
  if (modelPlans !== undefined && modelPlans.length > 0) {
    const plans = new Set(modelPlans.flatMap((p) => [p.trim().toLowerCase(), normalizePlan(p)]));
    candidates = candidates.filter((a) => {
      if (modelAllowed(plans, a.planType)) return true;
      run.skipped.push({ id: a.id, reason: { kind: 'model' } });
      return false;
    });
    if (candidates.length === 0) return fail(run, noPlanSupport(request.model));
  }

  // 3. Gate.
  const scoped = new Set<AccountState>();
  if (gated !== null) {
    const tally: GateTally = { dataUnavailable: false, quotaExhausted: false };
    candidates = candidates.filter((a) => {
      if (!isScopedPlan(gated, a.planType)) return true;
      scoped.add(a);
      const verdict = gateAccount(a, gated.quotaKey, now);
      if (verdict === 'eligible') return true;
      if (verdict === 'data_unavailable') tally.dataUnavailable = true;
      else tally.quotaExhausted = true;
      run.skipped.push({ id: a.id, reason: { kind: 'gate', gate: verdict } });
      return false;
    });
    if (candidates.length === 0) return fail(run, gateError(tally, request.model));
  }

  // 4. State build and core filter, as numbers (see ranking-table.ts); the reference builds Candidates directly.
  if (!options.rankOnTable) return selectFromCandidates(run, evaluateAll(run, candidates, scoped));
  return rankOnTable(run, buildRankingTable(candidates, gated, scoped, now, run.skipped, run.changes));
}

/** Steps 5–9 after a table build: fresh and sticky selections on the table, everything else on Candidates. */
function rankOnTable(run: Run, table: RankingTable): SelectionResult {
  const { request } = run.input;
  if (request.previousResponse === undefined && run.strategy !== 'single_account') {
    const result = selectFreshOnTable(run, table);
    if (result !== null) return result;
  }
  // Continuity, the pin, the backoff fallback and the errors work on Candidates.
  return selectFromCandidates(run, allCandidates(table));
}

/** The statuses step 1 excluded, for the "all accounts excluded" message (§8 step 1). */
function inactiveStatuses(accounts: readonly AccountState[]): Set<AccountStatus> {
  const statuses = new Set<AccountStatus>();
  for (const a of accounts) if (isInactive(a)) statuses.add(a.status);
  return statuses;
}

/** Step 4 the reference way: one Candidate per account, skips and changes in candidate order. */
function evaluateAll(
  run: Run,
  candidates: readonly AccountState[],
  scoped: ReadonlySet<AccountState>,
): Candidate[] {
  const { gated } = run;
  const evaluated: Candidate[] = [];
  for (const a of candidates) {
    const c = evaluateAccount(a, gated, gated !== null && scoped.has(a), run.input.now);
    evaluated.push(c);
    if (c.next !== a) run.changes.push({ id: c.id, next: c.next, persist: c.persist });
    if (c.skip !== null) run.skipped.push({ id: c.id, reason: c.skip });
  }
  return evaluated;
}

/** Steps 5–8 over evaluated Candidates (skips and changes of step 4 already recorded in `run`). */
function selectFromCandidates(run: Run, evaluated: readonly Candidate[]): SelectionResult {
  const { input, strategy, gated } = run;
  const { accounts, settings, request, now } = input;
  const tried = excludedAccounts(input);
  const pool = evaluated.filter((c) => c.skip === null);
  const o: StrategyOptions = {
    now,
    preferEarlierReset: settings.preferEarlierReset,
    random: input.random,
    primaryFirst: false,
  };
  const blockedError = (list: readonly Candidate[]): SelectionResult =>
    fail(
      run,
      poolError(
        [...list, ...tried.map((a) => evaluateAccount(a, gated, scopedFor(gated, a), now))].map(blockedFacts),
        now,
      ),
    );

  // 5. Hard continuity for previous_response_id: owner or error, no strategy.
  if (request.previousResponse !== undefined) {
    const owner = continuityOwner(request.previousResponse.ownerId, evaluated);
    if (owner === null) return fail(run, previousOwnerUnavailable());
    return succeed(run, {
      candidate: owner,
      via: 'continuity',
      budgetStep: null,
      sticky: null,
      stickyRule: null,
      mapping: 'none',
    });
  }

  // 6. single_account: the pin only, never another account.
  if (strategy === 'single_account') {
    const pinId = settings.pinnedAccountId;
    if (pinId === null || !accounts.some((a) => a.id === pinId))
      return fail(run, singleAccountNotConfigured());
    const pin = evaluated.find((c) => c.id === pinId);
    if (pin === undefined) return fail(run, singleAccountUnavailable());
    if (pin.skip !== null) return fail(run, poolError([blockedFacts(pin)], now));
    return succeed(run, {
      candidate: pin,
      via: 'single_account',
      budgetStep: null,
      sticky: null,
      stickyRule: null,
      mapping: 'none',
    });
  }

  // 7. Soft affinity.
  let mapping: MappingAction = 'none';
  let sticky: StickyOutcome | null = null;
  let stickyRule: number | null = null;
  if (settings.stickySessions && request.sticky !== undefined) {
    const d = decideSticky(request.sticky.mappedAccountId, evaluated, pool, strategy, o);
    stickyRule = d.rule;
    sticky = d.outcome;
    if (d.kind !== 'fresh') return stickySuccess(run, d);
    mapping = d.mapping;
  }

  // 8. Budget-safe selection, backoff fallback, or the §8 error.
  const fresh = freshSelection(run, evaluated, pool, o);
  if (fresh === null) return blockedError(evaluated);
  return succeed(run, {
    candidate: fresh.pick,
    via: fresh.via,
    budgetStep: fresh.step,
    sticky,
    stickyRule,
    mapping,
  });
}

/** The accounts already tried in this request that are otherwise candidates (step 1). */
function excludedAccounts(input: SelectionInput): AccountState[] {
  const excluded = input.request.excludedIds;
  if (excluded === undefined || excluded.length === 0) return [];
  const ids = new Set(excluded);
  return input.accounts.filter(
    (a) =>
      ids.has(a.id) && a.status !== 'paused' && a.status !== 'reauth_required' && a.status !== 'deactivated',
  );
}

function scopedFor(gated: GatedModelEntry | null, a: AccountState): boolean {
  return gated !== null && isScopedPlan(gated, a.planType);
}
