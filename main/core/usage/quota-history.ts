/**
 * Quota history for the dashboard's charts: one account's samples as points, the pool's capacity-weighted series,
 * and the downsampling that keeps either under a few hundred points. Pure: samples and a time range in, points out.
 */
import type { QuotaHistoryPoint } from '../../../shared/api';
import {
  STANDARD_FAMILY,
  type AccountStatus,
  type UsageSample,
  type UsageWindow,
} from '../../../shared/domain';
import type { GatedModelEntry } from '../balancer/registry';
import { countsInPool } from './pooled-usage';
import { WeightedSums } from './weighted-sums';

/**
 * Rows read per account and family at most. The poller alone stores one sample a minute (43,200 in the 30 days
 * kept); busy accounts add one per response. Past this the oldest part of the range is left out, and the
 * response's `firstSampleAt` says where the data really starts.
 */
export const MAX_ROWS_PER_SERIES = 100_000;

/** A closed time range in epoch seconds. */
export interface TimeRange {
  since: number;
  until: number;
}

/** Used % of a window at `at`: 0 once its reset has passed (PROTOCOL.md §8), null when there is no window. */
function usedAt(w: UsageWindow | null | undefined, at: number): number | null {
  if (!w) return null;
  return w.resetAt !== null && w.resetAt <= at ? 0 : w.usedPercent;
}

/** The larger of two used %, a missing one (null) giving way to the other. */
export const maxOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);

/** One sample as a chart point at the time it was recorded. */
export function samplePoint(sample: UsageSample): QuotaHistoryPoint {
  return {
    t: sample.recordedAt,
    primary: usedAt(sample.primary, sample.recordedAt),
    secondary: usedAt(sample.secondary, sample.recordedAt),
  };
}

/**
 * Thins a series (oldest first) to at most `maxPoints`. The range is cut into `maxPoints − 1` equal buckets
 * (bucket i holds `since + i·w ≤ t < since + (i+1)·w`, the last one also holds `until`); each non-empty bucket
 * becomes one point at its newest time carrying the highest used % of each window in it, so a short spike to 100 %
 * is never averaged away. The last point is kept as it is, so the chart ends at the newest value, not a maximum.
 * A series that already fits is returned unchanged.
 */
export function downsampleMax(
  points: readonly QuotaHistoryPoint[],
  range: TimeRange,
  maxPoints: number,
): QuotaHistoryPoint[] {
  if (points.length <= maxPoints) return [...points];
  const last = points[points.length - 1]!;
  const buckets = Math.floor(maxPoints) - 1;
  const span = range.until - range.since;
  if (buckets < 1 || span <= 0) return [last];
  const merged: (QuotaHistoryPoint | undefined)[] = new Array<QuotaHistoryPoint | undefined>(buckets);
  for (let i = 0; i < points.length - 1; i += 1) {
    const p = points[i]!;
    // Integer arithmetic first, one division last: no drift at bucket edges.
    const index = Math.min(buckets - 1, Math.max(0, Math.floor(((p.t - range.since) * buckets) / span)));
    const prev = merged[index];
    merged[index] = prev
      ? {
          t: Math.max(prev.t, p.t),
          primary: maxOf(prev.primary, p.primary),
          secondary: maxOf(prev.secondary, p.secondary),
        }
      : { ...p };
  }
  const out = merged.filter((p): p is QuotaHistoryPoint => p !== undefined);
  out.push(last);
  return out;
}

/** What the pool series needs to know about one account. */
export interface PoolHistoryAccount {
  status: AccountStatus;
  planType: string | null;
  /**
   * Standard-family samples, oldest first: those in the range, preceded by the newest one before it (if any) so
   * the account's value at the start of the range is known.
   */
  samples: readonly UsageSample[];
}

/** The pool's series and what shaped it. */
export interface PoolSeries {
  points: QuotaHistoryPoint[];
  /** Accounts counted: in the pool and with at least one sample up to `until`. */
  accounts: number;
  firstSampleAt: number | null;
  lastSampleAt: number | null;
}

