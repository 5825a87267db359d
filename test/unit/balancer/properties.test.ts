/** Property-based checks (fast-check): invariants of the selection over arbitrary pools. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTING_STRATEGIES } from '../../../shared/domain';
import type { AccountStatus, RoutingPolicy } from '../../../shared/domain';
import { releaseInFlight, remainingCredits } from '../../../main/core/balancer';
import type { AccountState } from '../../../main/core/balancer';
import { SPARK, STD_MODEL, T, acct, applyChanges, cfg, mulberry32, noRandom, select } from './fixtures';

const PLANS = ['free', 'plus', 'pro', 'prolite', 'team', 'enterprise', 'go'] as const;
const STATUSES: readonly AccountStatus[] = [
  'active',
  'rate_limited',
  'quota_exceeded',
  'paused',
  'reauth_required',
  'deactivated',
];
const POLICIES: readonly RoutingPolicy[] = ['normal', 'burn_first', 'preserve'];
const DEAD = new Set<AccountStatus>(['paused', 'reauth_required', 'deactivated']);

const pct = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 }));
const maybeTime = fc.oneof(fc.constant(null), fc.integer({ min: T - 400, max: T + 4000 }));

/** An arbitrary account in any status with any overlays. */
const anyAccount = (id: string) =>
  fc
    .record({
      plan: fc.constantFrom(...PLANS),
      status: fc.constantFrom(...STATUSES),
      kind: fc.constantFrom('usage_limit' as const, 'throttle' as const),
      resetAt: maybeTime,
      blockedAt: maybeTime,
      cooldownUntil: maybeTime,
      errorCount: fc.integer({ min: 0, max: 8 }),
      lastErrorAt: maybeTime,
      P: pct,
      S: pct,
      spark: pct,
      sparkAge: fc.integer({ min: 0, max: 400 }),
      policy: fc.constantFrom(...POLICIES),
      inFlight: fc.integer({ min: 0, max: 3 }),
      lastSelectedAt: fc.oneof(fc.constant(0), fc.integer({ min: T - 300, max: T })),
      tier: fc.constantFrom('healthy' as const, 'draining' as const, 'probing' as const),
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
        routingPolicy: r.policy,
        inFlight: r.inFlight,
        lastSelectedAt: r.lastSelectedAt,
        tiers: { codex: { tier: r.tier, drainStartedAt: T - 120, probeStreak: 0 } },
        families: r.spark === null ? {} : { codex_spark: { P: r.spark, at: T - r.sparkAge } },
      }),
    );

const pool = (min: number, max: number, arb: (id: string) => fc.Arbitrary<AccountState>) =>
  fc.integer({ min, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arb(`acc-${i}`))));

describe('properties', () => {
  it('never picks a paused, reauth_required or deactivated account, nor an excluded one', () => {
    fc.assert(
      fc.property(
        pool(1, 8, anyAccount),
        fc.constantFrom(...ROUTING_STRATEGIES),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(STD_MODEL, SPARK),
        fc.integer(),
        fc.integer({ min: 0, max: 7 }),
        (accounts, strategy, per, sticky, model, seed, pinIndex) => {
          const excludedIds = accounts.length > 1 ? [accounts[0]!.id] : [];
          const r = select(accounts, {
            settings: cfg(strategy, per, {
              stickySessions: sticky,
              pinnedAccountId: accounts[pinIndex % accounts.length]!.id,
            }),
            request: {
              model,
              excludedIds,
              sticky: { mappedAccountId: accounts[pinIndex % accounts.length]!.id },
            },
            random: mulberry32(seed),
          });
          if (!r.ok) return;
          const chosen = accounts.find((a) => a.id === r.accountId)!;
          expect(DEAD.has(chosen.status)).toBe(false);
          expect(excludedIds).not.toContain(r.accountId);
          expect(r.changes.find((c) => c.id === r.accountId)?.next.inFlight).toBe(chosen.inFlight + 1);
        },
      ),
      { numRuns: 400 },
    );
  });

  /** Active accounts without overlays and not probing, so a pick does not change what fill_first ranks on. */
  const fillAccount = (id: string) =>
    fc
      .record({
        plan: fc.constantFrom(...PLANS),
        P: pct,
        S: pct,
        policy: fc.constantFrom(...POLICIES),
        tier: fc.constantFrom('healthy' as const, 'draining' as const),
      })
      .map((r) =>
        acct(id, {
          plan: r.plan,
          P: r.P,
          S: r.S,
          routingPolicy: r.policy,
          tiers: { codex: { tier: r.tier, drainStartedAt: T - 10, probeStreak: 0 } },
        }),
      );

  it('fill_first is deterministic and keeps the same account until it leaves the pool', () => {
    fc.assert(
      fc.property(pool(2, 8, fillAccount), fc.boolean(), (initial, per) => {
        const settings = cfg('fill_first', per);
        let accounts: AccountState[] = [...initial];
        const first = select(accounts, { settings, random: noRandom });
        expect(select(accounts, { settings, random: noRandom })).toEqual(first);
        if (!first.ok) return;
        for (let i = 1; i <= 5; i++) {
          // The request finished: apply the selection's changes, then release the in-flight slot.
          accounts = applyChanges(accounts, first).map((a) =>
            a.id === first.accountId ? releaseInFlight(a) : a,
          );
          const again = select(accounts, { settings, now: T + i, random: noRandom });
          expect(again.ok && again.accountId).toBe(first.accountId);
        }
        // Leaving the pool (a cooldown) hands the traffic to another account.
        const left = accounts.map((a) => (a.id === first.accountId ? { ...a, cooldownUntil: T + 100 } : a));
        const next = select(left, { settings, now: T + 6, random: noRandom });
        if (next.ok) expect(next.accountId).not.toBe(first.accountId);
      }),
      { numRuns: 200 },
    );
  });

  it('capacity_weighted shares match remaining weekly credits within ±0.05 over 2000 draws', () => {
    const healthyAccount = (id: string) =>
      fc
        .record({
          plan: fc.constantFrom(...PLANS),
          S: fc.integer({ min: 0, max: 85 }),
          P: fc.integer({ min: 0, max: 80 }),
        })
        .map((r) => acct(id, { plan: r.plan, S: r.S, P: r.P }));
    fc.assert(
      fc.property(pool(2, 4, healthyAccount), fc.integer(), (accounts, seed) => {
        const random = mulberry32(seed);
        const counts = new Map<string, number>();
        for (let i = 0; i < 2000; i++) {
          const r = select(accounts, { settings: cfg('capacity_weighted', false), random });
          if (!r.ok) throw new Error(r.error.message);
          counts.set(r.accountId, (counts.get(r.accountId) ?? 0) + 1);
        }
        const rc = accounts.map((a) =>
          remainingCredits(
            a.planType === 'pro' || a.planType === 'enterprise'
              ? 50400
              : a.planType === 'prolite'
                ? 37800
                : a.planType === 'free' || a.planType === 'go'
                  ? 1134
                  : 7560,
            a.usage.codex!.secondary!.usedPercent,
          ),
        );
        const total = rc.reduce((x, y) => x + y, 0);
        accounts.forEach((a, i) => {
          expect(Math.abs((counts.get(a.id) ?? 0) / 2000 - rc[i]! / total)).toBeLessThanOrEqual(0.05);
        });
      }),
      { numRuns: 15 },
    );
  });
});
