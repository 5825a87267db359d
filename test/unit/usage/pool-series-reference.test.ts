import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../shared/domain';
import { poolQuotaPoints, type PoolHistoryAccount } from '../../../main/core/usage/quota-history';
import { weightedWindow } from '../../../main/core/usage/pooled-usage';

const T = 1_800_000_000;

/** The pool's value at one instant, the way the pooled usage view computes it: every account, from scratch. */
function reference(accounts: readonly PoolHistoryAccount[], at: number) {
  const current = accounts.map((a) => ({
    plan: a.planType,
    sample: a.samples.filter((s) => s.recordedAt <= at).at(-1),
  }));
  return {
    primary: weightedWindow(current, 'primary', at)?.usedPercent ?? null,
    secondary: weightedWindow(current, 'secondary', at)?.usedPercent ?? null,
  };
}

const windowArb = fc.option(
  fc.record({
    // Whole and half percents, as upstream reports them: sums of these are exact in any order.
    usedPercent: fc.integer({ min: 0, max: 200 }).map((n) => n / 2),
    windowMinutes: fc.constant(300),
    resetAt: fc.option(fc.integer({ min: T - 100, max: T + 2_000 }), { nil: null }),
  }),
  { nil: null },
);

const accountArb = fc.record({
  planType: fc.constantFrom('plus', 'pro', 'free', null),
  samples: fc
    .array(fc.record({ at: fc.integer({ min: T - 50, max: T + 1_000 }), p: windowArb, s: windowArb }), {
      minLength: 1,
      maxLength: 6,
    })
    .map((list) =>
      list
        .sort((a, b) => a.at - b.at)
        .map((x): UsageSample => ({ family: 'codex', primary: x.p, secondary: x.s, recordedAt: x.at })),
    ),
});

describe('the pool series, kept incrementally', () => {
  it('equals the from-scratch weighted value at every instant it reports', () => {
    fc.assert(
      fc.property(fc.array(accountArb, { minLength: 1, maxLength: 6 }), (drawn) => {
        const accounts: PoolHistoryAccount[] = drawn.map((a) => ({ status: 'active', ...a }));
        const range = { since: T, until: T + 1_000 };
        // Before downsampling: every instant at which the value changed is compared.
        const series = poolQuotaPoints(accounts, range);
        for (const point of series.points) {
          const expected = reference(
            accounts.map((a) => ({
              ...a,
              // Samples before the range take effect at its start, as the series does.
              samples: a.samples.map((s) => ({ ...s, recordedAt: Math.max(s.recordedAt, range.since) })),
            })),
            point.t,
          );
          expect({ primary: point.primary, secondary: point.secondary }).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });
});
