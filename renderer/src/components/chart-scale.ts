/**
 * The arithmetic of the quota charts, kept apart from the SVG: time ticks at round local times, step paths with
 * gaps, and the sentence that summarises a series for screen readers. Pure functions.
 */
import type { QuotaHistoryPoint } from '../../../shared/api';
import { formatClock, formatPercent } from '../lib/format';

/** One tick of the time axis. */
export interface TimeTick {
  /** Epoch seconds. */
  t: number;
  label: string;
}

const HOUR = 3600;
/** Tick spacings, in hours, from the finest; the first that fits `maxTicks` wins. */
const STEPS_H = [1, 2, 3, 6, 12, 24, 48, 168];

const dayLabel = (d: Date): string => d.toLocaleDateString([], { day: 'numeric', month: 'short' });
const timeLabel = (d: Date): string => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * Ticks at round local times between `since` and `until` (epoch s): every N hours on the hour (`14:00`, or the
 * date at midnight), or every N days at midnight (`12 May`), at most `maxTicks` of them.
 */
export function timeTicks(since: number, until: number, maxTicks: number): TimeTick[] {
  const span = Math.max(1, until - since);
  const stepH =
    STEPS_H.find((h) => span / (h * HOUR) <= Math.max(1, maxTicks)) ?? STEPS_H[STEPS_H.length - 1]!;
  const d = new Date(since * 1000);
  d.setMinutes(0, 0, 0);
  if (stepH >= 24) d.setHours(0);
  // Walk to the first aligned instant at or after `since`, in local time so ticks sit on the user's clock.
  while (d.getTime() / 1000 < since || (stepH < 24 ? d.getHours() % stepH !== 0 : false)) {
    if (stepH >= 24) d.setDate(d.getDate() + 1);
    else d.setHours(d.getHours() + 1);
  }
  const ticks: TimeTick[] = [];
  while (d.getTime() / 1000 <= until && ticks.length < Math.max(1, maxTicks) + 1) {
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    ticks.push({ t: d.getTime() / 1000, label: stepH >= 24 || midnight ? dayLabel(d) : timeLabel(d) });
    if (stepH >= 24) d.setDate(d.getDate() + stepH / 24);
    else d.setHours(d.getHours() + stepH);
  }
  return ticks;
}

/**
 * An SVG path of one series as steps: each value holds until the next point, which is what a quota sample means
 * (it is true until the next one says otherwise). Unknown values break the line instead of inventing a value.
 */
export function stepPath(
  points: readonly QuotaHistoryPoint[],
  key: 'primary' | 'secondary',
  x: (t: number) => number,
  y: (used: number) => number,
): string {
  let d = '';
  let open = false;
  for (const p of points) {
    const value = p[key];
    if (value === null) {
      open = false;
      continue;
    }
    const px = x(p.t).toFixed(1);
    const py = y(value).toFixed(1);
    d += open ? ` H${px} V${py}` : `${d ? ' ' : ''}M${px} ${py}`;
    open = true;
  }
  return d;
}

/** A series as the chart names it. */
export interface ChartSeries {
  key: 'primary' | 'secondary';
  /** `5-hour`, `Weekly`. */
  name: string;
}

/** The newest known value of a series and when it was taken. */
export function latestOf(
  points: readonly QuotaHistoryPoint[],
  key: 'primary' | 'secondary',
): { t: number; value: number } | null {
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const value = points[i]![key];
    if (value !== null) return { t: points[i]!.t, value };
  }
  return null;
}

/**
 * The chart in words: `5-hour: 36% now, peak 40%, from 15%. Weekly: …` — what a sighted user reads off the lines,
 * for the `aria-label` of the image.
 */
export function summarizeSeries(
  points: readonly QuotaHistoryPoint[],
  series: readonly ChartSeries[],
  now: number,
): string {
  const parts = series.map(({ key, name }) => {
    const values = points.map((p) => p[key]).filter((v): v is number => v !== null);
    const latest = latestOf(points, key);
    if (!latest) return `${name}: no data.`;
    const peak = Math.max(...values);
    return `${name}: ${formatPercent(latest.value)} at ${formatClock(latest.t, now)}, peak ${formatPercent(peak)}, from ${formatPercent(values[0]!)}.`;
  });
  return parts.join(' ');
}
