import { describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../shared/domain';
import { shouldStoreSample } from '../../../main/core/usage/sample-storage';

const T = 1_700_000_000;
const sample = (over: Partial<UsageSample> & { p?: number; s?: number } = {}): UsageSample => ({
  family: 'codex',
  primary: { usedPercent: over.p ?? 40, windowMinutes: 300, resetAt: T + 3600 },
  secondary: { usedPercent: over.s ?? 10, windowMinutes: 10080, resetAt: T + 86400 },
  recordedAt: T,
  ...over,
});

describe('shouldStoreSample', () => {
  it('stores the first sample, and one a minute while nothing changes', () => {
    expect(shouldStoreSample(undefined, sample())).toBe(true);
    expect(shouldStoreSample(sample(), sample({ recordedAt: T + 59 }))).toBe(false);
    expect(shouldStoreSample(sample(), sample({ recordedAt: T + 60 }))).toBe(true);
  });

  it.each([
    ['a whole-percent move of the 5-hour window', sample({ p: 41, recordedAt: T + 1 }), true],
    ['a move under one percent', sample({ p: 40.6, s: 10.4, recordedAt: T + 1 }), false],
    ['a weekly move', sample({ s: 11, recordedAt: T + 1 }), true],
    [
      'a new reset time',
      sample({ recordedAt: T + 1, primary: { usedPercent: 0, windowMinutes: 300, resetAt: T + 18000 } }),
      true,
    ],
    ['a window that vanished', sample({ recordedAt: T + 1, secondary: null }), true],
    [
      'new credits',
      sample({ recordedAt: T + 1, credits: { hasCredits: true, unlimited: false, balance: '5.00' } }),
      true,
    ],
  ])('%s → %s', (_name, next, stored) => {
    expect(shouldStoreSample(sample(), next)).toBe(stored);
  });
});
