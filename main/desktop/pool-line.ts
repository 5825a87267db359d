/**
 * The line at the top of the tray: how much of the pool is left and when it runs out at the current burn rate, or
 * when it is back if no account can serve. Pure: the pool view (`GET /api/pool`, main/core/usage/forecast.ts — not
 * recomputed here), the accounts and a fixed clock in, words out. The icon state follows the same facts.
 */
import type { PoolView, PoolWindow } from '../../shared/api';
import { formatClock, formatCountdown, formatPercent, type ClockStyle } from './format';
import type { TrayAccount } from './tray-template';

const NOT_ROUTABLE = new Set<TrayAccount['status']>(['paused', 'reauth_required', 'deactivated']);

const WINDOW_NAMES: Record<PoolWindow['window'], string> = { short: '5 h', long: 'weekly' };

/** Whether the balancer would give the account a request now: active and not past the user's cap. */
export function canServe(account: Pick<TrayAccount, 'status' | 'capped'>): boolean {
  return account.status === 'active' && (account.capped ?? null) === null;
}

/**
 * When the first account that is out right now comes back: its status reset (rate limited, quota used up) or
 * the reset of its capped window. Null when none of them says.
 */
export function poolBackAt(accounts: readonly TrayAccount[], now: number): number | null {
  let back: number | null = null;
  for (const a of accounts) {
    if (NOT_ROUTABLE.has(a.status) || canServe(a)) continue;
    const at = a.status === 'active' ? (a.capped?.until ?? null) : a.resetAt;
    if (at !== null && at > now && (back === null || at < back)) back = at;
  }
  return back;
}

/**
 * The pool line:
 * - no accounts → "Codex Pool — no accounts";
 * - nothing routable → "Pool paused — resume an account to take requests" / "… sign in again …";
 * - nothing can serve → "Pool exhausted · back 14:05 (in 2h 58m)" (or "back time unknown");
 * - no quota data → "Pool — no quota data yet";
 * - a window runs out before it resets → "Pool 62% weekly left · runs out Thu 14:00" (the earliest such window);
 * - burning, but every window resets first → "Pool 62% weekly left · lasts past the reset (Mon 09:00)";
 * - no use in the burn window → "Pool 62% weekly left · idle".
 */
export function poolLine(
  pool: PoolView | undefined,
  accounts: readonly TrayAccount[],
  now: number,
  style: ClockStyle = {},
): string {
  if (accounts.length === 0) return 'Codex Pool — no accounts';
  const routable = accounts.filter((a) => !NOT_ROUTABLE.has(a.status));
  if (routable.length === 0) {
    return accounts.some((a) => a.status === 'paused')
      ? 'Pool paused — resume an account to take requests'
      : 'No account can take requests — sign in again in the dashboard';
  }
  if (!routable.some(canServe)) {
    const back = poolBackAt(accounts, now);
    return back === null
      ? 'Pool exhausted · back time unknown'
      : `Pool exhausted · back ${formatClock(back, now, style)} (in ${formatCountdown(back, now)})`;
  }
  const windows = pool === undefined ? [] : [pool.long, pool.short].filter((w) => w.headroomPercent !== null);
  if (windows.length === 0) return 'Pool — no quota data yet';
  const left = (w: PoolWindow): string =>
    `Pool ${formatPercent(w.headroomPercent)} ${WINDOW_NAMES[w.window]} left`;

  let first: PoolWindow | null = null;
  for (const w of windows) {
    if (w.runsOutAt === null || w.resetFirst) continue;
    if (first === null || w.runsOutAt < (first.runsOutAt as number)) first = w;
  }
  if (first !== null) {
    const at = first.runsOutAt as number;
    return `${left(first)} · ${at <= now ? 'used up now' : `runs out ${formatClock(at, now, style)}`}`;
  }
  // Long window first: it is the one that decides whether the week lasts.
  const burning = windows.find((w) => w.runsOutAt !== null && w.nextResetAt !== null);
  if (burning !== undefined) {
    return `${left(burning)} · lasts past the reset (${formatClock(burning.nextResetAt as number, now, style)})`;
  }
  return `${left(windows[0] as PoolWindow)} · idle`;
}
