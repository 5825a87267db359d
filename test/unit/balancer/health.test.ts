/** §1.7 health tiers (soft drain) and recovery probes, per (account, limit view). */
import { describe, expect, it } from 'vitest';
import {
  INITIAL_TIER,
  buildUsageView,
  nextTier,
  shouldDrain,
  tierAfterSuccess,
} from '../../../main/core/balancer';
import type { TierState } from '../../../main/core/balancer';
import { SPARK, T, acct, cfg, pick } from './fixtures';

const tier = (t: TierState['tier'], drainStartedAt: number | null = null, probeStreak = 0): TierState => ({
  tier: t,
  drainStartedAt,
  probeStreak,
});

describe('§1.7 should_drain', () => {
  it.each([
    ['raw P 85', { P: 85 }, 0, null, true],
    ['raw P 84.9', { P: 84.9 }, 0, null, false],
    ['raw S 90', { S: 90 }, 0, null, true],
    ['raw S 89', { S: 89 }, 0, null, false],
    ['free plan ignores P', { plan: 'free', P: 95, S: 10 }, 0, null, false],
    ['2 errors, last 59 s ago', {}, 2, T - 59, true],
    ['2 errors, last 60 s ago', {}, 2, T - 60, false],
    ['1 recent error', {}, 1, T - 1, false],
    ['a window whose reset passed counts as 0', { P: [99, T - 1] as [number, number] }, 0, null, false],
  ] as const)('%s → %s', (_n, spec, errorCount, lastErrorAt, want) => {
    const a = acct('a', spec);
    expect(shouldDrain(buildUsageView(a, 'codex', T), errorCount, lastErrorAt, T)).toBe(want);
  });
  it('health uses raw values, ranking effective ones: raw P 80 with 4 in flight stays healthy', () => {
    const r = pick([acct('a', { P: 80, inFlight: 4 })], { settings: cfg('fill_first', false) });
    expect(r.reason.tier).toBe('healthy');
    expect(buildUsageView(acct('a', { P: 80, inFlight: 4 }), 'codex', T).p).toBe(90);
  });
});

describe('§1.7 tier transitions', () => {
  it.each([
    ['healthy → draining on should_drain', tier('healthy'), true, T, tier('draining', T)],
    ['healthy stays healthy', tier('healthy'), false, T, tier('healthy')],
    ['draining stays before 60 s', tier('draining', T - 59), false, T, tier('draining', T - 59)],
    [
      'draining → probing after 60 s without should_drain',
      tier('draining', T - 60),
      false,
      T,
      tier('probing', T - 60),
    ],
    ['draining stays while should_drain', tier('draining', T - 600), true, T, tier('draining', T - 600)],
    ['probing → draining on should_drain', tier('probing', T - 100, 2), true, T, tier('draining', T)],
    ['probing stays', tier('probing', T - 100, 2), false, T, tier('probing', T - 100, 2)],
  ])('%s', (_n, prev, drain, now, want) => {
    expect(nextTier(prev, drain, now)).toEqual(want);
  });
  it('probing → healthy after 3 consecutive successes', () => {
    let t = tier('probing', T - 100);
    t = tierAfterSuccess(t);
    t = tierAfterSuccess(t);
    expect(t.tier).toBe('probing');
    expect(tierAfterSuccess(t).tier).toBe('healthy');
    expect(tierAfterSuccess(INITIAL_TIER)).toBe(INITIAL_TIER);
  });
  it('tiers move for active accounts only; other statuses keep theirs', () => {
    const rl = acct('r', {
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: T + 900,
      blockedAt: T - 10,
      P: 99,
      tiers: { codex: tier('healthy') },
    });
    const r = pick([rl, acct('b')], { settings: cfg('fill_first', false) });
    expect(r.changes.find((c) => c.id === 'r')).toBeUndefined();
  });
  it('tier updates come back as changes for the standard view', () => {
    const r = pick([acct('a', { P: 90 }), acct('b')], { settings: cfg('fill_first', false) });
    expect(r.accountId).toBe('b');
    expect(r.changes.find((c) => c.id === 'a')!.next.tiers.codex).toEqual(tier('draining', T));
  });
});

describe('§1.7 recovery probes', () => {
  const probing = (id: string, lastSelectedAt: number, extra: Parameters<typeof acct>[1] = {}) =>
    acct(id, { P: 10, lastSelectedAt, tiers: { codex: tier('probing', T - 500) }, ...extra });
  const healthy = acct('h', { P: 50, routingPolicy: 'burn_first' });
  const FF = cfg('fill_first', false);

  it('a due probe goes ahead of the healthy pool and burn_first', () => {
    const r = pick([healthy, probing('p', T - 60)], { settings: FF });
    expect(r.accountId).toBe('p');
    expect(r.reason.via).toBe('probe');
    expect(r.reason.budgetStep).toBe('probe');
  });
  it('never-selected counts as due; last selected 59 s ago does not', () => {
    expect(pick([healthy, probing('p', 0)], { settings: FF }).accountId).toBe('p');
    expect(pick([healthy, probing('p', T - 59)], { settings: FF }).accountId).toBe('h');
  });
  it('the oldest due probe wins, ties by id', () => {
    expect(pick([healthy, probing('p2', T - 100), probing('p1', T - 300)], { settings: FF }).accountId).toBe(
      'p1',
    );
    expect(pick([healthy, probing('pb', T - 100), probing('pa', T - 100)], { settings: FF }).accountId).toBe(
      'pa',
    );
  });
  it('no probe step without a healthy account: the ladder picks among probing accounts by strategy', () => {
    const r = pick([probing('p1', T - 300, { P: 5 }), probing('p2', T - 100, { P: 20 })], { settings: FF });
    expect(r.accountId).toBe('p2');
    expect(r.reason.via).toBe('strategy');
  });
  it('never ahead of the §2 filter: a due probe in cooldown is skipped', () => {
    expect(pick([healthy, probing('p', T - 100, { cooldownUntil: T + 5 })], { settings: FF }).accountId).toBe(
      'h',
    );
  });
  it.each(['sequential_drain', 'reset_drain', 'single_account'])('not for %s', (strategy) => {
    const r = pick([acct('h', { plan: 'free' }), probing('p', T - 100, { plan: 'pro' })], {
      settings: cfg(strategy, false, { pinnedAccountId: 'h' }),
    });
    expect(r.accountId).toBe('h');
    expect(r.reason.via).not.toBe('probe');
  });
  it('tiers are per (account, limit view): a standard drain does not drain the Spark view', () => {
    const spark = { codex_spark: { P: 10, at: T - 5 } };
    const a = acct('a', { plan: 'pro', P: 90, families: spark });
    const b = acct('b', { plan: 'pro', P: 10, families: { codex_spark: { P: 5, at: T - 5 } } });
    const std = pick([a, b], { settings: FF });
    expect(std.accountId).toBe('b');
    const gated = pick([a, b], { settings: FF, request: { model: SPARK } });
    expect(gated.accountId).toBe('a');
    expect(gated.reason.tier).toBe('healthy');
    expect(gated.reason.view).toBe('codex_spark');
  });
});
