/**
 * The results of a selection (BALANCER.md §2 step 9): the pick with its reason and bookkeeping changes, or the
 * client-visible error, each with the human summary for the request log.
 */
import type { RoutingPolicy, RoutingStrategy } from '../../../shared/domain';
import type { StickyDecision } from './affinity';
import { MAX_ACCOUNTS_PER_COMPACT, MAX_ACCOUNTS_PER_REQUEST } from './constants';
import type { BalancerError } from './errors';
import { describeSkipped } from './reason';
import type { GatedModelEntry } from './registry';
import type {
  AccountChange,
  AccountState,
  BudgetStep,
  HealthTier,
  MappingAction,
  SelectionInput,
  SelectionResult,
  SelectionVia,
  SkippedAccount,
  StickyOutcome,
} from './types';

/** What the result says about the selected account: a Candidate, or the same facts read off a ranking-table row. */
export interface Selected {
  readonly id: string;
  /** State after this selection's recoveries and clean-ups (the state itself when nothing changed). */
  readonly next: AccountState;
  readonly persist: boolean;
  readonly tier: HealthTier;
  readonly policy: RoutingPolicy;
  readonly viewKey: string;
  readonly bypassed: boolean;
}

/** How a pick was reached, for the reason. */
export interface PickInfo {
  readonly candidate: Selected;
  readonly via: SelectionVia;
  readonly budgetStep: BudgetStep | null;
  readonly sticky: StickyOutcome | null;
  readonly stickyRule: number | null;
  readonly mapping: MappingAction;
}

/** Mutable bookkeeping of one selection. */
export interface Run {
  readonly input: SelectionInput;
  readonly strategy: RoutingStrategy;
  readonly skipped: SkippedAccount[];
  readonly changes: AccountChange[];
  readonly gated: GatedModelEntry | null;
}

/** A failed selection: the error, everything skipped, and the changes found on the way. */
export function fail(run: Run, error: BalancerError): SelectionResult {
  const skippedText = describeSkipped(run.skipped);
  return {
    ok: false,
    error,
    skipped: run.skipped,
    summary: `${run.strategy}: ${error.code} (${error.message})${skippedText !== '' ? `; ${skippedText}` : ''}`,
    changes: run.changes,
  };
}

/** Appends one detail to the "a, b, c" list. */
function withDetail(text: string, detail: string): string {
  return text === '' ? detail : `${text}, ${detail}`;
}

/** The details that apply, as "a, b, c" (built without intermediate arrays: this runs on every selection). */
function pickDetails(info: PickInfo): string {
  const c = info.candidate;
  let text = info.via !== 'strategy' ? info.via : '';
  if (info.budgetStep !== null && info.budgetStep !== 'probe') text = withDetail(text, info.budgetStep);
  if (info.sticky !== null) text = withDetail(text, `sticky ${info.sticky} (rule ${info.stickyRule})`);
  text = withDetail(withDetail(text, c.tier), c.policy);
  if (c.viewKey !== 'codex') text = withDetail(text, `view ${c.viewKey}`);
  if (c.bypassed) text = withDetail(text, 'standard block bypassed');
  return text;
}

/** A successful selection; step 9 marks last_selected_at and in-flight on the selected account. */
export function succeed(run: Run, info: PickInfo): SelectionResult {
  const { candidate: c, via } = info;
  const next: AccountState = {
    ...c.next,
    lastSelectedAt: run.input.selectedAt ?? run.input.now,
    inFlight: c.next.inFlight + 1,
  };
  const changes = run.changes.filter((ch) => ch.id !== c.id);
  changes.push({ id: c.id, next, persist: c.persist });
  const pinned = via === 'continuity' || via === 'single_account';
  const skippedText = describeSkipped(run.skipped);
  return {
    ok: true,
    accountId: c.id,
    reason: {
      strategy: run.strategy,
      accountId: c.id,
      via,
      budgetStep: info.budgetStep,
      sticky: info.sticky,
      stickyRule: info.stickyRule,
      view: c.viewKey,
      tier: c.tier,
      policy: c.policy,
      bypassed: c.bypassed,
      skipped: run.skipped,
      summary: `${run.strategy} → ${c.id} (${pickDetails(info)})${skippedText !== '' ? `; ${skippedText}` : ''}`,
    },
    changes,
    mapping: { action: info.mapping },
    failover: {
      allowed: !pinned,
      maxAccounts: run.input.request.isCompact === true ? MAX_ACCOUNTS_PER_COMPACT : MAX_ACCOUNTS_PER_REQUEST,
    },
  };
}

/**
 * The result of a sticky decision that serves the request itself (§6.2): from the mapped account (the mapping is
 * kept) or from the budget check's pick (the key rebinds). A `fresh` decision is the caller's to run.
 */
export function stickySuccess(run: Run, d: Exclude<StickyDecision, { kind: 'fresh' }>): SelectionResult {
  if (d.kind === 'mapped') {
    return succeed(run, {
      candidate: d.candidate,
      via: 'sticky',
      budgetStep: null,
      sticky: d.outcome,
      stickyRule: d.rule,
      mapping: 'keep',
    });
  }
  return succeed(run, {
    candidate: d.pick.pick,
    via: 'sticky',
    budgetStep: d.pick.step,
    sticky: d.outcome,
    stickyRule: d.rule,
    mapping: 'set',
  });
}
