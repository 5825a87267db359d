/**
 * The budget-safe wrapper (BALANCER.md §4.3) around the core selection: recovery probe, drain pre-filter,
 * burn_first shortcut, within-budget selection, fallback — and the health and policy ladders (§2, §4.2).
 */
import type { RoutingStrategy } from '../../../shared/domain';
import { BUDGET_PERCENT } from './constants';
import type { Candidate } from './evaluate';
import { isProbeDue } from './health';
import { policyRank, tierRank } from './row';
import type { StrategyOptions } from './strategies';
import { applyStrategy, isDrainStrategy } from './strategies';
import type { BudgetStep } from './types';

/** A pick and the wrapper step that made it. */
export interface BudgetPick {
  readonly pick: Candidate;
  readonly step: BudgetStep;
}

/** Over budget = effective P > 95 (strict) (§4.3). */
export function isOverBudget(c: Candidate): boolean {
  return c.view.p > BUDGET_PERCENT;
}

/**
 * Health ladder (healthy | probing | draining) then policy ladder (burn_first | normal | preserve), first non-empty
 * rung of each (§2, §4.2), found in one pass: the best rung is the lexicographic minimum of (tier, policy).
 */
function ladderRung(group: readonly Candidate[]): Candidate[] {
  let bestTier = 3;
  let bestPolicy = 3;
  for (const c of group) {
    const t = tierRank(c.tier);
    const p = policyRank(c.policy);
    if (t < bestTier || (t === bestTier && p < bestPolicy)) {
      bestTier = t;
      bestPolicy = p;
    }
  }
  const rung: Candidate[] = [];
  for (const c of group)
    if (tierRank(c.tier) === bestTier && policyRank(c.policy) === bestPolicy) rung.push(c);
  return rung;
}

/** The oldest due recovery probe (ties by id), only while a healthy account exists (§1.7). */
export function dueProbe(pool: readonly Candidate[], now: number): Candidate | null {
  let healthy = false;
  let best: Candidate | null = null;
  for (const c of pool) {
    if (c.tier === 'healthy') healthy = true;
    else if (isProbeDue(c.tier, c.lastSelectedAt, now)) {
      if (
        best === null ||
        c.lastSelectedAt < best.lastSelectedAt ||
        (c.lastSelectedAt === best.lastSelectedAt && c.id < best.id)
      ) {
        best = c;
      }
    }
  }
  return healthy ? best : null;
}

/**
 * Select from a non-empty pool of selectable candidates (§4.3):
 * 1. non-drain strategies: the due recovery probe;
 * 2. drain strategies: among accounts neither preserve nor over budget, else among all (no ladders);
 * 3. the best health tier's burn_first accounts, even over budget;
 * 4. among accounts neither preserve nor over budget (ladders + strategy);
 * 5. among all (usage_weighted primary-first).
 */
export function selectBudgetSafe(
  strategy: RoutingStrategy,
  pool: readonly Candidate[],
  o: StrategyOptions,
): BudgetPick | null {
  if (pool.length === 0) return null;
  // One pass: the within-budget subset, the best tier, and whether that tier holds a burn_first account.
  const within: Candidate[] = [];
  let bestTier = 3;
  for (const c of pool) {
    if (c.policy !== 'preserve' && !isOverBudget(c)) within.push(c);
    const t = tierRank(c.tier);
    if (t < bestTier) bestTier = t;
  }
  if (isDrainStrategy(strategy)) {
    return within.length > 0
      ? { pick: applyStrategy(strategy, within, o), step: 'drain_within_budget' }
      : { pick: applyStrategy(strategy, pool, o), step: 'drain_all' };
  }
  const probe = dueProbe(pool, o.now);
  if (probe !== null) return { pick: probe, step: 'probe' };
  const burn: Candidate[] = [];
  for (const c of pool) if (c.policy === 'burn_first' && tierRank(c.tier) === bestTier) burn.push(c);
  if (burn.length > 0) return { pick: applyStrategy(strategy, burn, o), step: 'burn_first' };
  if (within.length > 0)
    return { pick: applyStrategy(strategy, ladderRung(within), o), step: 'within_budget' };
  return {
    pick: applyStrategy(strategy, ladderRung(pool), { ...o, primaryFirst: true }),
    step: 'fallback_all',
  };
}
