import { describe, expect, it } from 'vitest';
import { pollGapMs, stalestDue } from '../../../main/core/usage/poll-schedule';

const T = 1_767_225_600;

describe('which account the usage poller asks about', () => {
  it('none while every account has data younger than the interval', () => {
    expect(
      stalestDue(
        [
          { id: 'a', freshAt: T - 10 },
          { id: 'b', freshAt: T - 59 },
        ],
        T,
        60,
      ),
    ).toBeNull();
  });

  it('the stalest account once its data is as old as the interval; accounts without data first', () => {
    const fresh = { id: 'busy', freshAt: T - 1 };
    expect(
      stalestDue([fresh, { id: 'old', freshAt: T - 60 }, { id: 'older', freshAt: T - 300 }], T, 60),
    ).toBe('older');
    expect(stalestDue([{ id: 'old', freshAt: T - 300 }, { id: 'new', freshAt: null }, fresh], T, 60)).toBe(
      'new',
    );
  });
});

describe('how far apart polls go out', () => {
  it.each([
    // accounts, interval, ceiling per minute → gap
    [1, 60_000, 120, 60_000],
    [4, 60_000, 120, 15_000], // each idle account once a minute, evenly spread
    [120, 60_000, 120, 500],
    [1_000, 60_000, 120, 500], // the ceiling holds: 120 a minute, not 1,000
    [1_000, 60_000, 30, 2_000],
    [0, 60_000, 120, 60_000],
  ])('%i accounts, %i ms interval, at most %i a minute → %i ms', (accounts, interval, ceiling, gap) => {
    expect(pollGapMs(accounts, interval, ceiling)).toBe(gap);
  });

  it('keeps the rate under the ceiling however the pool grows', () => {
    for (const accounts of [1, 10, 100, 1_000, 10_000, 100_000]) {
      const perMinute = 60_000 / pollGapMs(accounts, 60_000, 120);
      expect(perMinute).toBeLessThanOrEqual(120);
      expect(perMinute).toBeLessThanOrEqual(Math.max(1, accounts));
    }
  });
});
