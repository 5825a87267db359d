/**
 * The numeric ranking table (ranking-table.ts, table-select.ts) against the Candidate-based reference pipeline:
 * over arbitrary pools, strategies, settings and times, `selectAccount` returns exactly what the reference returns
 * (pick, reason with every skipped account, changes, errors) and consumes the same random draws — including when
 * rows cached at an earlier T are reused later, and whatever the table's per-position memo holds from earlier
 * selections (other arrays, other orders and lengths, other requests, interleaved callers).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTING_STRATEGIES } from '../../../shared/domain';
import type { AccountStatus, RoutingPolicy } from '../../../shared/domain';
import type { AccountState, SelectionInput } from '../../../main/core/balancer';
import { SEED_REGISTRY } from '../../../main/core/balancer';
import { selectAccountWith } from '../../../main/core/balancer/select';
import { SPARK, STD_MODEL, T, acct, applyChanges, cfg, mulberry32 } from './fixtures';

const PLANS = ['free', 'plus', 'pro', 'prolite', 'team', 'enterprise', 'go'] as const;
const STATUSES: readonly AccountStatus[] = [
  'active',
  'active',
  'active',
  'rate_limited',
  'quota_exceeded',
  'paused',
];
// Weighted towards the common case so ladder rungs hold several accounts and strategies have real choices.
const POLICIES: readonly RoutingPolicy[] = ['normal', 'normal', 'normal', 'burn_first', 'preserve'];

const pct = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 }));
const time = fc.oneof(fc.constant(null), fc.integer({ min: T - 400, max: T + 4000 }));
/** Window resets up to ten days ahead, so prefer_earlier_reset sees several day buckets. */
const windowReset = fc.oneof(fc.constant(null), fc.integer({ min: T - 400, max: T + 10 * 86_400 }));
const win = fc.oneof(pct, fc.tuple(fc.integer({ min: 0, max: 100 }), windowReset));

const anyAccount = (id: string) =>
  fc
    .record({
      plan: fc.constantFrom(...PLANS),
      status: fc.constantFrom(...STATUSES),
      kind: fc.constantFrom('usage_limit' as const, 'throttle' as const),
      resetAt: time,
      blockedAt: time,
      cooldownUntil: fc.oneof(fc.constant(null), fc.constant(null), time),
      errorCount: fc.integer({ min: 0, max: 8 }),
      lastErrorAt: time,
      P: win,
      S: win,
      sampleAge: fc.integer({ min: 0, max: 600 }),
      spark: pct,
      policy: fc.constantFrom(...POLICIES),
      inFlight: fc.integer({ min: 0, max: 3 }),
      lastSelectedAt: fc.oneof(fc.constant(0), fc.integer({ min: T - 300, max: T })),
      tier: fc.constantFrom(
        'healthy' as const,
        'healthy' as const,
        'healthy' as const,
        'draining' as const,
        'probing' as const,
      ),
      drainStartedAt: fc.integer({ min: T - 200, max: T }),
      probeStreak: fc.integer({ min: 0, max: 3 }),
      familyBlock: fc.boolean(),
      capShort: fc.oneof(fc.constant(null), fc.constant(null), fc.integer({ min: 40, max: 100 })),
      capLong: fc.oneof(fc.constant(null), fc.constant(null), fc.integer({ min: 40, max: 100 })),
      priority: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 4 })),
    })
    .map((r) =>
      acct(id, {
        plan: r.plan,
        status: r.status,
        rateLimitKind: r.status === 'rate_limited' ? r.kind : null,
        resetAt: r.resetAt,
        blockedAt: r.blockedAt,
        cooldownUntil: r.cooldownUntil,
        errorCount: r.errorCount,
        lastErrorAt: r.lastErrorAt,
        P: r.P,
        S: r.S,
        sampleAt: T - r.sampleAge,
        routingPolicy: r.policy,
        inFlight: r.inFlight,
        lastSelectedAt: r.lastSelectedAt,
        tiers: { codex: { tier: r.tier, drainStartedAt: r.drainStartedAt, probeStreak: r.probeStreak } },
        familyBlocks: r.familyBlock ? { codex_spark: { blockedAt: T - 100, resetAt: T + 50 } } : {},
        families: r.spark === null ? {} : { codex_spark: { P: r.spark, at: T - 10 } },
        usageCap: { short: r.capShort, long: r.capLong },
        priority: r.priority,
      }),
    );

