/**
 * The eight routing strategies' ordering rules (BALANCER.md §3) and prefer_earlier_reset (§4.1), applied to a
 * non-empty group of selectable candidates. "min by (k1, k2, …)" is a linear scan with a lexicographic comparator;
 * ids and sha256 hex strings compare as strings.
 */
import type { RoutingStrategy } from '../../../shared/domain';
import { DEFAULT_ROUTING_STRATEGY, ROUTING_STRATEGIES } from '../../../shared/domain';
import { RELATIVE_MIN_RESET, RELATIVE_MIN_WEIGHT, RELATIVE_TOP_N, RELATIVE_UNKNOWN_RESET } from './constants';
import type { Candidate } from './evaluate';
import { dayBucket, preferResetBucket } from './usage-view';

/** Strategy options for one call. */
export interface StrategyOptions {
  readonly now: number;
  readonly preferEarlierReset: boolean;
  /** Null = randomness off (deterministic variants, §3.1 and the sticky budget check). */
  readonly random: (() => number) | null;
  /** usage_weighted in the budget fallback orders primary-first (§3.3). */
  readonly primaryFirst: boolean;
}

/** A known strategy name, or the default for unknown values (§3). */
export function normalizeStrategy(name: string | null | undefined): RoutingStrategy {
  return (ROUTING_STRATEGIES as readonly string[]).includes(name ?? '')
    ? (name as RoutingStrategy)
    : DEFAULT_ROUTING_STRATEGY;
}

type Cmp = (a: Candidate, b: Candidate) => number;

const num = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
const str = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function minBy(group: readonly Candidate[], cmp: Cmp): Candidate {
  let best = group[0] as Candidate;
  for (let i = 1; i < group.length; i++) {
    const c = group[i] as Candidate;
    if (cmp(c, best) < 0) best = c;
  }
  return best;
}

/** (S, P, last_selected_at, id) */
const bySecondary: Cmp = (a, b) =>
  num(a.view.s, b.view.s) ||
  num(a.view.p, b.view.p) ||
  num(a.lastSelectedAt, b.lastSelectedAt) ||
  str(a.id, b.id);

/** (P, S, last_selected_at, id) — primary-first, the budget fallback order of usage_weighted. */
const byPrimary: Cmp = (a, b) =>
  num(a.view.p, b.view.p) ||
  num(a.view.s, b.view.s) ||
  num(a.lastSelectedAt, b.lastSelectedAt) ||
  str(a.id, b.id);

/** Narrow to the smallest prefer_earlier_reset bucket (§4.1). */
function earliestResetBucket(group: readonly Candidate[], now: number): readonly Candidate[] {
  let min = Infinity;
  let out: Candidate[] = [];
  for (const c of group) {
    const b = preferResetBucket(c.view, now);
    if (b < min) {
      min = b;
      out = [c];
    } else if (b === min) {
      out.push(c);
    }
  }
  return out;
}

function capacityWeighted(group: readonly Candidate[], o: StrategyOptions): Candidate {
  const pool = o.preferEarlierReset ? earliestResetBucket(group, o.now) : group;
  if (o.random === null) {
    // Deterministic variant: min by (−RC, S, P, last_selected_at, id).
    return minBy(pool, (a, b) => num(b.view.rc, a.view.rc) || bySecondary(a, b));
  }
  let total = 0;
  for (const c of pool) total += c.view.rc;
  if (!(total > 0)) return minBy(pool, bySecondary);
  return drawWeighted(pool, (c) => c.view.rc, total, o.random);
}

function drawWeighted(
  pool: readonly Candidate[],
  weight: (c: Candidate) => number,
  total: number,
  random: () => number,
): Candidate {
  let r = random() * total;
  let last: Candidate | null = null;
  for (const c of pool) {
    const w = weight(c);
    if (w <= 0) continue;
    last = c;
    r -= w;
    if (r < 0) return c;
  }
  // Floating-point remainder: the last account with weight.
  return last ?? (pool[0] as Candidate);
}

/** fill_first: min by (−P, −S, id), missing values as 0 (§3.2). */
const byFill: Cmp = (a, b) => num(b.view.p, a.view.p) || num(b.view.sFill, a.view.sFill) || str(a.id, b.id);

function fillFirst(group: readonly Candidate[], o: StrategyOptions): Candidate {
  return minBy(o.preferEarlierReset ? earliestResetBucket(group, o.now) : group, byFill);
}

