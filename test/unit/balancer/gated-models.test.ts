/** §5 gated models: registry and names, scope, the 180 s gate, bypass, usage view, no write-back, the three 503s. */
import { describe, expect, it } from 'vitest';
import {
  SEED_REGISTRY,
  canonicalFamily,
  findGatedEntry,
  gateAccount,
  isScopedPlan,
  normalizeName,
  resolveLimitName,
} from '../../../main/core/balancer';
import type { GatedModelEntry } from '../../../main/core/balancer';
import type { AcctSpec } from './fixtures';
import { SPARK, T, acct, cfg, failure, mulberry32, pick } from './fixtures';

const FF = cfg('fill_first', false);
const seed = SEED_REGISTRY[0]!;

describe('§5.1 registry', () => {
  it('seed entry codex_spark', () => {
    expect(SEED_REGISTRY).toEqual([
      {
        quotaKey: 'codex_spark',
        label: 'GPT-5.3-Codex-Spark',
        modelIds: ['gpt-5.3-codex-spark'],
        limitNames: ['codex_other', 'GPT-5.3-Codex-Spark', 'gpt-5.3-codex-spark'],
        meteredFeatures: ['codex_bengalfox'],
        appliesToPlans: ['pro', 'prolite', 'team', 'business', 'enterprise'],
        routingPolicy: 'burn_first',
      },
    ]);
  });
  it.each([
    ['GPT-5.3-Codex-Spark', 'gpt_5_3_codex_spark'],
    ['codex--other', 'codex_other'],
    ['x-codex-bengalfox', 'x_codex_bengalfox'],
  ])('normalizeName(%s) = %s', (raw, want) => {
    expect(normalizeName(raw)).toBe(want);
  });
  it.each([
    ['codex', 'codex'],
    ['CODEX', 'codex'],
    ['codex_other', 'codex_spark'],
    ['codex-other', 'codex_spark'],
    ['GPT-5.3-Codex-Spark', 'codex_spark'],
    ['gpt-5.3-codex-spark', 'codex_spark'],
    ['codex_bengalfox', 'codex_spark'],
    ['codex_spark', 'codex_spark'],
    ['gpt-5.2-codex-sonic', null],
    ['', null],
    [undefined, null],
  ])('resolveLimitName(%s) = %s', (raw, want) => {
    expect(resolveLimitName(SEED_REGISTRY, raw)).toBe(want);
  });
  it('unknown families are stored under their own normalised id', () => {
    expect(canonicalFamily(SEED_REGISTRY, 'gpt-5.2-codex-sonic')).toBe('gpt_5_2_codex_sonic');
    expect(canonicalFamily(SEED_REGISTRY, 'codex_other')).toBe('codex_spark');
  });
  it('nothing is hard-coded: a user-added entry gates its own model with its own plans', () => {
    const custom: GatedModelEntry = {
      quotaKey: 'sonic',
      label: 'Sonic',
      modelIds: ['gpt-5.2-codex-sonic'],
      limitNames: ['codex_sonic'],
      meteredFeatures: [],
      appliesToPlans: ['plus'],
      routingPolicy: 'inherit',
    };
    const registry = [...SEED_REGISTRY, custom];
    expect(findGatedEntry(registry, 'GPT-5.2-Codex-Sonic')?.quotaKey).toBe('sonic');
    expect(resolveLimitName(registry, 'codex-sonic')).toBe('sonic');
    const r = failure([acct('a', { plan: 'plus' })], {
      settings: FF,
      registry,
      request: { model: 'gpt-5.2-codex-sonic' },
    });
    expect(r.error.code).toBe('additional_quota_data_unavailable');
  });
});

describe('§5.2 scope', () => {
  it('gated when the normalised model is listed', () => {
    expect(findGatedEntry(SEED_REGISTRY, 'GPT-5.3-Codex-Spark')).toBe(seed);
    expect(findGatedEntry(SEED_REGISTRY, 'gpt-5.3-codex')).toBeNull();
  });
  it.each([
    ['pro', true],
    ['prolite', true],
    ['team', true],
    ['business', true],
    ['enterprise', true],
    ['plus', false],
    ['free', false],
    ['education', false],
  ])('plan %s scoped: %s', (plan, want) => {
    expect(isScopedPlan(seed, plan)).toBe(want);
  });
  it('unscoped accounts follow the standard rules only (no gate)', () => {
    const r = pick([acct('plus', { plan: 'plus' })], { settings: FF, request: { model: SPARK } });
    expect(r.accountId).toBe('plus');
    expect(r.reason.view).toBe('codex');
  });
});