const poolOf = (prefix: string, min: number) =>
  fc
    .integer({ min, max: 16 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => anyAccount(`${prefix}-${i}`))));

const pool = poolOf('acc', 1);

const scenario = fc.record({
  accounts: pool,
  // The strategies ranked on numbers twice as often as the others.
  strategy: fc.constantFrom(
    ...ROUTING_STRATEGIES,
    'capacity_weighted',
    'capacity_weighted',
    'fill_first',
    'fill_first',
    'unknown',
  ),
  preferEarlierReset: fc.boolean(),
  stickySessions: fc.boolean(),
  mapped: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: 0, max: 12 })),
  previous: fc.constantFrom(false, false, false, true),
  excluded: fc.oneof(
    fc.constant<number[]>([]),
    fc.constant<number[]>([]),
    fc.array(fc.integer({ min: 0, max: 16 }), { maxLength: 2 }),
  ),
  model: fc.constantFrom(STD_MODEL, STD_MODEL, SPARK),
  seed: fc.integer(),
  /** Later selection times; rows cached at earlier ones must stay exact or expire. */
  steps: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 4 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

function inputAt(s: Scenario, accounts: readonly AccountState[], now: number, seed: number): SelectionInput {
  return {
    accounts,
    settings: cfg(s.strategy, s.preferEarlierReset, {
      stickySessions: s.stickySessions,
      pinnedAccountId: 'acc-0',
    }),
    registry: SEED_REGISTRY,
    request: {
      model: s.model,
      ...(s.mapped !== undefined
        ? { sticky: { mappedAccountId: s.mapped === null ? null : `acc-${s.mapped}` } }
        : {}),
      ...(s.previous ? { previousResponse: { ownerId: 'acc-1' } } : {}),
      excludedIds: s.excluded.map((i) => `acc-${i}`),
    },
    now,
    random: mulberry32(seed),
  };
}

describe('ranking table', () => {
  it('selects exactly like the Candidate-based reference, over time, with and without applied changes', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let accounts: AccountState[] = s.accounts;
        let now = T;
        for (const [k, step] of s.steps.entries()) {
          now += step;
          const fast = selectAccountWith(inputAt(s, accounts, now, s.seed + k), { rankOnTable: true });
          const reference = selectAccountWith(inputAt(s, accounts, now, s.seed + k), { rankOnTable: false });
          expect(fast).toEqual(reference);
          // Alternate between a caller that applies changes and one that does not (rows must not go stale).
          if (k % 2 === 0) accounts = applyChanges(accounts, fast);
        }
      }),
      // Sized for CI's two loaded cores (~0.5 s idle, far from the 5 s timeout); raise locally to hunt.
      { numRuns: 800 },
    );
  });

  it('consumes the random source exactly like the reference', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const draws = (rankOnTable: boolean): number => {
          let n = 0;
          const input = { ...inputAt(s, s.accounts, T, s.seed), random: () => (n++, 0.37) };
          selectAccountWith(input, { rankOnTable });
          return n;
        };
        expect(draws(true)).toBe(draws(false));
      }),
      { numRuns: 500 },
    );
  });
});

/** How a caller's array changes before a selection: the memo must never mistake a position for a state. */
type Shape = 'same' | 'copy' | 'reverse' | 'rotate' | 'drop' | 'borrow';

