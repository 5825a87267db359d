import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../shared/domain';
import { PoolQuotaRollup, type RollupMember } from '../../../main/core/usage/pool-rollup';
import {
  poolPointsFromMinutes,
  poolQuotaSeries,
  type PoolHistoryAccount,
  type PoolMinute,
} from '../../../main/core/usage/quota-history';

const T = 1_800_000_000; // a whole minute
const UNTIL = T + 3_000;

const windowArb = (minutes: number) =>
  fc.option(
    fc.record({
      // Whole and half percents, as upstream reports them.
      usedPercent: fc.integer({ min: 0, max: 200 }).map((n) => n / 2),
      windowMinutes: fc.constant(minutes),
      // Upstream says how long until the reset, so a reset is never before the sample.
      resetIn: fc.option(fc.integer({ min: 0, max: 2_500 }), { nil: null }),
    }),
    { nil: null },
  );

const historyArb = fc.array(
  fc.record({
    planType: fc.constantFrom('plus', 'pro', 'free', null),
    samples: fc.array(
      fc.record({ at: fc.integer({ min: T - 400, max: UNTIL }), p: windowArb(300), s: windowArb(10_080) }),
      { minLength: 1, maxLength: 8 },
    ),
  }),
  { minLength: 1, maxLength: 6 },
);

type Drawn = typeof historyArb extends fc.Arbitrary<infer A> ? A : never;

function toSamples(drawn: Drawn): PoolHistoryAccount[] {
  return drawn.map((a) => ({
    status: 'active',
    planType: a.planType,
    samples: a.samples
      .map((x): UsageSample => ({
        family: 'codex',
        recordedAt: x.at,
        primary: x.p && { ...x.p, resetAt: x.p.resetIn === null ? null : x.at + x.p.resetIn },
        secondary: x.s && { ...x.s, resetAt: x.s.resetIn === null ? null : x.at + x.s.resetIn },
      }))
      .sort((a, b) => a.recordedAt - b.recordedAt),
  }));
}

/** Feeds the samples in time order, as the pool stores them; optionally stops and resumes as a restart does. */
function runRollup(accounts: PoolHistoryAccount[], options: { readAt?: number; restartAt?: number }) {
  const minutes = new Map<number, PoolMinute>();
  const keep = (m: PoolMinute): void => void minutes.set(m.minute, m);
  let rollup = new PoolQuotaRollup(keep);
  rollup.start([], T - 1_000, null);
  const stream = accounts
    .flatMap((a, i) => a.samples.map((sample) => ({ id: `a${i}`, plan: a.planType, sample })))
    .sort((a, b) => a.sample.recordedAt - b.sample.recordedAt);
  const latest = new Map<string, RollupMember>();
  let read = options.readAt;
  let restart = options.restartAt;
  for (const item of stream) {
    if (read !== undefined && item.sample.recordedAt >= read) {
      rollup.valueAt(read); // a chart read in between moves nothing it should not
      read = undefined;
    }
    if (restart !== undefined && item.sample.recordedAt > restart) {
      rollup.advance(restart + 1); // a stop hands on what it holds
      const newest = [...minutes.values()].sort((a, b) => b.minute - a.minute)[0] ?? null;
      rollup = new PoolQuotaRollup(keep);
      rollup.start([...latest.values()], newest?.lastAt ?? restart, newest);
      restart = undefined;
    }
    latest.set(item.id, item);
    rollup.sample(item.id, item.plan, item.sample);
  }
  return { rollup, minutes };
}

describe('the pool chart read from its stored minutes', () => {
  it('equals the chart computed from every account’s samples', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.integer({ min: -8, max: 45 }),
        fc.constantFrom(5, 12, 300),
        fc.option(fc.integer({ min: T - 400, max: UNTIL }), { nil: undefined }),
        fc.option(fc.integer({ min: T - 400, max: UNTIL }), { nil: undefined }),
        (drawn, sinceMinute, maxPoints, readAt, restartAt) => {
          const accounts = toSamples(drawn);
          const range = { since: T + sinceMinute * 60, until: UNTIL };
          const { rollup, minutes } = runRollup(accounts, {
            ...(readAt !== undefined ? { readAt } : {}),
            ...(restartAt !== undefined ? { restartAt } : {}),
          });
          const now = rollup.valueAt(range.until);
          const stored = [...minutes.values()].sort((a, b) => a.minute - b.minute);
          const inRange = stored.filter((m) => m.minute >= range.since && m.minute < range.until);
          const carried = stored.filter((m) => m.minute < range.since).at(-1);
          const fromMinutes = poolPointsFromMinutes(inRange, carried, now, range, maxPoints);
          expect(fromMinutes).toEqual(poolQuotaSeries(accounts, range, maxPoints).points);
          expect(fromMinutes.length).toBeLessThanOrEqual(maxPoints);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts afresh with the value at the restart, so a later range carries it in', () => {
    const minutes: PoolMinute[] = [];
    const rollup = new PoolQuotaRollup((m) => void minutes.push(m));
    const sample: UsageSample = {
      family: 'codex',
      recordedAt: T - 7_200,
      primary: { usedPercent: 40, windowMinutes: 300, resetAt: T + 600 },
      secondary: null,
    };
    rollup.start([{ id: 'a', plan: 'plus', sample }], T, null);
    expect(minutes).toEqual([
      {
        minute: T,
        firstAt: T,
        lastAt: T,
        primaryMax: 40,
        primaryLast: 40,
        secondaryMax: null,
        secondaryLast: null,
      },
    ]);
    // The reset at T + 600 is a change of its own, handed on once time passes it.
    expect(rollup.valueAt(T + 900)).toEqual({ primary: 0, secondary: null });
    expect(minutes.at(-1)).toMatchObject({ minute: T + 600, firstAt: T + 600, primaryMax: 0 });
  });
});
