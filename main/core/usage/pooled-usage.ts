/**
 * The pool's quota in the upstream usage shape (PROTOCOL.md §9, built as §12 says), so a client's own status
 * display (`/status` in Codex) shows the pool instead of one account. Pure: accounts and time in, JSON out.
 */
import {
  STANDARD_FAMILY,
  type AccountStatus,
  type Credits,
  type UsageSample,
  type UsageWindow,
} from '../../../shared/domain';
import { planCapacity } from '../balancer/plans';
import type { GatedModelEntry } from '../balancer/registry';
import type { PooledRateLimits } from '../protocol';

/** What the pooled view needs to know about one account. */
export interface PoolAccountUsage {
  status: AccountStatus;
  planType: string | null;
  /** Latest sample per family. */
  usage: Readonly<Record<string, UsageSample>>;
}

const EXCLUDED: ReadonlySet<AccountStatus> = new Set(['paused', 'reauth_required', 'deactivated']);

/** Whether an account in this status counts in the pooled view (not paused, signed out or deactivated). */
export function countsInPool(status: AccountStatus): boolean {
  return !EXCLUDED.has(status);
}
const PLAN_RANK = [
  'enterprise',
  'business',
  'team',
  'pro',
  'plus',
  'education',
  'edu',
  'free_workspace',
  'free',
  'go',
  'guest',
  'quorum',
  'k12',
];

type WindowJson = {
  used_percent: number;
  limit_window_seconds: number;
  reset_after_seconds: number;
  reset_at: number;
} | null;

/** The upstream-shaped usage body of the pool, plus the standard windows for the pooled response headers. */
export function buildPooledUsage(
  accounts: readonly PoolAccountUsage[],
  registry: readonly GatedModelEntry[],
  now: number,
): { body: Record<string, unknown>; headers: PooledRateLimits } {
  const pool = accounts.filter((a) => countsInPool(a.status));
  const standard = pool.map((a) => ({ plan: a.planType, sample: a.usage[STANDARD_FAMILY] }));
  const primary = weightedWindow(standard, 'primary', now);
  const secondary = weightedWindow(standard, 'secondary', now);
  const limitReached = !pool.some((a) => allBelow100(a.usage[STANDARD_FAMILY], now));
  const credits = pooledCredits(standard.map((s) => s.sample?.credits ?? null));
  const body = {
    plan_type: pooledPlan(pool.map((a) => a.planType)),
    rate_limit: {
      allowed: !limitReached,
      limit_reached: limitReached,
      primary_window: toJson(primary, now),
      secondary_window: toJson(secondary, now),
    },
    credits: credits && {
      has_credits: credits.hasCredits,
      unlimited: credits.unlimited,
      balance: credits.balance,
    },
    additional_rate_limits: additionalLimits(pool, registry, now),
  };
  const monthly = secondary !== null && secondary.windowMinutes >= 43_200;
  return {
    body,
    headers: { primary, secondary: monthly ? null : secondary, monthly: monthly ? secondary : null, credits },
  };
}

/** A window counts as 0 % once its reset time has passed (PROTOCOL.md §8). */
function effectiveUsed(w: UsageWindow, now: number): number {
  return w.resetAt !== null && w.resetAt <= now ? 0 : w.usedPercent;
}

/**
 * The pool's window of one slot at `now`: used % weighted by each plan's capacity in that window (BALANCER.md §3),
 * floored to a whole percent; windows whose reset has passed count as 0. Also what the quota history charts plot.
 */
export function weightedWindow(
  samples: readonly { plan: string | null; sample: UsageSample | undefined }[],
  slot: 'primary' | 'secondary',
  now: number,
): UsageWindow | null {
  let weighted = 0;
  let capacity = 0;
  let plain = 0;
  let count = 0;
  let resetAt: number | null = null;
  let windowMinutes = 0;
  for (const { plan, sample } of samples) {
    const w = sample?.[slot];
    if (!w) continue;
    const cap = slot === 'primary' ? planCapacity(plan).short : planCapacity(plan).weekly;
    const used = effectiveUsed(w, now);
    weighted += cap * used;
    capacity += cap;
    plain += used;
    count += 1;
    windowMinutes = Math.max(windowMinutes, w.windowMinutes);
    if (w.resetAt !== null && w.resetAt > now && (resetAt === null || w.resetAt < resetAt))
      resetAt = w.resetAt;
  }
  if (count === 0) return null;
  // Plans without capacity in this window (free has no 5 h window) fall back to the plain mean.
  const used = capacity > 0 ? weighted / capacity : plain / count;
  return { usedPercent: clampFloor(used), windowMinutes, resetAt };
}

