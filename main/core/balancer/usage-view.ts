/**
 * The usage view of one account for one request (BALANCER.md §0, §5.5): short (P) and long (S) window use, raw and
 * effective, and the reset times the preferences need. Standard requests read the `codex` sample; scoped accounts in
 * a gated request read their family's sample only.
 */
import type { UsageSample, UsageWindow } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import { DAY, IN_FLIGHT_PENALTY, UNKNOWN_BUCKET } from './constants';
import type { PlanCapacity } from './plans';
import { planCapacity, remainingCredits } from './plans';
import type { AccountState } from './types';

/** A month-long window, the marker of monthly-only accounts (PROTOCOL.md §8). */
const MONTHLY_WINDOW_MINUTES = 43_200;

/** Usage numbers of one account in one limit view at time T. */
export interface UsageView {
  /** Raw short-window use; missing → 0. Health tiers use raw values. */
  readonly rawP: number;
  /** Raw long-window use; missing → rawP. */
  readonly rawS: number;
  /** Effective P: raw + 2.5 per in-flight request, capped at 100. Ranking and budget use effective values. */
  readonly p: number;
  /** Effective S (missing → P). */
  readonly s: number;
  /** Effective S with missing → 0, fill_first's reading (§3.2). */
  readonly sFill: number;
  /** Future reset of the short window, else null. */
  readonly shortResetAt: number | null;
  /** Future reset of the long window (of the short one when the view has no long window), else null. */
  readonly longResetAt: number | null;
  /** RC: remaining long-window credits (§3). */
  readonly rc: number;
  /** Long-window capacity: weekly, or monthly for monthly standard accounts (§3). */
  readonly cap: number;
  /** True when the plan has no short-window capacity (free): P is ignored for health (§0). */
  readonly ignoreShortForHealth: boolean;
}

/** Raw use of a window at T: null when missing, 0 once its reset time has passed (§0). */
export function windowUse(w: UsageWindow | null | undefined, now: number): number | null {
  if (w === null || w === undefined) return null;
  // A window whose reset time has passed counts as 0 (§0).
  if (w.resetAt !== null && w.resetAt <= now) return 0;
  return w.usedPercent;
}

/** The window's reset time when it is still ahead of T, else null. */
export function futureReset(w: UsageWindow | null | undefined, now: number): number | null {
  if (w === null || w === undefined || w.resetAt === null) return null;
  return w.resetAt > now ? w.resetAt : null;
}

/** Effective use: raw + 2.5 per in-flight request, capped at 100 (§0). */
export function effective(raw: number, inFlight: number): number {
  return Math.min(100, raw + IN_FLIGHT_PENALTY * inFlight);
}

/** Build the usage view of `account` for the view key (`codex` or a gated quota key) at T. */
export function buildUsageView(account: AccountState, viewKey: string, now: number): UsageView {
  const sample: UsageSample | undefined = account.usage[viewKey];
  const primary = sample === undefined ? null : sample.primary;
  const secondary = sample === undefined ? null : sample.secondary;
  const pRaw = windowUse(primary, now);
  const sRaw = windowUse(secondary, now);
  const rawP = pRaw ?? 0;
  // Missing S → P; for a gated view this is the family's own P, never the standard weekly value (§5.5).
  const rawS = sRaw ?? rawP;
  const inFlight = account.inFlight;
  const plan = planCapacity(account.planType);
  const cap = viewCapacity(plan, secondary, viewKey);
  const s = effective(rawS, inFlight);
  const shortResetAt = futureReset(primary, now);
  return {
    rawP,
    rawS,
    p: effective(rawP, inFlight),
    s,
    sFill: effective(sRaw ?? 0, inFlight),
    shortResetAt,
    longResetAt: secondary !== null ? futureReset(secondary, now) : shortResetAt,
    rc: remainingCredits(cap, s),
    cap,
    ignoreShortForHealth: plan.short <= 0,
  };
}

/** Long-window capacity of a view: monthly for monthly standard accounts with a monthly row, else weekly (§3, §5.5). */
export function viewCapacity(plan: PlanCapacity, secondary: UsageWindow | null, viewKey: string): number {
  // No monthly remap in a gated view (§5.5).
  const monthly =
    secondary !== null && viewKey === STANDARD_FAMILY && secondary.windowMinutes >= MONTHLY_WINDOW_MINUTES;
  return monthly && plan.monthly !== null ? plan.monthly : plan.weekly;
}

/** Whole days until `resetAt`, or {@link UNKNOWN_BUCKET} when unknown (§4.1, §3.7). */
export function dayBucket(resetAt: number | null, now: number): number {
  if (resetAt === null || !Number.isFinite(resetAt) || resetAt <= now) return UNKNOWN_BUCKET;
  return Math.floor((resetAt - now) / DAY);
}

/** prefer_earlier_reset bucket: the long-window reset, else the short-window reset, else unknown (§4.1). */
export function preferResetBucket(view: UsageView, now: number): number {
  return dayBucket(view.longResetAt ?? view.shortResetAt, now);
}
