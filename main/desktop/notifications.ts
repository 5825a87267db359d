import { Notification } from 'electron';
import type { Core } from '../core/create-core';
import type { Logger } from '../core/log';
import { notificationFor, type DesktopNotice, type NoticeAccount } from './notification-template';

/** Shows desktop notifications for the core's account events. */
export interface Notifier {
  show(notice: DesktopNotice): void;
  /** Stops listening to the core. */
  dispose(): void;
}

/** What the notifier needs. */
export interface NotificationDeps {
  core: Core;
  /** Clicking a notification opens the dashboard. */
  onClick: () => void;
  log: Logger;
  now?: () => number;
}

/** Subscribes to the core's event bus in-process and shows a notification per account that ran out, came back or needs a new sign-in. */
export function setupNotifications(deps: NotificationDeps): Notifier {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  // Referenced until closed: a collected Notification would drop its click handler.
  const live = new Set<Notification>();
  const show = (notice: DesktopNotice): void => {
    if (!Notification.isSupported()) return;
    try {
      const notification = new Notification({ title: notice.title, body: notice.body });
      live.add(notification);
      notification.on('click', () => {
        live.delete(notification);
        deps.onClick();
      });
      notification.on('close', () => live.delete(notification));
      notification.show();
    } catch (err) {
      deps.log.warn('could not show a notification', { err });
    }
  };
  const lookup = (id: string): NoticeAccount | null => {
    try {
      return deps.core.services.accounts.view(id);
    } catch {
      return null; // removed since the event
    }
  };
  const unsubscribe = deps.core.services.events.subscribe((event) => {
    const notice = notificationFor(
      event,
      event.type === 'account_status' ? lookup(event.accountId) : null,
      now(),
    );
    if (notice) show(notice);
  });
  return {
    show,
    dispose() {
      unsubscribe();
      live.clear();
    },
  };
}
