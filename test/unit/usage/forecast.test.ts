import { describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../shared/domain';
import { buildPoolView, burnRate, type ForecastAccount } from '../../../main/core/usage/forecast';

const T = 1_800_000_000;
const sample = (
  at: number,
  p: number | null,
  s: number | null,
  minutes = { p: 300, s: 10080 },
): UsageSample => ({
  family: 'codex',
  primary: p === null ? null : { usedPercent: p, windowMinutes: minutes.p, resetAt: T + 3600 },
  secondary: s === null ? null : { usedPercent: s, windowMinutes: minutes.s, resetAt: T + 86400 },
  recordedAt: at,
});
const acct = (over: Partial<ForecastAccount>): ForecastAccount => ({
  status: 'active',
  planType: 'plus',
  sample: sample(T, 0, 0),
  history: [],
  ...over,
});

describe('burnRate', () => {
  it.each([
    ['steady rise', [sample(T - 3600, 10, 0), sample(T, 46, 0)], 0.01],
    [
      'a reset in between starts a new stretch',
      [sample(T - 3000, 90, 0), sample(T - 1200, 5, 0), sample(T, 23, 0)],
      0.015,
    ],
    ['one sample is no rate', [sample(T, 50, 0)], 0],
    ['samples less than a minute apart are no rate', [sample(T - 30, 10, 0), sample(T, 20, 0)], 0],
  ])('%s', (_name, history, perSecond) => {
    expect(burnRate(history, 'short', T - 3600)).toBeCloseTo(perSecond, 6);
  });
});

describe('buildPoolView', () => {
  it('weights headroom by plan capacity and skips accounts that are not routable', () => {
    const view = buildPoolView(
      [
        acct({ planType: 'pro', sample: sample(T, 50, 10) }), // 1500 short, 750 left
        acct({ planType: 'plus', sample: sample(T, 0, 0) }), // 225 short, all left
        acct({ status: 'paused', planType: 'pro', sample: sample(T, 0, 0) }),
        acct({ status: 'reauth_required', sample: sample(T, 0, 0) }),
        acct({ sample: undefined }),
      ],
      T,
    );
    expect(view.short).toMatchObject({ capacity: 1725, remaining: 975, accounts: 2, runsOutAt: null });
    expect(view.accounts).toEqual({ total: 5, routable: 3, available: 3, withoutData: 1 });
    expect(view.short.nextResetAt).toBe(T + 3600);
    expect(view.oldestSampleAt).toBe(T);
  });

  it('counts an exhausted account as having nothing left, and a passed reset as empty', () => {
    const passed: UsageSample = {
      ...sample(T - 7200, 100, 40),
      primary: { usedPercent: 100, windowMinutes: 300, resetAt: T - 1 },
    };
    const view = buildPoolView(
      [acct({ status: 'quota_exceeded', sample: sample(T, 20, 20) }), acct({ sample: passed })],
      T,
    );
    expect(view.short.remaining).toBe(225); // the second account's window reset: 100 % → 0 %
    expect(view.long.remaining).toBe(4536); // 7560 × 60 %
    expect(view.accounts.available).toBe(1);
  });

  it('forecasts the run-out time at the current burn, and says when a reset comes first', () => {
    const history = [sample(T - 3600, 20, 10), sample(T, 60, 12)]; // 40 points/h on the 5 h window
    const view = buildPoolView([acct({ sample: history[1], history })], T);
    expect(view.short.burnPercentPerHour).toBe(40);
    expect(view.short.runsOutAt).toBe(T + 3600); // 40 % left at 40 %/h
    expect(view.short.resetFirst).toBe(false);
    expect(view.long.burnPercentPerHour).toBe(2);
    expect(view.long.runsOutAt).toBe(T + 44 * 3600);
    expect(view.long.resetFirst).toBe(true); // the weekly reset is a day away
  });

  it('uses the monthly capacity for a monthly long window and ignores a free plan’s short window', () => {
    const monthly = sample(T, null, 50, { p: 300, s: 43200 });
    const view = buildPoolView([acct({ planType: 'free', sample: monthly })], T);
    expect(view.short.capacity).toBe(0);
    expect(view.short.headroomPercent).toBeNull();
    expect(view.long).toMatchObject({ capacity: 1134, remaining: 567, headroomPercent: 50 });
  });
});