function usageWeighted(group: readonly Candidate[], o: StrategyOptions): Candidate {
  const inner = o.primaryFirst ? byPrimary : bySecondary;
  if (!o.preferEarlierReset) return minBy(group, inner);
  const buckets = new Map<Candidate, number>();
  for (const c of group) buckets.set(c, preferResetBucket(c.view, o.now));
  return minBy(group, (a, b) => num(buckets.get(a) as number, buckets.get(b) as number) || inner(a, b));
}

const byRoundRobin: Cmp = (a, b) => num(a.lastSelectedAt, b.lastSelectedAt) || str(a.id, b.id);

function relativeAvailability(group: readonly Candidate[], o: StrategyOptions): Candidate {
  const raws = group.map((c) => {
    const reset = c.view.longResetAt;
    const seconds = reset === null ? RELATIVE_UNKNOWN_RESET : reset - o.now;
    return c.view.rc / Math.max(seconds, RELATIVE_MIN_RESET);
  });
  let best = 0;
  for (const r of raws) if (r > best) best = r;
  if (!(best > 0)) return minBy(group, bySecondary);
  const ranked: { c: Candidate; raw: number; w: number }[] = [];
  group.forEach((c, i) => {
    const raw = raws[i] as number;
    const w = (raw / best) ** 2;
    if (w >= RELATIVE_MIN_WEIGHT) ranked.push({ c, raw, w });
  });
  ranked.sort((a, b) => num(b.w, a.w) || num(b.raw, a.raw) || bySecondary(a.c, b.c));
  const top = ranked.slice(0, RELATIVE_TOP_N);
  if (o.random === null) return (top[0] as (typeof top)[number]).c;
  let total = 0;
  for (const t of top) total += t.w;
  const weights = new Map(top.map((t) => [t.c, t.w]));
  return drawWeighted(
    top.map((t) => t.c),
    (c) => weights.get(c) ?? 0,
    total,
    o.random,
  );
}

/** The user's priority as a sort key: numbered accounts first, in order; unnumbered after them. */
const priorityKey = (c: Candidate): number => c.account.priority ?? Infinity;

/**
 * sequential_drain: min by (priority, cap, sha256(id), id) — the user's order first (Pool), then the smallest plan,
 * usage ignored (§3.6). Without priorities every key is ∞ and the order is codex-lb's.
 */
const bySequential: Cmp = (a, b) =>
  num(priorityKey(a), priorityKey(b)) ||
  num(a.view.cap, b.view.cap) ||
  str(a.idHash, b.idHash) ||
  str(a.id, b.id);

/** reset_drain's weekly_ts: long-window reset if future, else the status reset if future, else ∞ (§3.7). */
function weeklyTs(c: Candidate, now: number): number {
  if (c.view.longResetAt !== null) return c.view.longResetAt;
  if (c.resetAt !== null && c.resetAt > now) return c.resetAt;
  return Infinity;
}

function resetDrain(group: readonly Candidate[], o: StrategyOptions): Candidate {
  const ts = new Map<Candidate, number>();
  for (const c of group) ts.set(c, weeklyTs(c, o.now));
  const bucket = (c: Candidate): number => {
    const t = ts.get(c) as number;
    return Number.isFinite(t) ? dayBucket(t, o.now) : dayBucket(null, o.now);
  };
  // (day bucket, −(100−P), −(100−S), weekly_ts, sha256(id), id)
  return minBy(
    group,
    (a, b) =>
      num(bucket(a), bucket(b)) ||
      num(-(100 - a.view.p), -(100 - b.view.p)) ||
      num(-(100 - a.view.s), -(100 - b.view.s)) ||
      num(ts.get(a) as number, ts.get(b) as number) ||
      str(a.idHash, b.idHash) ||
      str(a.id, b.id),
  );
}

/** Apply `strategy` to a non-empty group. single_account never reaches here (it has no ordering). */
export function applyStrategy(
  strategy: RoutingStrategy,
  group: readonly Candidate[],
  o: StrategyOptions,
): Candidate {
  switch (strategy) {
    case 'capacity_weighted':
    case 'single_account':
      return capacityWeighted(group, o);
    case 'fill_first':
      return fillFirst(group, o);
    case 'usage_weighted':
      return usageWeighted(group, o);
    case 'round_robin':
      return minBy(group, byRoundRobin);
    case 'relative_availability':
      return relativeAvailability(group, o);
    case 'sequential_drain':
      return minBy(group, bySequential);
    case 'reset_drain':
      return resetDrain(group, o);
  }
}

/** Strategies that skip both ladders and the probe (§2, §1.7). */
export function isDrainStrategy(strategy: RoutingStrategy): boolean {
  return strategy === 'sequential_drain' || strategy === 'reset_drain';
}