describe('§5.3 gate', () => {
  const withSpark = (spark: AcctSpec['families'], extra: AcctSpec = {}) =>
    acct('a', { plan: 'pro', families: spark, ...extra });
  it.each([
    [
      'active family block',
      withSpark(
        { codex_spark: { P: 10, at: T - 5 } },
        { familyBlocks: { codex_spark: { blockedAt: T - 1, resetAt: T + 60 } } },
      ),
      'quota_exhausted',
    ],
    ['no sample of the family', withSpark({}), 'data_unavailable'],
    [
      'a sample without windows',
      withSpark({ codex_spark: { P: null, S: null, at: T - 5 } }),
      'data_unavailable',
    ],
    ['latest sample 181 s old', withSpark({ codex_spark: { P: 10, at: T - 181 } }), 'data_unavailable'],
    ['latest sample 180 s old is fresh', withSpark({ codex_spark: { P: 10, at: T - 180 } }), 'eligible'],
    [
      'fresh short window full, reset in the future',
      withSpark({ codex_spark: { P: [100, T + 60], at: T - 5 } }),
      'quota_exhausted',
    ],
    [
      'fresh long window full, reset in the future',
      withSpark({ codex_spark: { P: 10, S: [100, T + 600], at: T - 5 } }),
      'quota_exhausted',
    ],
    [
      'full window whose reset passed',
      withSpark({ codex_spark: { P: [100, T - 1], at: T - 5 } }),
      'eligible',
    ],
    ['room left', withSpark({ codex_spark: { P: 99, S: 50, at: T - 5 } }), 'eligible'],
  ])('%s → %s', (_n, a, want) => {
    expect(gateAccount(a, 'codex_spark', T)).toBe(want);
  });

  const stale = acct('stale', { plan: 'pro', families: { codex_spark: { P: 10, at: T - 600 } } });
  const none = acct('none', { plan: 'pro' });
  const full = acct('full', { plan: 'pro', families: { codex_spark: { P: [100, T + 60], at: T - 5 } } });
  it.each([
    [
      'any account without fresh data → data unavailable first',
      [full, stale],
      'additional_quota_data_unavailable',
      "No fresh additional quota data available for model 'gpt-5.3-codex-spark'",
    ],
    [
      'no sample at all counts as no fresh data',
      [none],
      'additional_quota_data_unavailable',
      "No fresh additional quota data available for model 'gpt-5.3-codex-spark'",
    ],
    [
      'all exhausted → quota_exhausted',
      [full],
      'quota_exhausted',
      "Additional quota exhausted for model 'gpt-5.3-codex-spark'",
    ],
  ])('%s', (_n, accounts, code, message) => {
    const f = failure(accounts, { settings: FF, request: { model: SPARK } });
    expect(f.error).toEqual({ status: 503, code, type: 'server_error', message });
  });
  it('gate errors only when the gate empties the pool; otherwise the §8 error applies', () => {
    const cooling = acct('cool', {
      plan: 'pro',
      cooldownUntil: T + 30,
      families: { codex_spark: { P: 5, at: T - 5 } },
    });
    const f = failure([full, cooling], { settings: FF, request: { model: SPARK } });
    expect(f.error.code).toBe('no_accounts');
    expect(f.error.message).toBe(
      'No account can take requests: they are cooling down after errors. Try again in 30 s.',
    );
  });
});

