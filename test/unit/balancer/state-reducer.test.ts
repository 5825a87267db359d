/** §1.3 transitions and §1.4 limit-family attribution: (state, outcome, T) → next state. */
import { describe, expect, it } from 'vitest';
import { SEED_REGISTRY, applyOutcome, recordAccountError, upstreamReset } from '../../../main/core/balancer';
import type { AccountState, UpstreamOutcome } from '../../../main/core/balancer';
import { SPARK, T, acct, cfg, pick } from './fixtures';

const ctx = (random = 0.5, model?: string) => ({
  now: T,
  random: () => random,
  registry: SEED_REGISTRY,
  ...(model !== undefined ? { model } : {}),
});
const base = acct('a', { plan: 'pro', P: 40, S: 20, errorCount: 0 });
const apply = (outcome: UpstreamOutcome, state: AccountState = base, random = 0.5, model?: string) =>
  applyOutcome(state, outcome, ctx(random, model));

describe('§1.3 usage_limit_reached (standard family)', () => {
  it.each([
    // [name, outcome, prior error_count, random, expected {cooldownUntil, resetAt, errorCount}]
    [
      'upstream reset wins',
      { kind: 'usage_limit', resetAt: T + 5000, limitName: 'codex' },
      0,
      0.5,
      { cooldownUntil: T + 0.2, resetAt: T + 5000, errorCount: 1 },
    ],
    [
      'hint: reset = T + hint',
      { kind: 'usage_limit', delayHintSeconds: 45 },
      0,
      0.5,
      { cooldownUntil: T + 45, resetAt: T + 45, errorCount: 1 },
    ],
    [
      'short hint is not raised to 30',
      { kind: 'usage_limit', delayHintSeconds: 5 },
      0,
      0.5,
      { cooldownUntil: T + 5, resetAt: T + 5, errorCount: 1 },
    ],
    [
      'no hint: jittered 0.2 s, reset ≥ 30 s',
      { kind: 'usage_limit' },
      0,
      0,
      { cooldownUntil: T + 0.18, resetAt: T + 30, errorCount: 1 },
    ],
    [
      'no hint, 5th error: 0.2 × 2^4 × 1.1 = 3.52 s',
      { kind: 'usage_limit' },
      4,
      1,
      { cooldownUntil: T + 3.52, resetAt: T + 30, errorCount: 5 },
    ],
    [
      'no hint, 11th error: 204.8 s exceeds 30',
      { kind: 'usage_limit' },
      10,
      0.5,
      { cooldownUntil: T + 204.8, resetAt: T + 204.8, errorCount: 11 },
    ],
  ] as const)('%s', (_name, outcome, errorCount, random, want) => {
    const out = apply(outcome as UpstreamOutcome, { ...base, errorCount }, random);
    expect(out.next.status).toBe('rate_limited');
    expect(out.next.rateLimitKind).toBe('usage_limit');
    expect(out.next.blockedAt).toBe(T);
    expect(out.next.lastErrorAt).toBe(T);
    expect(out.next.errorCount).toBe(want.errorCount);
    expect(out.next.cooldownUntil).toBeCloseTo(want.cooldownUntil, 6);
    expect(out.next.resetAt).toBeCloseTo(want.resetAt, 6);
    expect(out.persist).toBe(true);
    expect(out.effect).toBe('status');
  });

  it('an unknown limit name counts as unnamed: standard change on a standard request', () => {
    const out = apply({ kind: 'usage_limit', limitName: 'something_else' }, base, 0.5, 'gpt-5.3-codex');
    expect(out.next.status).toBe('rate_limited');
    expect(out.next.familyBlocks).toEqual({});
  });
});

