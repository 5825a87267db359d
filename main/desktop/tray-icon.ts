/**
 * Which tray icon the pool's state calls for, and where its file is. Pure: the decision is tested as a table,
 * `tray.ts` only loads the file.
 */
import { canServe } from './pool-line';
import type { TrayAccount } from './tray-template';

/** The four icon states of ARCHITECTURE.md "assets/". */
export const TRAY_ICON_STATES = ['ok', 'low', 'exhausted', 'paused'] as const;
/** A tray icon state. */
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

/** An account counts as low when either window is at least this full. */
export const LOW_USED_PERCENT = 80;

/**
 * - `paused`: nothing is meant to route — no accounts, or every account that could route is paused.
 * - `exhausted`: accounts should route but none can right now (limits, caps, re-login needed, deactivated).
 * - `low`: accounts can route, but every one of them has a window at least {@link LOW_USED_PERCENT}% used.
 * - `ok`: at least one available account has headroom in both windows (or has not reported quota yet).
 */
export function trayIconState(
  accounts: readonly Pick<TrayAccount, 'status' | 'quota' | 'capped'>[],
): TrayIconState {
  if (accounts.length === 0) return 'paused';
  // An account past the user's cap takes no requests, like the pool line says (pool-line.ts).
  const available = accounts.filter(canServe);
  if (available.length === 0) {
    return accounts.every((a) => a.status === 'paused' || a.status === 'deactivated') &&
      accounts.some((a) => a.status === 'paused')
      ? 'paused'
      : 'exhausted';
  }
  const roomy = available.some((a) => {
    const used = Math.max(a.quota.primary?.usedPercent ?? 0, a.quota.secondary?.usedPercent ?? 0);
    return used < LOW_USED_PERCENT;
  });
  return roomy ? 'ok' : 'low';
}

/**
 * The icon file for a state. macOS gets monochrome template images (`*Template.png`, tinted by the menu bar,
 * states told apart by shape); Windows and Linux get coloured ones. Electron picks `@2x` variants itself.
 */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

/** The tooltip: the product, the state in words, DEMO when simulated. */
export function trayToolTip(state: TrayIconState, demo: boolean): string {
  const words: Record<TrayIconState, string> = {
    ok: 'accounts available',
    low: 'every account is running low',
    exhausted: 'no account can take requests right now',
    paused: 'paused',
  };
  return `Codex Pool${demo ? ' (DEMO)' : ''} — ${words[state]}`;
}
