/**
 * The budget-safe wrapper (BALANCER.md §4.3) with its ladders (§2, §4.2) run on a {@link RankingTable}: the build's
 * aggregates decide the step and the rung, then one pass over the columns collects the group the strategy applies
 * to. capacity_weighted and fill_first rank on numbers in that same pass (prefer_earlier_reset included); the other
 * strategies get the group as Candidates and run the object implementation in strategies.ts. Same picks and random
 * draws as `selectBudgetSafe` over Candidates.
 */
import type { RoutingStrategy } from '../../../shared/domain';
import type { RankingTable } from './ranking-table';
import { byId, candidateAt } from './ranking-table';
import { BURN_FIRST, HEALTHY, OVER_BUDGET, WITHIN_BUDGET } from './row';
import type { StrategyOptions } from './strategies';
import { applyStrategy, isDrainStrategy } from './strategies';
import type { BudgetStep } from './types';
import { dayBucket } from './usage-view';

/** A picked row and the wrapper step that made it. */
export interface TablePick {
  readonly index: number;
  readonly step: BudgetStep;
}

/** Which rows form a group: the least row kind (OVER_BUDGET = any selectable row), and one rung or −1 for any. */
interface GroupFilter {
  readonly minKind: number;
  readonly rung: number;
}

/* Group row indices, reused like the table (grown on demand). */
let groupScratch = new Int32Array(64);

function scratchFor(t: RankingTable): Int32Array {
  if (groupScratch.length < t.size) groupScratch = new Int32Array(2 ** Math.ceil(Math.log2(t.size)));
  return groupScratch;
}

function inGroup(t: RankingTable, f: GroupFilter, i: number): boolean {
  return (t.kind[i] as number) >= f.minKind && (f.rung < 0 || t.rung[i] === f.rung);
}

const num = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

type RowCmp = (t: RankingTable, a: number, b: number) => number;

/** (S, P, last_selected_at, id) */
const bySecondary: RowCmp = (t, a, b) =>
  num(t.s[a] as number, t.s[b] as number) ||
  num(t.p[a] as number, t.p[b] as number) ||
  num(t.lastSelectedAt[a] as number, t.lastSelectedAt[b] as number) ||
  byId(t, a, b);

/** capacity_weighted without randomness: (−RC, S, P, last_selected_at, id). */
const byCapacity: RowCmp = (t, a, b) => num(t.rc[b] as number, t.rc[a] as number) || bySecondary(t, a, b);

/** fill_first: (−P, −S, id), missing S as 0 (§3.2). */
const byFill: RowCmp = (t, a, b) =>
  num(t.p[b] as number, t.p[a] as number) || num(t.sFill[b] as number, t.sFill[a] as number) || byId(t, a, b);

function minBy(t: RankingTable, group: Int32Array, cmp: RowCmp): number {
  let best = group[0] as number;
  for (let k = 1; k < group.length; k++) {
    const i = group[k] as number;
    if (cmp(t, i, best) < 0) best = i;
  }
  return best;
}

/**
 * The group in row order, narrowed to its smallest prefer_earlier_reset day bucket when `narrow` (§4.1), and the
 * sum of its RC added in that order — the same float sum as over Candidates (restarted at each new smallest bucket,
 * so only the final bucket's rows are in it).
 */
function collect(t: RankingTable, f: GroupFilter, narrow: boolean): { group: Int32Array; rcTotal: number } {
  const out = scratchFor(t);
  const now = t.now;
  let min = Infinity;
  let m = 0;
  let total = 0;
  for (let i = 0; i < t.size; i++) {
    if (!inGroup(t, f, i)) continue;
    if (narrow) {
      const b = dayBucket(t.bucketResetAt[i] as number, now);
      if (b > min) continue;
      if (b < min) {
        min = b;
        m = 0;
        total = 0;
      }
    }
    out[m++] = i;
    total += t.rc[i] as number;
  }
  return { group: out.subarray(0, m), rcTotal: total };
}

function capacityWeighted(t: RankingTable, f: GroupFilter, o: StrategyOptions): number {
  const { group, rcTotal } = collect(t, f, o.preferEarlierReset);
  if (o.random === null) return minBy(t, group, byCapacity);
  if (!(rcTotal > 0)) return minBy(t, group, bySecondary);
  // One draw, walked in group order (strategies.ts drawWeighted).
  let r = o.random() * rcTotal;
  let last = -1;
  for (let k = 0; k < group.length; k++) {
    const i = group[k] as number;
    const w = t.rc[i] as number;
    if (w <= 0) continue;
    last = i;
    r -= w;
    if (r < 0) return i;
  }
  return last >= 0 ? last : (group[0] as number);
}

/** Apply `strategy` to a non-empty group; strategies without a numeric form run on Candidates. */
function applyOnTable(
  strategy: RoutingStrategy,
  t: RankingTable,
  f: GroupFilter,
  o: StrategyOptions,
): number {
  if (strategy === 'capacity_weighted') return capacityWeighted(t, f, o);
  if (strategy === 'fill_first') return minBy(t, collect(t, f, o.preferEarlierReset).group, byFill);
  const rows = Array.from(collect(t, f, false).group);
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
  return { index: applyOnTable(strategy, t, f, o), step };
}

/**
 * {@link selectBudgetSafe} over the table's selectable rows; null when none is selectable. With rung = tier × 3 +
 * policy, the best rung's tier is the best tier, a healthy row exists iff that tier is healthy, and the best tier
 * holds a burn_first row iff the best rung is burn_first.
 */
export function selectOnTable(
  strategy: RoutingStrategy,
  t: RankingTable,
  o: StrategyOptions,
): TablePick | null {
  if (t.selectable === 0) return null;
  if (isDrainStrategy(strategy)) {
    // Drain strategies: no ladders, no probe (§4.3 step 2).
    return t.within > 0
      ? pickIn(strategy, t, { minKind: WITHIN_BUDGET, rung: -1 }, o, 'drain_within_budget')
      : pickIn(strategy, t, { minKind: OVER_BUDGET, rung: -1 }, o, 'drain_all');
  }
  if (Math.floor(t.bestRung / 3) === HEALTHY && t.probe >= 0) return { index: t.probe, step: 'probe' };
  if (t.bestRung % 3 === BURN_FIRST) {
    return pickIn(strategy, t, { minKind: OVER_BUDGET, rung: t.bestRung }, o, 'burn_first');
  }
  if (t.within > 0) {
    return pickIn(strategy, t, { minKind: WITHIN_BUDGET, rung: t.bestWithinRung }, o, 'within_budget');
  }
  return pickIn(
    strategy,
    t,
    { minKind: OVER_BUDGET, rung: t.bestRung },
    { ...o, primaryFirst: true },
    'fallback_all',
  );
}