/** Width of the pool chart's buckets (s): whole minutes, so stored minute slots fall inside one bucket each. */
export function poolBucketSeconds(range: TimeRange, maxPoints: number): number {
  // Up to span / width + 1 buckets (the range's ends cut two of them) and the last point: at most maxPoints.
  const buckets = Math.max(1, Math.floor(maxPoints) - 2);
  return 60 * Math.max(1, Math.ceil((range.until - range.since) / (60 * buckets)));
}

/**
 * Thins the pool's series (oldest first, ending at `range.until`) into buckets on whole multiples of
 * {@link poolBucketSeconds}: each non-empty bucket becomes one point at its newest time carrying the highest used %
 * of each window in it; the last point is kept as it is. Unlike {@link downsampleMax} the buckets sit on fixed
 * times, so the stored minute rollup of the series gives the same chart ({@link poolPointsFromSlots}).
 */
export function downsampleAligned(
  points: readonly QuotaHistoryPoint[],
  range: TimeRange,
  maxPoints: number,
): QuotaHistoryPoint[] {
  if (points.length === 0) return [];
  const width = poolBucketSeconds(range, maxPoints);
  const merged = new Map<number, QuotaHistoryPoint>();
  for (let i = 0; i < points.length - 1; i += 1)
    mergeInto(merged, Math.floor(points[i]!.t / width), points[i]!);
  return [...merged.values(), points[points.length - 1]!];
}

function mergeInto(buckets: Map<number, QuotaHistoryPoint>, key: number, p: QuotaHistoryPoint): void {
  const prev = buckets.get(key);
  buckets.set(
    key,
    prev
      ? {
          t: Math.max(prev.t, p.t),
          primary: maxOf(prev.primary, p.primary),
          secondary: maxOf(prev.secondary, p.secondary),
        }
      : { ...p },
  );
}

/**
 * One whole minute of the pool's series, as stored: the first and last instant in it at which the value changed,
 * the highest used % of each window over those instants and the value after the last one.
 */
export interface PoolMinute {
  minute: number;
  firstAt: number;
  lastAt: number;
  primaryMax: number | null;
  secondaryMax: number | null;
  primaryLast: number | null;
  secondaryLast: number | null;
}

/**
 * The pool's chart from its stored minutes: what {@link poolQuotaSeries} gives for the same samples when `since`
 * is a whole minute. `minutes` are those in `[since, until)`, oldest first; `carried` is the newest minute before
 * `since` (its last value holds at `since`); `now` is the pool's value at `until` (null: no account has reported).
 */
export function poolPointsFromMinutes(
  minutes: readonly PoolMinute[],
  carried: PoolMinute | undefined,
  now: { primary: number | null; secondary: number | null } | null,
  range: TimeRange,
  maxPoints: number,
): QuotaHistoryPoint[] {
  if (now === null) return [];
  const width = poolBucketSeconds(range, maxPoints);
  const buckets = new Map<number, QuotaHistoryPoint>();
  if (carried && minutes[0]?.firstAt !== range.since) {
    const at = { t: range.since, primary: carried.primaryLast, secondary: carried.secondaryLast };
    mergeInto(buckets, Math.floor(range.since / width), at);
  }
  for (const m of minutes) {
    const p = { t: m.lastAt, primary: m.primaryMax, secondary: m.secondaryMax };
    mergeInto(buckets, Math.floor(m.minute / width), p);
  }
  return [...buckets.values(), { t: range.until, ...now }];
}

/**
 * The pool's capacity-weighted 5 h and long-window used % over `range`, exactly as the pooled usage view would
 * have computed it at each instant (`weightedWindow`, kept incrementally by `WeightedSums`): each account's sample
 * holds until its next one, and a window whose reset has passed counts as 0. The value changes only when a sample
 * arrives or a window resets, so it is evaluated at exactly those instants (plus `until`); an instant that leaves
 * both values as they were adds nothing to a step chart and is dropped; the rest is downsampled with
 * {@link downsampleAligned}. {@link PoolQuotaRollup} keeps the same series as it happens.
 */
