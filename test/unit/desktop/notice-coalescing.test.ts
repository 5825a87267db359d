/** Issue 12: which notices reach the screen, over sequences of events with a fixed clock. */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_COALESCER,
  OWN_ACTION_GRACE_S,
  QUIET_AFTER_DISMISS_S,
  REPEAT_MIN_S,
  coalesce,
  type CoalescerEvent,
} from '../../../main/desktop/notice-coalescer';
import type { DesktopNotice } from '../../../main/desktop/notification-template';
import { poolNotices, poolSignals } from '../../../main/desktop/pool-watch';
import type { TrayAccount } from '../../../main/desktop/tray-template';
import { NOW, poolAccounts } from './fixtures';

const notice = (cause: string, period: string): DesktopNotice => ({
  title: cause,
  body: period,
  cause,
  period,
});
const at = (t: number, n: DesktopNotice, accountId: string | null = null): CoalescerEvent => ({
  type: 'notice',
  notice: n,
  accountId,
  at: NOW + t,
});

/** The titles shown for a sequence of events. */
function shown(events: readonly CoalescerEvent[]): string[] {
  let state = EMPTY_COALESCER;
  const out: string[] = [];
  for (const e of events) {
    const r = coalesce(state, e);
    state = r.state;
    if (r.show) out.push(`${r.show.title}@${e.at - NOW}`);
  }
  return out;
}

describe('coalescing', () => {
  it('one notice per cause per period', () => {
    const a = notice('pool_exhausted', '1000');
    expect(shown([at(0, a), at(REPEAT_MIN_S + 1, a), at(2 * REPEAT_MIN_S, a)])).toEqual(['pool_exhausted@0']);
  });

  it('a new period is news again, but not sooner than the repeat gap', () => {
    const first = notice('exhausted:a1', '1000');
    const next = notice('exhausted:a1', '5000');
    expect(shown([at(0, first), at(60, next), at(REPEAT_MIN_S, next)])).toEqual([
      'exhausted:a1@0',
      `exhausted:a1@${REPEAT_MIN_S}`,
    ]);
  });

  it('causes are independent', () => {
    expect(shown([at(0, notice('reauth:a1', 'x')), at(1, notice('reauth:a2', 'x'))])).toEqual([
      'reauth:a1@0',
      'reauth:a2@1',
    ]);
  });

  it('a dismissed cause stays quiet for the quiet period, then may speak again', () => {
    const events: CoalescerEvent[] = [
      at(0, notice('pool_low', 'r1')),
      { type: 'dismissed', cause: 'pool_low', at: NOW + 10 },
      at(3600, notice('pool_low', 'r2')),
      at(QUIET_AFTER_DISMISS_S + 11, notice('pool_low', 'r3')),
    ];
    expect(shown(events)).toEqual(['pool_low@0', `pool_low@${QUIET_AFTER_DISMISS_S + 11}`]);
  });

  it('nothing for the user’s own actions: pool-wide after any action, per account after an action on it', () => {
    const own = (t: number, accountId: string | null): CoalescerEvent => ({
      type: 'own_action',
      accountId,
      at: NOW + t,
    });
    const events: CoalescerEvent[] = [
      own(0, 'a1'),
      at(1, notice('pool_exhausted', 'p'), null), // pausing a1 emptied the pool: the user knows
      at(2, notice('exhausted:a1', 'r'), 'a1'),
      at(3, notice('exhausted:a2', 'r'), 'a2'), // another account: news
      own(20, null),
      at(21, notice('exhausted:a3', 'r'), 'a3'), // a settings change does not explain an account running out
      at(20 + OWN_ACTION_GRACE_S, notice('pool_low', 'q'), null), // the grace is over
    ];
    expect(shown(events)).toEqual([
      'exhausted:a2@3',
      'exhausted:a3@21',
      `pool_low@${20 + OWN_ACTION_GRACE_S}`,
    ]);
  });

  it('a notice without a cause is always shown', () => {
    expect(shown([at(0, { title: 'key file', body: '' }), at(1, { title: 'key file', body: '' })])).toEqual([
      'key file@0',
      'key file@1',
    ]);
  });
});

