/**
 * The budget-safe wrapper (BALANCER.md §4.3) with its ladders (§2, §4.2) run on a {@link RankingTable}: one pass
 * finds the probe, the best tier and the best ladder rungs, a second collects the group the strategy applies to.
 * capacity_weighted and fill_first then rank on numbers; the other strategies get that group as Candidates and run
 * the object implementation in strategies.ts. Same picks and random draws as `selectBudgetSafe` over Candidates.
 */
import type { RoutingStrategy } from '../../../shared/domain';
import { BUDGET_PERCENT } from './constants';
import { isProbeDue } from './health';
import type { RankingTable, Row } from './ranking-table';
import { BURN_FIRST, HEALTHY, PRESERVE, PROBING, candidateAt } from './ranking-table';
import type { StrategyOptions } from './strategies';
import { applyStrategy, isDrainStrategy } from './strategies';
import type { BudgetStep } from './types';
import { dayBucket } from './usage-view';

/** A picked row and the wrapper step that made it. */
export interface TablePick {
  readonly index: number;
  readonly step: BudgetStep;
}

/** Which selectable rows form a group: optionally within budget only, optionally one tier and one policy. */
interface GroupFilter {
  readonly withinOnly: boolean;
  /** −1 = any. */
  readonly tier: number;
  readonly policy: number;
}

/** Neither preserve nor over budget (effective P > 95 is over, §4.3). */
function isWithin(r: Row): boolean {
  return r.policyRank !== PRESERVE && !(r.p > BUDGET_PERCENT);
}

/* Group row indices, reused like the table (grown on demand). */
let groupScratch = new Int32Array(64);

function collectGroup(t: RankingTable, f: GroupFilter): Int32Array<ArrayBuffer> {
  if (groupScratch.length < t.size) groupScratch = new Int32Array(2 ** Math.ceil(Math.log2(t.size)));
  let m = 0;
  for (let i = 0; i < t.size; i++) {
    const r = t.rows[i] as Row;
    if (!r.selectable) continue;
    if (f.tier >= 0 && r.tierRank !== f.tier) continue;
    if (f.policy >= 0 && r.policyRank !== f.policy) continue;
    if (f.withinOnly && !isWithin(r)) continue;
    groupScratch[m++] = i;
  }
  return groupScratch.subarray(0, m);
}

/** Ids compare as strings; only reached on ties of every numeric key. */
function byId(t: RankingTable, a: number, b: number): number {
  const x = (t.accounts[a] as { id: string }).id;
  const y = (t.accounts[b] as { id: string }).id;
  return x < y ? -1 : x > y ? 1 : 0;
}

const row = (t: RankingTable, i: number): Row => t.rows[i] as Row;

const num = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

type RowCmp = (t: RankingTable, a: number, b: number) => number;

/** (S, P, last_selected_at, id) */
const bySecondary: RowCmp = (t, a, b) =>
  num(row(t, a).s, row(t, b).s) ||
  num(row(t, a).p, row(t, b).p) ||
  num(row(t, a).lastSelectedAt, row(t, b).lastSelectedAt) ||
  byId(t, a, b);

/** capacity_weighted without randomness: (−RC, S, P, last_selected_at, id). */
const byCapacity: RowCmp = (t, a, b) => num(row(t, b).rc, row(t, a).rc) || bySecondary(t, a, b);

/** fill_first: (−P, −S, id), missing S as 0 (§3.2). */
const byFill: RowCmp = (t, a, b) =>
  num(row(t, b).p, row(t, a).p) || num(row(t, b).sFill, row(t, a).sFill) || byId(t, a, b);

function minBy(t: RankingTable, group: Int32Array, cmp: RowCmp): number {
  let best = group[0] as number;
  for (let k = 1; k < group.length; k++) {
    const i = group[k] as number;
    if (cmp(t, i, best) < 0) best = i;
  }
  return best;
}

/** Narrow to the smallest prefer_earlier_reset day bucket, keeping order (§4.1). */
function earliestResetBucket(t: RankingTable, group: Int32Array): Int32Array {
  let min = Infinity;
  let m = 0;
  for (let k = 0; k < group.length; k++) {
    const i = group[k] as number;
    const b = dayBucket(row(t, i).bucketResetAt, t.now);
    if (b < min) {
      min = b;
      m = 0;
    }
    if (b === min) group[m++] = i;
  }
  return group.subarray(0, m);
}