export function poolQuotaSeries(
  accounts: readonly PoolHistoryAccount[],
  range: TimeRange,
  maxPoints: number,
): PoolSeries {
  const { points, ...rest } = poolQuotaPoints(accounts, range);
  return { points: downsampleAligned(points, range, maxPoints), ...rest };
}

/** {@link poolQuotaSeries} before downsampling: a point at each instant the value changed, and at `until`. */
export function poolQuotaPoints(accounts: readonly PoolHistoryAccount[], range: TimeRange): PoolSeries {
  const pool = accounts
    .filter((a) => countsInPool(a.status))
    .map((a) => ({ plan: a.planType, samples: a.samples.filter((s) => s.recordedAt <= range.until) }))
    .filter((a) => a.samples.length > 0);
  const events: { t: number; account: number; sample: UsageSample }[] = [];
  const instants = new Set<number>([range.until]);
  let firstSampleAt: number | null = null;
  let lastSampleAt: number | null = null;
  pool.forEach((a, account) => {
    for (const sample of a.samples) {
      // A sample from before the range takes effect at its start: the chart begins where the range does.
      const t = Math.max(sample.recordedAt, range.since);
      events.push({ t, account, sample });
      instants.add(t);
      for (const w of [sample.primary, sample.secondary]) {
        if (w?.resetAt != null && w.resetAt > range.since && w.resetAt < range.until) instants.add(w.resetAt);
      }
      firstSampleAt = firstSampleAt === null ? sample.recordedAt : Math.min(firstSampleAt, sample.recordedAt);
      lastSampleAt = lastSampleAt === null ? sample.recordedAt : Math.max(lastSampleAt, sample.recordedAt);
    }
  });
  events.sort((a, b) => a.t - b.t || a.sample.recordedAt - b.sample.recordedAt);

  const primary = new WeightedSums('primary');
  const secondary = new WeightedSums('secondary');
  const points: QuotaHistoryPoint[] = [];
  let next = 0;
  for (const at of [...instants].sort((a, b) => a - b)) {
    // Resets first: a sample arriving at `at` is judged at `at` anyway, one that was current must empty.
    primary.advance(at);
    secondary.advance(at);
    while (next < events.length && events[next]!.t <= at) {
      const { account, sample } = events[next]!;
      const plan = pool[account]!.plan;
      primary.set(account, plan, sample.primary ?? null, at);
      secondary.set(account, plan, sample.secondary ?? null, at);
      next += 1;
    }
    if (next === 0) continue; // no account has reported yet: nothing true to draw
    const point = { t: at, primary: primary.usedPercent(), secondary: secondary.usedPercent() };
    const prev = points[points.length - 1];
    if (prev && at !== range.until && prev.primary === point.primary && prev.secondary === point.secondary)
      continue;
    points.push(point);
  }
  return {
    points,
    accounts: pool.length,
    firstSampleAt,
    lastSampleAt,
  };
}

/** A window of the newest sample for the API: its length, and its reset unless that has passed. */
export function windowAsOf(
  w: UsageWindow | null | undefined,
  now: number,
): { windowMinutes: number; resetAt: number | null } | null {
  if (!w) return null;
  return {
    windowMinutes: w.windowMinutes,
    resetAt: w.resetAt !== null && w.resetAt > now ? w.resetAt : null,
  };
}

/** Display name of a limit family: `Codex` for the standard quota, else the registry's label or upstream's name. */
export function familyDisplayLabel(
  family: string,
  limitName: string | null | undefined,
  registry: readonly GatedModelEntry[],
): string {
  if (family === STANDARD_FAMILY) return 'Codex';
  return registry.find((e) => e.quotaKey === family)?.label ?? limitName ?? family;
}
