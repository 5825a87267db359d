/** The tray's pool line and icon at the edges, with a fixed clock (Sun 1 Jun 2025 12:00 UTC) and a pinned locale. */
import { describe, expect, it } from 'vitest';
import type { PoolView, PoolWindow } from '../../../shared/api';
import { poolLine } from '../../../main/desktop/pool-line';
import { trayIconState } from '../../../main/desktop/tray-icon';
import { trayTemplate, type TrayAccount } from '../../../main/desktop/tray-template';
import { findMenuItem } from '../../helpers/electron-mock';
import { formatClock } from '../../../main/desktop/format';
import { NOW, poolAccounts, poolState, recordingActions } from './fixtures';

const UTC = { locale: 'en-GB', timeZone: 'UTC' };
const H = 3600;
const D = 86_400;

function win(window: PoolWindow['window'], over: Partial<PoolWindow> = {}): PoolWindow {
  return {
    window,
    capacity: 1000,
    remaining: 620,
    headroomPercent: 62,
    nextResetAt: NOW + 4 * D - 3 * H, // Thu 09:00
    burnPercentPerHour: 0,
    runsOutAt: null,
    resetFirst: false,
    accounts: 2,
    ...over,
  };
}

function view(long: Partial<PoolWindow> = {}, short: Partial<PoolWindow> = {}): PoolView {
  return {
    now: NOW,
    short: win('short', { headroomPercent: 80, nextResetAt: NOW + 2 * H, ...short }),
    long: win('long', long),
    accounts: { total: 2, routable: 2, available: 2, withoutData: 0 },
    oldestSampleAt: NOW - 60,
  };
}

const active = (over: Partial<TrayAccount> = {}): TrayAccount => ({ ...poolAccounts()[0]!, ...over });

describe('poolLine', () => {
  it.each<[string, PoolView | undefined, TrayAccount[], string]>([
    ['no accounts', undefined, [], 'Codex Pool — no accounts'],
    ['no quota data', undefined, [active()], 'Pool — no quota data yet'],
    [
      'no quota data in the view either',
      view({ headroomPercent: null }, { headroomPercent: null }),
      [active()],
      'Pool — no quota data yet',
    ],
    ['idle pool', view(), [active()], 'Pool 62% weekly left · idle'],
    [
      'weekly runs out before its reset',
      view({ runsOutAt: NOW + 4 * D + 2 * H, resetFirst: false, nextResetAt: NOW + 8 * D }),
      [active()],
      'Pool 62% weekly left · runs out Thu 14:00',
    ],
    [
      'the 5 h window runs out first: it is the one named',
      view(
        { runsOutAt: NOW + 4 * D, resetFirst: false, nextResetAt: NOW + 8 * D },
        { runsOutAt: NOW + 90 * 60, resetFirst: false, nextResetAt: NOW + 3 * H },
      ),
      [active()],
      'Pool 80% 5 h left · runs out 13:30',
    ],
    [
      'lasts past the reset',
      view({ runsOutAt: NOW + 6 * D, resetFirst: true, nextResetAt: NOW + D - 3 * H }),
      [active()],
      'Pool 62% weekly left · lasts past the reset (Mon 09:00)',
    ],
    [
      'nothing left while an account still counts as active',
      view({ headroomPercent: 0, runsOutAt: NOW, resetFirst: false }),
      [active()],
      'Pool 0% weekly left · used up now',
    ],
    [
      'exhausted: back at the earliest reset',
      view(),
      [
        active({ status: 'rate_limited', resetAt: NOW + 2 * H + 58 * 60 + 30 }),
        active({ id: 'x', status: 'quota_exceeded', resetAt: NOW + 5 * H }),
      ],
      'Pool exhausted · back 14:58 (in 2h 58m)',
    ],
    [
      'exhausted by caps: back when the capped window resets',
      view(),
      [active({ capped: { window: 'short', capPercent: 80, until: NOW + 45 * 60 } })],
      'Pool exhausted · back 12:45 (in 45m)',
    ],
    [
      'exhausted without a known reset',
      view(),
      [active({ status: 'rate_limited', resetAt: null })],
      'Pool exhausted · back time unknown',
    ],
    [
      'all paused',
      view(),
      [active({ status: 'paused' })],
      'Pool paused — resume an account to take requests',
    ],
    [
      'all signed out',
      view(),
      [active({ status: 'reauth_required' })],
      'No account can take requests — sign in again in the dashboard',
    ],
  ])('%s', (_, pool, accounts, line) => {
    expect(poolLine(pool, accounts, NOW, UTC)).toBe(line);
  });
});

describe('icon state follows the pool line', () => {
  it('an account past its cap does not keep the icon ok', () => {
    const capped = active({ capped: { window: 'long', capPercent: 50, until: null } });
    expect(trayIconState([capped])).toBe('exhausted');
    expect(trayIconState([capped, active({ id: 'b' })])).toBe('ok');
  });
});

describe('formatClock', () => {
  it.each([
    [NOW + 2 * H, '14:00'],
    [NOW + D, 'Mon 12:00'],
    [NOW + 10 * D, '11 Jun 12:00'],
  ])('%i → %s', (at, text) => {
    expect(formatClock(at, NOW, UTC)).toBe(text);
  });
  it('today is today in the user time zone, not in UTC', () => {
    // 23:30 in New York on 1 Jun is 03:30 UTC on 2 Jun.
    expect(formatClock(NOW + 15.5 * H, NOW, { locale: 'en-GB', timeZone: 'America/New_York' })).toBe('23:30');
  });
});

describe('the tray menu', () => {
  it('puts the pool line first and says when an account is held back by its cap', () => {
    const capped = active({ capped: { window: 'short', capPercent: 80, until: NOW + 45 * 60 } });
    const menu = trayTemplate(
      poolState({
        accounts: [capped, active({ id: 'b', email: 'bob@example.com' })],
        pool: view(),
        clock: UTC,
      }),
      recordingActions(),
    );
    expect(menu[0]).toMatchObject({ id: 'pool-line', label: 'Pool 62% weekly left · idle', enabled: false });
    expect(findMenuItem(menu, 'account:a1')!.label).toBe(
      'alice@example.com — past its 80% 5 h cap · back in 45m',
    );
  });
});

describe('the pool-low notice in the tray', () => {
  it('shows the threshold and switches it, or turns it off, in one click', () => {
    const actions = recordingActions();
    const menu = trayTemplate(poolState({ notifyPoolLowPercent: 90 }), actions);
    const item = findMenuItem(menu, 'notify-pool-low')!;
    expect(item.label).toBe('Notify when the pool is low: 90%');
    expect(item.submenu!.map((i) => [i.label, i.checked])).toEqual([
      ['At 80%', false],
      ['At 90%', true],
      ['At 95%', false],
      ['Off', false],
    ]);
    findMenuItem(menu, 'notify-pool-low:off')!.click!();
    expect(actions.setNotifyPoolLow).toHaveBeenCalledWith(null);
    findMenuItem(menu, 'notify-pool-low:90')!.click!(); // already set: nothing to do
    expect(actions.setNotifyPoolLow).toHaveBeenCalledTimes(1);
    const custom = findMenuItem(
      trayTemplate(poolState({ notifyPoolLowPercent: 70 }), actions),
      'notify-pool-low',
    )!;
    expect(custom.submenu![0]).toMatchObject({ label: 'At 70%', checked: true });
  });
});
