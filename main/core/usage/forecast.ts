/**
 * The pool view (`GET /api/pool`): headroom per window across routable accounts, capacity-weighted by plan,
 * the next reset, and when the pool runs out at the current burn rate. Pure: accounts, history and time in.
 */
import type { PoolView, PoolWindow } from '../../../shared/api';
import type { AccountStatus, UsageSample, UsageWindow } from '../../../shared/domain';
import { longWindowCapacity, planCapacity } from '../balancer';

/** One account as the forecast needs it. */
export interface ForecastAccount {
  status: AccountStatus;
  planType: string | null;
  /** The latest standard-family sample, if any. */
  sample: UsageSample | undefined;
  /** Standard-family samples of the burn window, oldest first (may include `sample`). */
  history: readonly UsageSample[];
}

/** How far back the burn rate looks (s). One hour follows a working session without reacting to one request. */
export const BURN_WINDOW_S = 3600;
/** Below this burn (percent of pool capacity per hour) the pool is idle and no run-out time is given. */
const IDLE_BURN_PERCENT_PER_HOUR = 0.01;
/** A monthly long window is this long or longer (PROTOCOL.md §8). */
const MONTHLY_MINUTES = 43200;
/** Samples are in the same window period when their resets differ by less than this (s). */
const SAME_PERIOD_TOLERANCE_S = 120;

const NOT_ROUTABLE: ReadonlySet<AccountStatus> = new Set(['paused', 'reauth_required', 'deactivated']);

type Slot = 'short' | 'long';

const windowOf = (s: UsageSample, slot: Slot): UsageWindow | null =>
  slot === 'short' ? s.primary : s.secondary;

function capacityOf(plan: string | null, slot: Slot, w: UsageWindow): number {
  return slot === 'short'
    ? planCapacity(plan).short
    : longWindowCapacity(plan, w.windowMinutes >= MONTHLY_MINUTES);
}

/** Percent used now: a window whose reset has passed is empty. */
function usedNow(w: UsageWindow, now: number): number {
  if (w.resetAt !== null && w.resetAt <= now) return 0;
  return Math.min(100, Math.max(0, w.usedPercent));
}

/** Whether the status holds the account out of this window right now, whatever its last sample says. */
function blocked(status: AccountStatus, slot: Slot): boolean {
  return status === 'quota_exceeded' || (status === 'rate_limited' && slot === 'short');
}

/**
 * Burn of one account in percent points per second over its latest stretch of samples within one window
 * period (a drop in use, or a moved reset, starts a new stretch: the window reset in between).
 */
export function burnRate(history: readonly UsageSample[], slot: Slot, since: number): number {
  const points = history
    .filter((s) => s.recordedAt >= since)
    .map((s) => ({ at: s.recordedAt, w: windowOf(s, slot) }))
    .filter((p): p is { at: number; w: UsageWindow } => p.w !== null);
  let start = 0;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!.w;
    const cur = points[i]!.w;
    const resetMoved =
      prev.resetAt !== null &&
      cur.resetAt !== null &&
      Math.abs(cur.resetAt - prev.resetAt) > SAME_PERIOD_TOLERANCE_S;
    if (cur.usedPercent < prev.usedPercent - 0.5 || resetMoved) start = i;
  }
  const first = points[start];
  const last = points[points.length - 1];
  if (!first || !last || last.at - first.at < 60) return 0;
  return Math.max(0, last.w.usedPercent - first.w.usedPercent) / (last.at - first.at);
}

function windowView(accounts: readonly ForecastAccount[], slot: Slot, now: number): PoolWindow {
  let capacity = 0;
  let remaining = 0;
  let burn = 0; // credits per second
  let nextResetAt: number | null = null;
  let counted = 0;
  for (const a of accounts) {
    const w = a.sample ? windowOf(a.sample, slot) : null;
    if (!w) continue;
    const cap = capacityOf(a.planType, slot, w);
    if (cap <= 0) continue; // free plans have no short window
    counted += 1;
    capacity += cap;
    if (!blocked(a.status, slot)) remaining += cap * (1 - usedNow(w, now) / 100);
    burn += (burnRate(a.history, slot, now - BURN_WINDOW_S) / 100) * cap;
    if (w.resetAt !== null && w.resetAt > now && (nextResetAt === null || w.resetAt < nextResetAt)) {
      nextResetAt = w.resetAt;
    }
  }
  const burnPercentPerHour = capacity > 0 ? ((burn * 3600) / capacity) * 100 : 0;
  let runsOutAt: number | null = null;
  if (capacity > 0 && remaining <= 0) runsOutAt = now;
  else if (burnPercentPerHour >= IDLE_BURN_PERCENT_PER_HOUR) runsOutAt = Math.ceil(now + remaining / burn);
  return {
    window: slot,
    capacity: round(capacity),
    remaining: round(remaining),
    headroomPercent: capacity > 0 ? round((remaining / capacity) * 100) : null,
    nextResetAt,
    burnPercentPerHour: round(burnPercentPerHour),
    runsOutAt,
    resetFirst: nextResetAt !== null && runsOutAt !== null && nextResetAt < runsOutAt,
    accounts: counted,
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** The pool view at `now` (epoch s). */
export function buildPoolView(accounts: readonly ForecastAccount[], now: number): PoolView {
  const routable = accounts.filter((a) => !NOT_ROUTABLE.has(a.status));
  const sampled = routable.map((a) => a.sample?.recordedAt).filter((t): t is number => t !== undefined);
  return {
    now,
    short: windowView(routable, 'short', now),
    long: windowView(routable, 'long', now),
    accounts: {
      total: accounts.length,
      routable: routable.length,
      available: routable.filter((a) => a.status === 'active').length,
      withoutData: routable.filter((a) => a.sample === undefined).length,
    },
    oldestSampleAt: sampled.length > 0 ? Math.min(...sampled) : null,
  };
}