describe('§5.4 bypass', () => {
  const other = acct('other', { plan: 'plus', P: 1 });
  it.each([
    [
      'quota_exceeded (no cooldown)',
      { status: 'quota_exceeded', resetAt: T + 3600, blockedAt: T - 600 },
      true,
    ],
    [
      'rate_limited usage_limit',
      { status: 'rate_limited', rateLimitKind: 'usage_limit', resetAt: T + 3600, blockedAt: T - 600 },
      true,
    ],
    [
      'rate_limited throttle',
      { status: 'rate_limited', rateLimitKind: 'throttle', resetAt: T + 3600, blockedAt: T - 600 },
      false,
    ],
    ['active cooldown', { cooldownUntil: T + 10 }, false],
    [
      'quota cooldown (120 s)',
      { status: 'quota_exceeded', resetAt: T + 3600, blockedAt: T - 60, cooldownUntil: T + 60 },
      false,
    ],
    ['error backoff', { errorCount: 3, lastErrorAt: T - 5 }, false],
    ['paused', { status: 'paused' }, false],
    ['own family block', { familyBlocks: { codex_spark: { blockedAt: T - 1, resetAt: T + 100 } } }, false],
  ] as const)('scoped account, %s → serves: %s', (_n, extra, serves) => {
    // Standard P 100 keeps usage recovery out of the way; fill_first prefers `scoped` (Spark P 50 vs 1) when allowed.
    const scoped = acct('scoped', {
      plan: 'pro',
      P: 100,
      families: { codex_spark: { P: 50, at: T - 5 } },
      ...extra,
    });
    const r = pick([scoped, other], { settings: FF, request: { model: SPARK } });
    expect(r.accountId).toBe(serves ? 'scoped' : 'other');
  });
  it('unscoped accounts in the same request are not bypassed', () => {
    const q = acct('q', {
      plan: 'plus',
      status: 'quota_exceeded',
      resetAt: T + 3600,
      blockedAt: T - 600,
      P: 90,
    });
    expect(pick([q, other], { settings: FF, request: { model: SPARK } }).accountId).toBe('other');
  });
});

describe('§5.5 usage view and §4.2 registry policy', () => {
  it('scoped accounts are ranked on the family windows only', () => {
    const a = acct('a', { plan: 'pro', P: 90, S: 90, families: { codex_spark: { P: 10, at: T - 5 } } });
    const b = acct('b', { plan: 'pro', P: 5, S: 5, families: { codex_spark: { P: 50, at: T - 5 } } });
    expect(pick([a, b], { settings: FF, request: { model: SPARK } }).accountId).toBe('b');
    expect(
      pick([a, b], { settings: cfg('usage_weighted', false), request: { model: SPARK } }).accountId,
    ).toBe('a');
  });
  it('no family long window → S := family P, never the standard weekly value', () => {
    // a: family P 30, standard weekly 1 → S 30; b: family P 20, S 40 → usage_weighted picks a only if S came from weekly.
    const a = acct('a', { plan: 'pro', S: 1, families: { codex_spark: { P: 30, S: null, at: T - 5 } } });
    const b = acct('b', { plan: 'pro', S: 1, families: { codex_spark: { P: 20, S: 25, at: T - 5 } } });
    expect(
      pick([a, b], { settings: cfg('usage_weighted', false), request: { model: SPARK } }).accountId,
    ).toBe('b');
  });
  it('the family reset feeds prefer_earlier_reset', () => {
    const a = acct('a', {
      plan: 'pro',
      P: 80,
      S: [10, T + 3600],
      families: { codex_spark: { P: 10, S: [10, T + 5 * 86_400], at: T - 5 } },
    });
    const b = acct('b', {
      plan: 'pro',
      P: 0,
      S: [10, T + 5 * 86_400],
      families: { codex_spark: { P: 5, S: [10, T + 3600], at: T - 5 } },
    });
    expect(pick([a, b], { settings: cfg('fill_first', true), request: { model: SPARK } }).accountId).toBe(
      'b',
    );
    expect(pick([a, b], { settings: cfg('fill_first', true) }).accountId).toBe('a');
  });
  it('the registry routing_policy (burn_first) replaces the policy of scoped accounts; inherit keeps it', () => {
    const scoped = acct('scoped', {
      plan: 'pro',
      routingPolicy: 'preserve',
      P: 50,
      families: { codex_spark: { P: 50, at: T - 5 } },
    });
    const plus = acct('plus', { plan: 'plus', P: 1 });
    const r = pick([scoped, plus], { settings: cfg('usage_weighted', false), request: { model: SPARK } });
    expect([r.accountId, r.reason.policy, r.reason.budgetStep]).toEqual([
      'scoped',
      'burn_first',
      'burn_first',
    ]);
    const inherit = [{ ...SEED_REGISTRY[0]!, routingPolicy: 'inherit' as const }];
    const r2 = pick([scoped, plus], {
      settings: cfg('usage_weighted', false),
      registry: inherit,
      request: { model: SPARK },
      random: mulberry32(1),
    });
    expect(r2.accountId).toBe('plus');
  });
});