function clampFloor(value: number): number {
  return Math.min(100, Math.max(0, Math.floor(value)));
}

function toJson(w: UsageWindow | null, now: number): WindowJson {
  if (!w) return null;
  const resetAt = w.resetAt ?? now;
  return {
    used_percent: w.usedPercent,
    limit_window_seconds: w.windowMinutes * 60,
    reset_after_seconds: Math.max(0, resetAt - now),
    reset_at: resetAt,
  };
}

function allBelow100(sample: UsageSample | undefined, now: number): boolean {
  if (!sample) return true; // nothing known: the account is presumed usable
  return [sample.primary, sample.secondary].every((w) => !w || effectiveUsed(w, now) < 100);
}

function pooledPlan(plans: readonly (string | null)[]): string {
  const known = plans.filter((p): p is string => p !== null).map((p) => p.toLowerCase());
  if (known.length === 0) return 'guest';
  if (known.every((p) => p === known[0])) return known[0]!;
  for (const plan of PLAN_RANK) if (known.includes(plan)) return plan;
  return known[0]!;
}

function pooledCredits(list: readonly (Credits | null)[]): Credits | null {
  const known = list.filter((c): c is Credits => c !== null);
  if (known.length === 0) return null;
  const unlimited = known.some((c) => c.unlimited);
  const balance = known
    .filter((c) => !c.unlimited && c.balance !== null)
    .reduce((sum, c) => sum + (Number.parseFloat(c.balance!) || 0), 0);
  return { hasCredits: unlimited || known.some((c) => c.hasCredits), unlimited, balance: balance.toFixed(2) };
}

function additionalLimits(
  pool: readonly PoolAccountUsage[],
  registry: readonly GatedModelEntry[],
  now: number,
): unknown[] {
  const families = new Set<string>();
  for (const account of pool)
    for (const family of Object.keys(account.usage)) if (family !== STANDARD_FAMILY) families.add(family);
  return [...families].sort().map((family) => {
    const samples = pool.map((a) => a.usage[family]).filter((s): s is UsageSample => s !== undefined);
    const entry = registry.find((e) => e.quotaKey === family);
    const allowed = samples.some((s) => allBelow100(s, now));
    return {
      quota_key: family,
      limit_name: entry?.limitNames[0] ?? samples.find((s) => s.limitName)?.limitName ?? family,
      display_label: entry?.label ?? samples.find((s) => s.limitName)?.limitName ?? family,
      metered_feature: entry?.meteredFeatures[0] ?? null,
      rate_limit: {
        allowed,
        limit_reached: !allowed,
        primary_window: toJson(meanWindow(samples, 'primary', now), now),
        secondary_window: toJson(meanWindow(samples, 'secondary', now), now),
      },
    };
  });
}

/** Plain mean of used %, earliest future reset, longest window (§12 for additional families). */
function meanWindow(
  samples: readonly UsageSample[],
  slot: 'primary' | 'secondary',
  now: number,
): UsageWindow | null {
  const windows = samples.map((s) => s[slot]).filter((w): w is UsageWindow => w !== null && w !== undefined);
  if (windows.length === 0) return null;
  const used = windows.reduce((sum, w) => sum + effectiveUsed(w, now), 0) / windows.length;
  const resets = windows.map((w) => w.resetAt).filter((r): r is number => r !== null && r > now);
  return {
    usedPercent: clampFloor(used),
    windowMinutes: Math.max(...windows.map((w) => w.windowMinutes)),
    resetAt: resets.length > 0 ? Math.min(...resets) : null,
  };
}