function capacityWeighted(t: RankingTable, group: Int32Array, o: StrategyOptions): number {
  const pool = o.preferEarlierReset ? earliestResetBucket(t, group) : group;
  if (o.random === null) return minBy(t, pool, byCapacity);
  let total = 0;
  for (let k = 0; k < pool.length; k++) total += row(t, pool[k] as number).rc;
  if (!(total > 0)) return minBy(t, pool, bySecondary);
  // One draw, walked in pool order (strategies.ts drawWeighted).
  let r = o.random() * total;
  let last = -1;
  for (let k = 0; k < pool.length; k++) {
    const i = pool[k] as number;
    const w = row(t, i).rc;
    if (w <= 0) continue;
    last = i;
    r -= w;
    if (r < 0) return i;
  }
  return last >= 0 ? last : (pool[0] as number);
}

/** Apply `strategy` to a non-empty group; strategies without a numeric form run on Candidates. */
function applyOnTable(
  strategy: RoutingStrategy,
  t: RankingTable,
  group: Int32Array,
  o: StrategyOptions,
): number {
  if (strategy === 'capacity_weighted') return capacityWeighted(t, group, o);
  if (strategy === 'fill_first') {
    return minBy(t, o.preferEarlierReset ? earliestResetBucket(t, group) : group, byFill);
  }
  const rows = Array.from(group);
  const candidates = rows.map((i) => candidateAt(t, i));
  return rows[candidates.indexOf(applyStrategy(strategy, candidates, o))] as number;
}

function pickIn(
  strategy: RoutingStrategy,
  t: RankingTable,
  f: GroupFilter,
  o: StrategyOptions,
  step: BudgetStep,
): TablePick {
  return { index: applyOnTable(strategy, t, collectGroup(t, f), o), step };
}

/** {@link selectBudgetSafe} over the table's selectable rows; null when none is selectable. */
export function selectOnTable(
  strategy: RoutingStrategy,
  t: RankingTable,
  o: StrategyOptions,
): TablePick | null {
  let selectable = 0;
  let within = 0;
  let bestTier = 3;
  // Best (tier, policy) rung as tier × 3 + policy, over the within-budget rows and over all selectable rows.
  let bestWithinRung = 9;
  let bestRung = 9;
  const burnByTier = [0, 0, 0];
  let healthy = false;
  let probe = -1;
  for (let i = 0; i < t.size; i++) {
    const r = row(t, i);
    if (!r.selectable) continue;
    selectable += 1;
    const tier = r.tierRank;
    const policy = r.policyRank;
    const rung = tier * 3 + policy;
    if (rung < bestRung) bestRung = rung;
    if (isWithin(r)) {
      within += 1;
      if (rung < bestWithinRung) bestWithinRung = rung;
    }
    if (tier < bestTier) bestTier = tier;
    if (policy === BURN_FIRST) burnByTier[tier] = (burnByTier[tier] as number) + 1;
    if (tier === HEALTHY) healthy = true;
    else if (tier === PROBING && isProbeDue('probing', r.lastSelectedAt, t.now)) {
      // The oldest due probe, ties by id (§1.7).
      const last = r.lastSelectedAt;
      const bestLast = probe < 0 ? Infinity : row(t, probe).lastSelectedAt;
      if (probe < 0 || last < bestLast || (last === bestLast && byId(t, i, probe) < 0)) probe = i;
    }
  }
  if (selectable === 0) return null;
  if (isDrainStrategy(strategy)) {
    // Drain strategies: no ladders, no probe (§4.3 step 2).
    return within > 0
      ? pickIn(strategy, t, { withinOnly: true, tier: -1, policy: -1 }, o, 'drain_within_budget')
      : pickIn(strategy, t, { withinOnly: false, tier: -1, policy: -1 }, o, 'drain_all');
  }
  if (healthy && probe >= 0) return { index: probe, step: 'probe' };
  if ((burnByTier[bestTier] as number) > 0) {
    return pickIn(strategy, t, { withinOnly: false, tier: bestTier, policy: BURN_FIRST }, o, 'burn_first');
  }
  if (within > 0) {
    const f = { withinOnly: true, tier: Math.floor(bestWithinRung / 3), policy: bestWithinRung % 3 };
    return pickIn(strategy, t, f, o, 'within_budget');
  }
  const f = { withinOnly: false, tier: Math.floor(bestRung / 3), policy: bestRung % 3 };
  return pickIn(strategy, t, f, { ...o, primaryFirst: true }, 'fallback_all');
}