const [alice, bob] = poolAccounts() as [TrayAccount, TrayAccount];
const win = (usedPercent: number, resetAt: number | null = NOW + 3600) => ({
  usedPercent,
  windowMinutes: 300,
  resetAt,
});
const used = (a: TrayAccount, p: number, s: number): TrayAccount => ({
  ...a,
  quota: { ...a.quota, primary: win(p), secondary: win(s, NOW + 86_400) },
});

describe('pool notices', () => {
  it('the first snapshot is a baseline, not news', () => {
    const out = poolSignals([{ ...alice, status: 'rate_limited', resetAt: NOW + 60 }], NOW, 90);
    expect(poolNotices(null, out, NOW)).toEqual([]);
  });

  it('exhausted → "back at" with the Open dashboard action, once on the edge', () => {
    const ok = poolSignals([alice, bob], NOW, 90);
    const out = poolSignals(
      [
        { ...alice, status: 'rate_limited', resetAt: NOW + 2 * 3600 },
        { ...bob, capped: { window: 'short', capPercent: 80, until: NOW + 3600 } },
      ],
      NOW,
      90,
    );
    const notices = poolNotices(ok, out, NOW, { locale: 'en-GB', timeZone: 'UTC' });
    expect(notices.map((n) => n.notice)).toEqual([
      {
        cause: 'pool_exhausted',
        period: String(NOW + 3600),
        title: 'Codex Pool is exhausted',
        body: 'No account can take requests until 13:00 (in 1h).',
        action: { kind: 'open_dashboard', label: 'Open dashboard' },
      },
    ]);
    expect(poolNotices(out, out, NOW)).toEqual([]);
  });

  it('low when every account that can serve is past the threshold; off turns it off', () => {
    const before = poolSignals([used(alice, 50, 10), used(bob, 10, 10)], NOW, 90);
    const after = [used(alice, 91, 10), used(bob, 10, 95)];
    const low = poolNotices(before, poolSignals(after, NOW, 90), NOW);
    expect(low.map((n) => [n.notice.cause, n.notice.body])).toEqual([
      ['pool_low', 'Every account that can take requests has used 91% or more of a window.'],
    ]);
    expect(poolNotices(before, poolSignals(after, NOW, 96), NOW)).toEqual([]);
    expect(poolNotices(before, poolSignals(after, NOW, null), NOW)).toEqual([]);
    // An account with no data yet might have room: not low.
    const unknown = { ...bob, quota: { primary: null, secondary: null, additional: [], recordedAt: null } };
    expect(poolNotices(before, poolSignals([used(alice, 95, 95), unknown], NOW, 90), NOW)).toEqual([]);
  });

  it('a reset credit on an exhausted account is news once per blocked period', () => {
    const blocked = { ...alice, status: 'quota_exceeded' as const, resetAt: NOW + 7200, resetCredits: 1 };
    const before = poolSignals([{ ...blocked, resetCredits: 0 }, bob], NOW, 90);
    const after = poolSignals([blocked, bob], NOW, 90);
    const [credit] = poolNotices(before, after, NOW, { locale: 'en-GB', timeZone: 'UTC' });
    expect(credit).toEqual({
      accountId: 'a1',
      notice: {
        cause: 'reset_credit:a1',
        period: String(NOW + 7200),
        title: 'alice@example.com has a reset credit',
        body: 'It is out until 14:00; the usage endpoint reports 1 limit reset available for it.',
        action: { kind: 'open_dashboard', label: 'Open dashboard' },
      },
    });
    // Not for an account that can serve anyway.
    expect(poolNotices(before, poolSignals([{ ...alice, resetCredits: 3 }, bob], NOW, 90), NOW)).toEqual([]);
  });
});
