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

const maxOf = (a: number | null, b: number | null): number | null =>
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

/**
 * The pool's capacity-weighted 5 h and long-window used % over `range`, exactly as the pooled usage view would
 * have computed it at each instant (`weightedWindow`, kept incrementally by `WeightedSums`): each account's sample holds until its next one, and a
 * window whose reset has passed counts as 0. The value changes only when a sample arrives or a window resets, so
 * it is evaluated at exactly those instants (plus `until`) and then downsampled with {@link downsampleMax}.
 */
export function poolQuotaSeries(
  accounts: readonly PoolHistoryAccount[],
  range: TimeRange,
  maxPoints: number,
): PoolSeries {
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
    points.push({ t: at, primary: primary.usedPercent(), secondary: secondary.usedPercent() });
  }
  return {
    points: downsampleMax(points, range, maxPoints),
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
