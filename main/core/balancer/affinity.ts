/**
 * Soft prompt-cache affinity (BALANCER.md §6.2 keep-or-rebind) and hard continuity for `previous_response_id`
 * (§6.3). The caller owns the mapping store; these functions only decide.
 */
import type { RoutingStrategy } from '../../../shared/domain';
import { STICKY_LONG_RATE_LIMIT, STICKY_NEAR_RESET } from './constants';
import type { BudgetPick } from './budget';
import { isOverBudget, selectBudgetSafe } from './budget';
import type { Candidate } from './evaluate';
import { backoffSeconds } from './evaluate';
import type { StrategyOptions } from './strategies';
import { isDrainStrategy } from './strategies';
import type { MappingAction, StickyOutcome } from './types';

/** What to do for a request with a sticky key. */
export type StickyDecision =
  /** Serve from the mapped account M (rules 2-keep, 5, 6). */
  | {
      readonly kind: 'mapped';
      readonly candidate: Candidate;
      readonly rule: number;
      readonly outcome: StickyOutcome;
    }
  /** Serve from the budget check's pick and rebind (rule 2). */
  | { readonly kind: 'pick'; readonly pick: BudgetPick; readonly rule: 2; readonly outcome: 'rebind' }
  /** Serve from a fresh selection; `mapping` says whether the key moves (rules 1, 3, 7, 8). */
  | {
      readonly kind: 'fresh';
      readonly rule: number;
      readonly mapping: MappingAction;
      readonly outcome: StickyOutcome;
    };

function activelyRateLimited(m: Candidate): boolean {
  return m.status === 'rate_limited' && !m.bypassed;
}

function inBackoff(m: Candidate, now: number): boolean {
  const a = m.next;
  return a.lastErrorAt !== null && now < a.lastErrorAt + backoffSeconds(a.errorCount);
}

/** Rule 8: no live mapping. */
export const NEW_KEY: StickyDecision = { kind: 'fresh', rule: 8, mapping: 'set', outcome: 'new' };
/** Rule 1: M is not a candidate (paused, reauth, deactivated, deleted, tried, filtered by model or gate). */
export const MAPPED_GONE: StickyDecision = { kind: 'fresh', rule: 1, mapping: 'set', outcome: 'rebind' };

/** What rules 2 and 4 need to know about the pool besides M, however the pool is represented. */
export interface StickyPoolFacts {
  /** Some candidate is burn_first. */
  readonly burnExists: boolean;
  /** Some selectable candidate is burn_first. */
  readonly burnSelectable: boolean;
  /** The deterministic budget-safe selection over the pool (rule 2), computed only when rule 2 asks. */
  readonly budgetCheck: () => BudgetPick | null;
}

/**
 * Keep or rebind (§6.2). `mappedId` is the live mapping (null = none); `evaluated` are the candidates that passed
 * the model filter and the gate (selectable or not); `pool` the selectable ones.
 */
export function decideSticky(
  mappedId: string | null,
  evaluated: readonly Candidate[],
  pool: readonly Candidate[],
  strategy: RoutingStrategy,
  o: StrategyOptions,
): StickyDecision {
  if (mappedId === null) return NEW_KEY;
  const m = evaluated.find((c) => c.id === mappedId);
  if (m === undefined) return MAPPED_GONE;
  return decideForMapped(
    m,
    {
      burnExists: evaluated.some((c) => c.policy === 'burn_first'),
      burnSelectable: pool.some((c) => c.policy === 'burn_first'),
      budgetCheck: () => selectBudgetSafe(strategy, pool, { ...o, random: null }),
    },
    strategy,
    o,
  );
}

/** Keep or rebind (§6.2) once the mapped account M is known to be a candidate. */
export function decideForMapped(
  m: Candidate,
  facts: StickyPoolFacts,
  strategy: RoutingStrategy,
  o: StrategyOptions,
): StickyDecision {
  // Rule 4: never move a burn_first M; move any M only if no burn_first candidate exists or one is selectable.
  const mayMove = m.policy !== 'burn_first' && (!facts.burnExists || facts.burnSelectable);
  const now = o.now;

  if (mayMove) {
    // Rule 2: budget pressure.
    if (!isDrainStrategy(strategy) && !activelyRateLimited(m) && isOverBudget(m)) {
      const check = facts.budgetCheck();
      if (check !== null && check.pick !== m && !isOverBudget(check.pick)) {
        return { kind: 'pick', pick: check, rule: 2, outcome: 'rebind' };
      }
    }
    // Rule 3: a long rate limit.
    if (activelyRateLimited(m) && m.resetAt !== null && m.resetAt >= now + STICKY_LONG_RATE_LIMIT) {
      return { kind: 'fresh', rule: 3, mapping: 'set', outcome: 'rebind' };
    }
    // Pool, rule 3 for caps: a capped M stays out until its window resets, usually hours, like a long rate limit.
    if (m.skip?.kind === 'cap') return { kind: 'fresh', rule: 3, mapping: 'set', outcome: 'rebind' };
  }
  // Rule 5: M passes the filter (a draining M is still selectable).
  if (m.skip === null) return { kind: 'mapped', candidate: m, rule: 5, outcome: 'hit' };
  // Rule 6: a rate limit ending within 10 s is waited out on M — but cooldowns and backoff are never bypassed.
  if (
    activelyRateLimited(m) &&
    m.resetAt !== null &&
    m.resetAt - now <= STICKY_NEAR_RESET &&
    m.cooldownUntil === null &&
    !inBackoff(m, now)
  ) {
    return { kind: 'mapped', candidate: m, rule: 6, outcome: 'near_reset' };
  }
  // Rule 7: temporarily unselectable: serve elsewhere, keep the warm mapping.
  return { kind: 'fresh', rule: 7, mapping: 'keep', outcome: 'fallback' };
}

/**
 * Hard continuity (§6.3): the known owner if selectable; with an unknown owner, the only candidate if there is
 * exactly one and it is selectable; else null (→ `previous_response_owner_unavailable`).
 */
export function continuityOwner(ownerId: string | null, evaluated: readonly Candidate[]): Candidate | null {
  if (ownerId !== null) {
    const owner = evaluated.find((c) => c.id === ownerId);
    return owner !== undefined && owner.skip === null ? owner : null;
  }
  const only = evaluated.length === 1 ? evaluated[0] : undefined;
  return only !== undefined && only.skip === null ? only : null;
}
