/** Formatting for people: durations, ages, clock times, percentages, token counts. Pure functions. */
import type { AccountStatus, RoutingPolicy } from '../../../shared/domain';
import { formatDuration } from '../../../shared/format';

/** `42%` (no decimals; `<1%` for a small non-zero share). */
export function formatPercent(value: number): string {
  if (value > 0 && value < 1) return '<1%';
  return `${Math.round(value)}%`;
}

export { formatDuration } from '../../../shared/format';

/** How old a sample is: `just now`, `2 min ago`. */
export function formatAge(recordedAt: number, now: number): string {
  const age = now - recordedAt;
  if (age < 10) return 'just now';
  return `${formatDuration(age)} ago`;
}

/** Time until an epoch-seconds instant: `in 2 h 5 min`, or `now` once it has passed. */
export function formatCountdown(at: number, now: number): string {
  return at <= now ? 'now' : `in ${formatDuration(at - now)}`;
}

/** Wall-clock time of an epoch-seconds instant, with the day when it is not today. */
export function formatClock(at: number, now: number = Date.now() / 1000): string {
  const date = new Date(at * 1000);
  const sameDay = new Date(now * 1000).toDateString() === date.toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay
    ? time
    : `${date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}

/** Time of day with seconds, for request rows. */
export function formatTimeOfDay(at: number): string {
  return new Date(at * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** `820 ms`, `2.4 s`. */
export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `950`, `12.3k`, `1.2M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** The name of a quota window by its length: `5-hour`, `Weekly`, `Monthly`. */
export function windowName(minutes: number): string {
  if (minutes === 300) return '5-hour';
  if (minutes === 10080) return 'Weekly';
  if (minutes >= 40000 && minutes <= 45000) return 'Monthly';
  if (minutes % 1440 === 0) return `${minutes / 1440}-day`;
  if (minutes % 60 === 0) return `${minutes / 60}-hour`;
  return `${minutes}-minute`;
}

/** A plan as people say it: `Plus`, `Pro`, `Team`. */
export function planName(plan: string | null): string {
  if (!plan) return 'Unknown plan';
  return plan.charAt(0).toUpperCase() + plan.slice(1);
}

/** Human names of account statuses. */
export const STATUS_NAMES: Record<AccountStatus, string> = {
  active: 'Active',
  rate_limited: 'Rate-limited',
  quota_exceeded: 'Out of quota',
  paused: 'Paused',
  reauth_required: 'Sign-in needed',
  deactivated: 'Deactivated',
};

/** Human names and hints of routing policies. */
export const POLICY_NAMES: Record<RoutingPolicy, string> = {
  normal: 'Normal',
  burn_first: 'Use first',
  preserve: 'Keep in reserve',
};