describe('§1.3 rate_limit_exceeded', () => {
  it('kind throttle, account-wide even when a family is named', () => {
    const out = apply({ kind: 'throttle', delayHintSeconds: 20 }, base);
    expect(out.next).toMatchObject({
      status: 'rate_limited',
      rateLimitKind: 'throttle',
      cooldownUntil: T + 20,
      resetAt: T + 20,
      errorCount: 1,
    });
  });
  it('without a hint: reset_at = T + max(delay, 30)', () => {
    const out = apply({ kind: 'throttle' }, base, 0.5);
    expect(out.next.resetAt).toBe(T + 30);
    expect(out.next.cooldownUntil).toBeCloseTo(T + 0.2, 6);
  });
});

describe('§1.3 quota codes (standard family)', () => {
  it.each(['insufficient_quota', 'usage_not_included', 'quota_exceeded'])(
    '%s: P := 100, cooldown 120 s, reset T+3600',
    (code) => {
      const out = apply({ kind: 'quota', code });
      expect(out.next).toMatchObject({
        status: 'quota_exceeded',
        blockedAt: T,
        cooldownUntil: T + 120,
        resetAt: T + 3600,
        errorCount: 0,
      });
      expect(out.next.usage.codex?.primary?.usedPercent).toBe(100);
      expect(out.next.usage.codex?.secondary?.usedPercent).toBe(20);
    },
  );
  it('upstream reset is kept', () => {
    expect(apply({ kind: 'quota', code: 'insufficient_quota', resetAt: T + 90_000 }).next.resetAt).toBe(
      T + 90_000,
    );
  });
  it('an account without a sample gets a minimal one with P 100', () => {
    const out = apply({ kind: 'quota', code: 'quota_exceeded' }, acct('n', { noUsage: true }));
    expect(out.next.usage.codex?.primary).toEqual({
      usedPercent: 100,
      windowMinutes: 300,
      resetAt: T + 3600,
    });
  });
});

describe('§1.3 permanent, transient, other 4xx, neutral, success', () => {
  it.each([
    ['reauth_required', 'token_expired'],
    ['deactivated', 'account_deactivated'],
  ] as const)('permanent → %s, sticky mappings deleted', (status, code) => {
    const out = apply({ kind: 'permanent', status, code, message: 'gone' });
    expect(out.next.status).toBe(status);
    expect(out.next.statusReason).toBe('gone');
    expect(out.deleteStickyMappings).toBe(true);
    expect(out.persist).toBe(true);
  });
  it.each([
    'server_error',
    'upstream_error',
    'stream_incomplete',
    'overloaded_error',
    'server_is_overloaded',
    'network',
  ])('transient %s: error_count + 1, last_error_at = T, status unchanged', (code) => {
    const out = apply({ kind: 'transient', code }, { ...base, errorCount: 2 });
    expect(out.next).toMatchObject({ status: 'active', errorCount: 3, lastErrorAt: T });
    expect(out.persist).toBe(false);
    expect(out.effect).toBe('error_recorded');
  });
  it('other 4xx: penalised (entitlement 400) vs payload error (no penalty)', () => {
    expect(
      apply({ kind: 'client_error', code: 'invalid_request_error', penalise: true }).next.errorCount,
    ).toBe(1);
    const free = apply({ kind: 'client_error', code: 'cyber_policy', penalise: false });
    expect(free.next).toBe(base);
    expect(free.effect).toBe('none');
  });
  it('neutral: nothing', () => {
    const out = apply({ kind: 'neutral', code: 'stream_idle_timeout' }, { ...base, errorCount: 2 });
    expect(out.next.errorCount).toBe(2);
    expect(out.effect).toBe('none');
  });
  it('success: error_count := 0; probe streak +1 when probing', () => {
    const probing = {
      ...base,
      errorCount: 2,
      tiers: { codex: { tier: 'probing' as const, drainStartedAt: T - 100, probeStreak: 1 } },
    };
    const out = apply({ kind: 'success' }, probing);
    expect(out.next.errorCount).toBe(0);
    expect(out.next.tiers.codex).toEqual({ tier: 'probing', drainStartedAt: T - 100, probeStreak: 2 });
  });
  it('a failure breaks the probe streak', () => {
    const probing = {
      ...base,
      tiers: { codex: { tier: 'probing' as const, drainStartedAt: T - 100, probeStreak: 2 } },
    };
    expect(apply({ kind: 'transient', code: 'server_error' }, probing).next.tiers.codex?.probeStreak).toBe(0);
  });
  it('recordAccountError (second 401)', () => {
    expect(recordAccountError(base, T)).toMatchObject({ errorCount: 1, lastErrorAt: T });
  });
  it('local usage at 100 % never blocks by itself: an active account at P100 S100 is still selected', () => {
    const r = pick([acct('full', { P: 100, S: 100 })], { settings: cfg('fill_first', false) });
    expect(r.accountId).toBe('full');
  });
});

