/**
 * Which core events deserve a desktop notification, and what it says. Pure: an event and the account's name in,
 * a title and body (or null) out.
 */
import type { AdminEvent } from '../../shared/api';
import { redactSecrets } from '../core/log';
import { formatCountdown } from './format';
import { accountName, type TrayAccount } from './tray-template';

/** A notification to show. */
export interface DesktopNotice {
  title: string;
  body: string;
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
      };
    }
    case 'recovered':
      return { title: `${name} is available again`, body: 'It takes requests again.' };
    case 'reauth_required':
      return {
        title: `${name} needs a new sign-in`,
        body: `Open the dashboard and sign in to this account again.${reason}`,
      };
    case 'deactivated':
      return { title: `${name} was deactivated`, body: `It no longer takes requests.${reason}` };
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
