/**
 * Pool-wide notices (issue 12): "the pool is exhausted — back at …", "the pool is low", and "an exhausted account
 * has a reset credit". Pure: each refresh the notifier reads a {@link PoolSignals} snapshot of the accounts and
 * compares it with the previous one; a notice is a candidate only on the edge into a condition, and the coalescer
 * (notice-coalescer.ts) decides whether it is shown.
 */
import { formatClock, formatCountdown, formatPercent, type ClockStyle } from './format';
import { canServe, poolBackAt } from './pool-line';
import { accountName, type TrayAccount } from './tray-template';
import type { DesktopNotice } from './notification-template';

/** What the pool-wide notices depend on, at one moment. */
export interface PoolSignals {
  /** No routable account can serve; with the time the first is back (null = unknown). */
  exhausted: { backAt: number | null } | null;
  /**
   * Every account that can serve is at or past the threshold in a window (null threshold → never), until the
   * earliest reset of those full windows (the period of one notice).
   */
  low: { usedPercent: number; until: number | null } | null;
  /** Accounts that are out (status or cap) and report reset credits, with the period they are out for. */
  resetCredits: ReadonlyArray<{ accountId: string; name: string; count: number; backAt: number | null }>;
}

const ROUTABLE = new Set<TrayAccount['status']>(['active', 'rate_limited', 'quota_exceeded']);

/** The signals of `accounts` at `now`. */
export function poolSignals(
  accounts: readonly TrayAccount[],
  now: number,
  lowPercent: number | null,
): PoolSignals {
  const routable = accounts.filter((a) => ROUTABLE.has(a.status));
  const serving = routable.filter(canServe);
  const exhausted =
    routable.length > 0 && serving.length === 0 ? { backAt: poolBackAt(accounts, now) } : null;
  let low: PoolSignals['low'] = null;
  if (lowPercent !== null && serving.length > 0) {
    const used = serving.map((a) =>
      Math.max(a.quota.primary?.usedPercent ?? 0, a.quota.secondary?.usedPercent ?? 0),
    );
    // Only accounts with data count as low: one that never reported might have room.
    const least = Math.min(...used);
    if (serving.every((a) => a.quota.recordedAt !== null) && least >= lowPercent) {
      low = { usedPercent: least, until: earliestFullReset(serving, lowPercent) };
    }
  }
  const resetCredits = routable
    .filter((a) => !canServe(a) && (a.resetCredits ?? 0) > 0)
    .map((a) => ({
      accountId: a.id,
      name: accountName(a),
      count: a.resetCredits as number,
      backAt: a.status === 'active' ? (a.capped?.until ?? null) : a.resetAt,
    }));
  return { exhausted, low, resetCredits };
}

function earliestFullReset(accounts: readonly TrayAccount[], percent: number): number | null {
  let first: number | null = null;
  for (const a of accounts) {
    for (const w of [a.quota.primary, a.quota.secondary]) {
      if (w === null || w.usedPercent < percent || w.resetAt === null) continue;
      if (first === null || w.resetAt < first) first = w.resetAt;
    }
  }
  return first;
}

/** A candidate notice with what the coalescer keys it by. */
export interface PoolNotice {
  notice: DesktopNotice;
  /** The account it is about; null for the whole pool. */
  accountId: string | null;
}

/**
 * Notices for conditions that began between `prev` and `next` (the first snapshot only sets the baseline: a
 * restart is not news). The period is what makes "one per cause per window": the back time, or the reset.
 */
export function poolNotices(
  prev: PoolSignals | null,
  next: PoolSignals,
  now: number,
  style: ClockStyle = {},
): PoolNotice[] {
  if (prev === null) return [];
  const out: PoolNotice[] = [];
  if (next.exhausted !== null && prev.exhausted === null) {
    const back = next.exhausted.backAt;
    out.push({
      accountId: null,
      notice: {
        cause: 'pool_exhausted',
        period: String(back ?? 'unknown'),
        title: 'Codex Pool is exhausted',
        body:
          back === null
            ? 'No account can take requests; clients get "usage limit reached" until one is back.'
            : `No account can take requests until ${formatClock(back, now, style)} (in ${formatCountdown(back, now)}).`,
        action: { kind: 'open_dashboard', label: 'Open dashboard' },
      },
    });
  }
  if (next.low !== null && prev.low === null && next.exhausted === null) {
    out.push({
      accountId: null,
      notice: {
        cause: 'pool_low',
        period: String(next.low.until ?? 'unknown'),
        title: 'Codex Pool is running low',
        body: `Every account that can take requests has used ${formatPercent(next.low.usedPercent)} or more of a window.`,
        action: { kind: 'open_dashboard', label: 'Open dashboard' },
      },
    });
  }
  const before = new Set(prev.resetCredits.map((r) => r.accountId));
  for (const r of next.resetCredits) {
    if (before.has(r.accountId)) continue;
    const until = r.backAt === null ? '' : ` until ${formatClock(r.backAt, now, style)}`;
    out.push({
      accountId: r.accountId,
      notice: {
        cause: `reset_credit:${r.accountId}`,
        period: String(r.backAt ?? 'unknown'),
        title: `${r.name} has a reset credit`,
        body: `It is out${until}; the usage endpoint reports ${r.count === 1 ? '1 limit reset' : `${r.count} limit resets`} available for it.`,
        action: { kind: 'open_dashboard', label: 'Open dashboard' },
      },
    });
  }
  return out;
}