describe('§1.4 limit-family attribution', () => {
  it.each([
    ['x-codex-active-limit codex_other', 'codex_other'],
    ['limit_name GPT-5.3-Codex-Spark', 'GPT-5.3-Codex-Spark'],
    ['metered_feature codex_bengalfox', 'codex_bengalfox'],
  ])('usage limit named by %s → family block only', (_n, limitName) => {
    const out = apply({ kind: 'usage_limit', limitName, delayHintSeconds: 90 }, base, 0.5, SPARK);
    expect(out.effect).toBe('family_block');
    expect(out.blockedFamily).toBe('codex_spark');
    expect(out.next).toMatchObject({ status: 'active', errorCount: 0, cooldownUntil: null });
    expect(out.next.familyBlocks.codex_spark).toEqual({ blockedAt: T, resetAt: T + 90 });
  });
  it('family usage limit without reset or hint: T + max(delay, 30)', () => {
    expect(
      apply({ kind: 'usage_limit', limitName: 'codex_other' }).next.familyBlocks.codex_spark?.resetAt,
    ).toBe(T + 30);
  });
  it('family quota: block until upstream reset else T + 3600, no status change', () => {
    const out = apply({ kind: 'quota', code: 'usage_not_included', limitName: 'codex_other' });
    expect(out.next.status).toBe('active');
    expect(out.next.familyBlocks.codex_spark).toEqual({ blockedAt: T, resetAt: T + 3600 });
  });
  it('named codex on a gated request: standard change only', () => {
    const out = apply({ kind: 'usage_limit', limitName: 'codex', resetAt: T + 600 }, base, 0.5, SPARK);
    expect(out.next.status).toBe('rate_limited');
    expect(out.next.familyBlocks).toEqual({});
  });
  it('unnamed on a gated request for a scoped account: standard change and a block with the same reset', () => {
    const out = apply({ kind: 'quota', code: 'insufficient_quota', resetAt: T + 7200 }, base, 0.5, SPARK);
    expect(out.effect).toBe('status_and_family_block');
    expect(out.next.status).toBe('quota_exceeded');
    expect(out.next.familyBlocks.codex_spark).toEqual({ blockedAt: T, resetAt: T + 7200 });
  });
  it('unnamed on a gated request for an unscoped (plus) account: standard change only', () => {
    const out = apply({ kind: 'usage_limit', resetAt: T + 600 }, acct('p', { plan: 'plus' }), 0.5, SPARK);
    expect(out.effect).toBe('status');
    expect(out.next.familyBlocks).toEqual({});
  });
});

describe('§1.3 upstream reset validation', () => {
  it.each([
    ['resets_at in the future, rounded up', T + 10.2, undefined, T + 11],
    ['resets_at in the past → resets_in_seconds', T - 5, 120, T + 120],
    ['resets_at more than 366 d ahead → resets_in_seconds', T + 367 * 86_400, 60, T + 60],
    ['resets_at exactly 366 d ahead is fine', T + 366 * 86_400, undefined, T + 366 * 86_400],
    ['resets_in_seconds 0 is invalid', undefined, 0, undefined],
    ['resets_in_seconds beyond 366 d is invalid', undefined, 367 * 86_400, undefined],
    ['NaN is invalid', Number.NaN, Number.NaN, undefined],
  ])('%s', (_n, resetsAt, resetsIn, want) => {
    expect(upstreamReset(resetsAt, resetsIn, T)).toBe(want);
  });
});
