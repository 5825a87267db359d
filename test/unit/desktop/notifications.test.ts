import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminEvent } from '../../../shared/api';
import { keyFileNotice, notificationFor } from '../../../main/desktop/notification-template';
import { setupNotifications } from '../../../main/desktop/notifications';
import { EventBus } from '../../../main/core/events/event-bus';
import type { Core } from '../../../main/core/create-core';
import { silentLogger } from '../../../main/core/log';
import { electronMock, resetElectronMock } from '../../helpers/electron-mock';
import { NOW } from './fixtures';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

const status = (
  transition: Extract<AdminEvent, { type: 'account_status' }>['transition'],
  reason: string | null = null,
  accountId = 'a1',
): AdminEvent => ({
  type: 'account_status',
  accountId,
  from: 'active',
  to: 'active',
  transition,
  reason,
});
const alice = {
  label: null,
  email: 'alice@example.com',
  chatgptAccountId: 'ws-1',
  resetAt: NOW + 2 * 3600 + 300,
};

describe('notificationFor', () => {
  it('announces an exhausted account with when it comes back', () => {
    expect(notificationFor(status('exhausted'), alice, NOW)).toEqual({
      title: 'alice@example.com reached its limit',
      body: 'Requests go to the other accounts meanwhile. It is back in 2h 5m.',
      cause: 'exhausted:a1',
      period: String(alice.resetAt),
    });
    expect(notificationFor(status('exhausted'), { ...alice, resetAt: null }, NOW)!.body).toBe(
      'Requests go to the other accounts meanwhile.',
    );
  });

  it('announces recovery, a needed sign-in (with the reason) and deactivation', () => {
    expect(notificationFor(status('recovered'), alice, NOW)!.title).toBe(
      'alice@example.com is available again',
    );
    expect(
      notificationFor(status('reauth_required', 'The refresh token was already used'), alice, NOW),
    ).toEqual({
      title: 'alice@example.com needs a new sign-in',
      body: 'Sign in to this account again to bring it back. The refresh token was already used.',
      cause: 'reauth:a1',
      period: String(NOW),
      action: { kind: 'sign_in', accountId: 'a1', label: 'Sign in' },
    });
    expect(notificationFor(status('deactivated'), alice, NOW)!.title).toBe(
      'alice@example.com was deactivated',
    );
    expect(notificationFor(status('recovered'), null, NOW)!.title).toBe('An account is available again');
  });

  it.each<AdminEvent>([
    status('paused'),
    status('resumed'),
    status('other'),
    {
      type: 'quota',
      accountId: 'a1',
      family: 'codex',
      recordedAt: NOW,
      primaryUsedPercent: 99,
      secondaryUsedPercent: 50,
    },
    { type: 'settings' },
    { type: 'request', time: NOW, accountId: 'a1', model: 'gpt-5.5', status: 200, errorCode: null },
    { type: 'account', accountId: 'a1', change: 'updated' },
    { type: 'login', loginId: 'l1', state: 'success' },
  ])('stays quiet for $type $transition', (event) => {
    expect(notificationFor(event, alice, NOW)).toBeNull();
  });

  it('redacts anything token-like that slipped into a reason', () => {
    const notice = notificationFor(
      status('reauth_required', 'refresh_token=rt_abcdefghijklmnop failed'),
      alice,
      NOW,
    )!;
    expect(notice.body).not.toContain('rt_abcdefghijklmnop');
  });
});

describe('setupNotifications', () => {
  beforeEach(() => resetElectronMock());

  const fakeCore = (events: EventBus): Core =>
    ({
      services: {
        events,
        accounts: {
          view: (id: string) => {
            if (id !== 'a1') throw new Error('not found');
            return alice;
          },
        },
      },
    }) as unknown as Core;

  it('shows a notification per account event from the core, and clicking opens the dashboard', () => {
    const events = new EventBus();
    const onClick = vi.fn();
    const notifier = setupNotifications({
      core: fakeCore(events),
      onClick,
      log: silentLogger,
      now: () => NOW,
    });
    events.publish(status('exhausted'));
    events.publish({ type: 'settings' });
    events.publish(status('recovered', null, 'gone'));
    expect(electronMock.notifications.map((n) => [n.options.title, n.shown])).toEqual([
      ['alice@example.com reached its limit', true],
      ['An account is available again', true],
    ]);
    electronMock.notifications[0]!.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
    notifier.dispose();
    events.publish(status('exhausted'));
    expect(electronMock.notifications).toHaveLength(2);
  });

  it('a sign-in notice has a Sign in button that starts the browser login; a click does the same', async () => {
    const events = new EventBus();
    const startBrowser = vi.fn(async () => ({
      loginId: 'l1',
      authorizeUrl: 'https://auth.example/x',
      expiresAt: 0,
    }));
    const openExternal = vi.fn(async () => {});
    const onClick = vi.fn();
    const core = fakeCore(events) as unknown as { services: Record<string, unknown> };
    core.services.logins = { startBrowser };
    setupNotifications({
      core: core as unknown as Core,
      onClick,
      openExternal,
      log: silentLogger,
      now: () => NOW,
    });
    events.publish(status('reauth_required'));
    const shown = electronMock.notifications[0]!;
    expect((shown.options as { actions?: unknown }).actions).toEqual([{ type: 'button', text: 'Sign in' }]);
    shown.emit('action', {}, 0);
    await vi.waitFor(() => expect(openExternal).toHaveBeenCalledWith('https://auth.example/x'));
    expect(onClick).not.toHaveBeenCalled();
  });

  it('coalesces: the same cause in the same period once, and quiet after the user dismisses it', () => {
    const events = new EventBus();
    let t = NOW;
    setupNotifications({ core: fakeCore(events), onClick: vi.fn(), log: silentLogger, now: () => t });
    events.publish(status('exhausted'));
    events.publish(status('exhausted')); // same reset: the same news
    expect(electronMock.notifications).toHaveLength(1);
    electronMock.notifications[0]!.emit('close'); // dismissed, not used
    t += 3600;
    const resetAt = alice.resetAt;
    alice.resetAt = NOW + 9 * 3600; // a later limit: a new period, but the cause is still quiet
    events.publish(status('deactivated'));
    events.publish(status('exhausted'));
    alice.resetAt = resetAt;
    expect(electronMock.notifications.map((n) => n.options.title)).toEqual([
      'alice@example.com reached its limit',
      'alice@example.com was deactivated',
    ]);
  });

  it('does nothing where the OS has no notifications', () => {
    const notifier = setupNotifications({
      core: fakeCore(new EventBus()),
      onClick: vi.fn(),
      log: silentLogger,
    });
    (electronMock.Notification as unknown as { supported: boolean }).supported = false;
    notifier.show(keyFileNotice());
    expect(electronMock.notifications).toHaveLength(0);
  });
});
