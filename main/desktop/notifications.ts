import { Notification } from 'electron';
import type { Core } from '../core/create-core';
import type { Logger } from '../core/log';
import { EMPTY_COALESCER, coalesce, type CoalescerEvent, type CoalescerState } from './notice-coalescer';
import {
  notificationFor,
  type DesktopNotice,
  type NoticeAccount,
  type NoticeAction,
} from './notification-template';
import { poolNotices, poolSignals, type PoolSignals } from './pool-watch';
import { conversationMovedNotice, type MovedAccount } from './conversation-notice';

/** Shows desktop notifications for the core's account events. */
export interface Notifier {
  /** Shows a notice now, whatever the coalescer would say (start-up warnings). */
  show(notice: DesktopNotice): void;
  /** Offers a notice from another part of the shell (the updater) to the coalescer. */
  notify(notice: DesktopNotice): void;
  /** Re-reads the pool for pool-wide notices (the tray calls it on its refresh). */
  checkPool(): void;
  /** Stops listening to the core. */
  dispose(): void;
}

/** What the notifier needs. */
export interface NotificationDeps {
  core: Core;
  /** Clicking a notification without an action of its own opens the dashboard. */
  onClick: () => void;
  /** Opens the sign-in page in the system browser (the Sign in action). */
  openExternal?: (url: string) => Promise<void>;
  log: Logger;
  now?: () => number;
}

/**
 * Subscribes to the core's event bus in-process and shows, through the coalescer, a notification when an account
 * runs out, comes back, needs a new sign-in or is deactivated, and when the pool is exhausted, low, or an exhausted
 * account has a reset credit; and, when the user turned it on, when a conversation moves to another account.
 * Buttons where the OS shows them (macOS), the same action on a click elsewhere.
 */
export function setupNotifications(deps: NotificationDeps): Notifier {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const { core, log } = deps;
  // Referenced until closed: a collected Notification would drop its click handler.
  const live = new Set<Notification>();
  let coalescer: CoalescerState = EMPTY_COALESCER;
  let signals: PoolSignals | null = null;

  const run = (action: NoticeAction | undefined): void => {
    if (action?.kind !== 'sign_in' || deps.openExternal === undefined) return deps.onClick();
    const open = deps.openExternal;
    void core.services.logins
      .startBrowser()
      .then((login) => open(login.authorizeUrl))
      .catch((err: unknown) => {
        log.warn('could not start a sign-in from a notification', { accountId: action.accountId, err });
        deps.onClick();
      });
  };

  const display = (notice: DesktopNotice): void => {
    if (!Notification.isSupported()) return;
    try {
      const notification = new Notification({
        title: notice.title,
        body: notice.body,
        ...(notice.action ? { actions: [{ type: 'button' as const, text: notice.action.label }] } : {}),
      });
      live.add(notification);
      let handled = false;
      const act = (): void => {
        handled = true;
        live.delete(notification);
        run(notice.action);
      };
      notification.on('click', act);
      notification.on('action', act);
      notification.on('close', () => {
        live.delete(notification);
        // Closed without being used: the user dismissed it, so its cause goes quiet for a while.
        if (!handled && notice.cause !== undefined)
          feed({ type: 'dismissed', cause: notice.cause, at: now() });
      });
      notification.show();
    } catch (err) {
      log.warn('could not show a notification', { err });
    }
  };

  const feed = (event: CoalescerEvent): void => {
    const result = coalesce(coalescer, event);
    coalescer = result.state;
    if (result.show !== null) display(result.show);
  };

  const lookup = (id: string): (NoticeAccount & MovedAccount) | null => {
    try {
      return core.services.accounts.view(id);
    } catch {
      return null; // removed since the event
    }
  };

  const checkPool = (): void => {
    try {
      const t = now();
      const lowPercent = core.services.settings.get().notifyPoolLowPercent;
      const next = poolSignals(core.services.accounts.list(), t, lowPercent);
      for (const p of poolNotices(signals, next, t)) {
        feed({ type: 'notice', notice: p.notice, accountId: p.accountId, at: t });
      }
      signals = next;
    } catch (err) {
      log.warn('could not check the pool for notifications', { err });
    }
  };

  const unsubscribe = core.services.events.subscribe((event) => {
    const t = now();
    if (event.type === 'settings') return feed({ type: 'own_action', accountId: null, at: t });
    if (event.type === 'conversation_moved') {
      const settings = core.services.settings.get();
      const from = lookup(event.fromAccountId);
      const notice = conversationMovedNotice(event, from, lookup(event.toAccountId), settings);
      // About the account it left: pausing that one is the user's own action that moves conversations (a pin or
      // sticky sessions turned off are told by the settings, however late the next turn comes).
      if (notice) feed({ type: 'notice', notice, accountId: event.fromAccountId, at: t });
      return;
    }
    if (event.type !== 'account_status') return;
    if (event.transition === 'paused' || event.transition === 'resumed') {
      feed({ type: 'own_action', accountId: event.accountId, at: t });
      return;
    }
    const notice = notificationFor(event, lookup(event.accountId), t);
    if (notice) feed({ type: 'notice', notice, accountId: event.accountId, at: t });
  });
  return {
    show: display,
    // Not about an account, and not a consequence of the user's pool actions: keyed apart from both.
    notify: (notice) => feed({ type: 'notice', notice, accountId: 'app', at: now() }),
    checkPool,
    dispose() {
      unsubscribe();
      live.clear();
    },
  };
}