/** One selection of a caller in an interleaved sequence. */
const callStep = fc.record({
  caller: fc.constantFrom(0, 1),
  shape: fc.constantFrom<Shape>('same', 'same', 'copy', 'reverse', 'rotate', 'drop', 'borrow'),
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 })),
  apply: fc.boolean(),
  strategy: scenario.map((s) => s.strategy),
  preferEarlierReset: fc.boolean(),
  stickySessions: fc.constantFrom(true, true, false),
  /** Index into the caller's array (mod its length), a missing id, or no mapping. */
  mapped: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: 0, max: 20 })),
  previous: fc.constantFrom(false, false, false, false, true),
  excluded: fc.oneof(fc.constant<number[]>([]), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 2 })),
  model: fc.constantFrom(STD_MODEL, STD_MODEL, SPARK),
  modelPlans: fc.constantFrom(undefined, undefined, undefined, ['plus', 'pro', 'team']),
  seed: fc.integer(),
});

function reshape(
  list: readonly AccountState[],
  other: readonly AccountState[],
  shape: Shape,
): AccountState[] {
  switch (shape) {
    case 'same':
    case 'copy':
      return [...list];
    case 'reverse':
      return [...list].reverse();
    case 'rotate':
      return [...list.slice(1), ...list.slice(0, 1)];
    case 'drop':
      return list.length > 1 ? list.slice(1) : [...list];
    case 'borrow': {
      // Another caller's state (same object) at a new position, ids kept unique.
      const extra = other.find((b) => !list.some((a) => a.id === b.id));
      return extra === undefined ? [...list] : [extra, ...list];
    }
  }
}

function callInput(
  st: typeof callStep extends fc.Arbitrary<infer X> ? X : never,
  accounts: readonly AccountState[],
  now: number,
  random: () => number,
): SelectionInput {
  const idAt = (i: number): string => (accounts[i % accounts.length] as AccountState).id;
  return {
    accounts,
    settings: cfg(st.strategy, st.preferEarlierReset, {
      stickySessions: st.stickySessions,
      pinnedAccountId: idAt(0),
    }),
    registry: SEED_REGISTRY,
    request: {
      model: st.model,
      ...(st.mapped !== undefined
        ? {
            sticky: {
              mappedAccountId: st.mapped === null ? null : st.mapped > 16 ? 'gone' : idAt(st.mapped),
            },
          }
        : {}),
      ...(st.previous ? { previousResponse: { ownerId: idAt(1) } } : {}),
      excludedIds: st.excluded.map(idAt),
      ...(st.modelPlans !== undefined ? { modelPlans: st.modelPlans } : {}),
    },
    now,
    random,
  };
}

describe('ranking table memo', () => {
  it('selects like the reference for interleaved callers whose arrays change length, order and states', () => {
    fc.assert(
      fc.property(
        poolOf('acc', 1),
        poolOf('bcc', 1),
        fc.array(callStep, { minLength: 2, maxLength: 10 }),
        (poolA, poolB, steps) => {
          // Caller 1 starts with some of caller 0's state objects at other positions.
          const lists: AccountState[][] = [poolA, [...poolB, ...poolA.slice(0, 3)]];
          let now = T;
          for (const st of steps) {
            now += st.dt;
            const mine = st.caller;
            const accounts = reshape(
              lists[mine] as AccountState[],
              lists[1 - mine] as AccountState[],
              st.shape,
            );
            if (st.shape !== 'same') lists[mine] = accounts;
            let fastDraws = 0;
            let referenceDraws = 0;
            const fastRandom = mulberry32(st.seed);
            const referenceRandom = mulberry32(st.seed);
            const fast = selectAccountWith(
              callInput(st, accounts, now, () => (fastDraws++, fastRandom())),
              { rankOnTable: true },
            );
            const reference = selectAccountWith(
              callInput(st, accounts, now, () => (referenceDraws++, referenceRandom())),
              { rankOnTable: false },
            );
            expect(fast).toEqual(reference);
            expect(fastDraws).toBe(referenceDraws);
            if (st.apply) lists[mine] = applyChanges(accounts, fast);
          }
        },
      ),
      // 1,500 runs took 5.5–6.2 s on a loaded 2-core machine and hit the 5 s timeout (issue 8); 300 keep
      // every shape of interleaving in play at about a fifth of the time.
      { numRuns: 300 },
    );
  });
});
