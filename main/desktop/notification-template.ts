/**
 * Which core events deserve a desktop notification, and what it says. Pure: an event and the account's name in,
 * a title and body (or null) out.
 */
import type { AdminEvent } from '../../shared/api';
import { redactSecrets } from '../core/log';
import { formatCountdown } from './format';
import { accountName, type TrayAccount } from './tray-template';

/** What a notice's button (or, where the OS has no buttons, a click) does. */
export type NoticeAction =
  { kind: 'sign_in'; accountId: string; label: string } | { kind: 'open_dashboard'; label: string };

/** A notification to show. */
export interface DesktopNotice {
  title: string;
  body: string;
  /** What it is about, for coalescing: one notice per cause per period (notice-coalescer.ts). */
  cause?: string;
  /** The stretch of time the cause holds for (a reset time, a status episode). */
  period?: string;
  action?: NoticeAction;
}

/** The account as notifications need it (null when it was deleted meanwhile). */
export type NoticeAccount = Pick<TrayAccount, 'label' | 'email' | 'chatgptAccountId' | 'resetAt'>;

/**
 * Account exhausted, recovered, needing a new login, or deactivated → a notice; everything else → null (quota
 * ticks, requests, settings and the user's own pause/resume are not news).
 */
export function notificationFor(
  event: AdminEvent,
  account: NoticeAccount | null,
  now: number,
): DesktopNotice | null {
  if (event.type !== 'account_status') return null;
  const name = account ? accountName(account) : 'An account';
  // The core promises reasons never carry a token; redacting again costs nothing and keeps that true here.
  const reason = event.reason ? ` ${sentence(redactSecrets(event.reason))}` : '';
  switch (event.transition) {
    case 'exhausted': {
      const back = account?.resetAt != null ? ` It is back in ${formatCountdown(account.resetAt, now)}.` : '';
      return {
        title: `${name} reached its limit`,
        body: `Requests go to the other accounts meanwhile.${back}`,
        cause: `exhausted:${event.accountId}`,
        period: String(account?.resetAt ?? now),
      };
    }
    case 'recovered':
      return {
        title: `${name} is available again`,
        body: 'It takes requests again.',
        cause: `recovered:${event.accountId}`,
        period: String(now),
      };
    case 'reauth_required':
      return {
        title: `${name} needs a new sign-in`,
        body: `Sign in to this account again to bring it back.${reason}`,
        cause: `reauth:${event.accountId}`,
        period: String(now),
        action: { kind: 'sign_in', accountId: event.accountId, label: 'Sign in' },
      };
    case 'deactivated':
      return {
        title: `${name} was deactivated`,
        body: `It no longer takes requests.${reason}`,
        cause: `deactivated:${event.accountId}`,
        period: String(now),
      };
    default:
      return null;
  }
}

/** The warning shown once at start-up when no OS keychain is available. */
export function keyFileNotice(): DesktopNotice {
  return {
    title: 'No OS keychain found',
    body:
      'Codex Pool seals your tokens with a key file in its data folder instead (readable only by you). ' +
      'Install and unlock a keyring (GNOME Keyring, KWallet) to use the OS keychain.',
  };
}

function sentence(text: string): string {
  const trimmed = text.trim().slice(0, 200);
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
