/** §1.5 recovery by time and by fresh usage; §1.6 error backoff and the backoff fallback. */
import { describe, expect, it } from 'vitest';
import {
  backoffSeconds,
  recoverAccount,
  recoverByFreshUsage,
  recoverByTime,
  recoverByUsage,
} from '../../../main/core/balancer';
import { SPARK, T, acct, cfg, failure, pick, sample } from './fixtures';

const FF = cfg('fill_first', false);
const limited = (extra: Parameters<typeof acct>[1] = {}) =>
  acct('r', {
    status: 'rate_limited',
    rateLimitKind: 'usage_limit',
    blockedAt: T - 100,
    resetAt: T + 500,
    P: 70,
    S: 40,
    sampleAt: T - 200,
    ...extra,
  });
const quota = (extra: Parameters<typeof acct>[1] = {}) =>
  acct('q', {
    status: 'quota_exceeded',
    blockedAt: T - 200,
    resetAt: T + 3000,
    P: 100,
    S: 40,
    sampleAt: T - 300,
    ...extra,
  });

describe('§1.5 time recovery', () => {
  it('rate_limited with reset_at ≤ T → active, P := 0, error_count := 0, fields cleared', () => {
    const next = recoverByTime(limited({ resetAt: T, errorCount: 2 }), T);
    expect(next).toMatchObject({
      status: 'active',
      resetAt: null,
      blockedAt: null,
      rateLimitKind: null,
      errorCount: 0,
    });
    expect(next.usage.codex?.primary?.usedPercent).toBe(0);
    expect(next.usage.codex?.secondary?.usedPercent).toBe(40);
  });
  it('quota_exceeded with reset_at ≤ T → active, P := 0 and S := 0, error_count kept', () => {
    const next = recoverByTime(quota({ resetAt: T - 1, errorCount: 2 }), T);
    expect(next.status).toBe('active');
    expect(next.errorCount).toBe(2);
    expect([next.usage.codex?.primary?.usedPercent, next.usage.codex?.secondary?.usedPercent]).toEqual([
      0, 0,
    ]);
  });
  it('no reset_at, or one more than 366 d ahead: only usage recovers', () => {
    expect(recoverByTime(limited({ resetAt: null }), T).status).toBe('rate_limited');
    const far = limited({ resetAt: T + 400 * 86_400 });
    expect(recoverByTime(far, T).status).toBe('rate_limited');
    const r = pick([far, acct('b')], { settings: FF });
    expect(r.reason.skipped).toEqual([
      { id: 'r', reason: { kind: 'rate_limited', until: null, rateLimitKind: 'usage_limit' } },
    ]);
  });
  it('inside selection the recovery is returned as a persisted change', () => {
    const r = pick([limited({ resetAt: T - 1 })], { settings: FF });
    expect(r.accountId).toBe('r');
    expect(r.changes[0]).toMatchObject({
      id: 'r',
      persist: true,
      next: { status: 'active', lastSelectedAt: T, inFlight: 1 },
    });
  });
  it('in a gated view the recovery is in memory only (§5.6)', () => {
    const x = acct('x', {
      plan: 'pro',
      status: 'rate_limited',
      rateLimitKind: 'throttle',
      resetAt: T - 1,
      blockedAt: T - 60,
      families: { codex_spark: { P: 10, at: T - 10 } },
    });
    const r = pick([x], { settings: FF, request: { model: SPARK } });
    expect(r.accountId).toBe('x');
    expect(r.changes[0]!.persist).toBe(false);
    expect(r.changes[0]!.next).toMatchObject({ status: 'rate_limited', resetAt: T - 1, blockedAt: T - 60 });
  });
});

describe('§1.5 usage recovery, rate_limited', () => {
  const fresh = (P: number | null, S: number | null, at = T - 10) => ({
    codex: sample('codex', { P, S, at }),
  });
  it.each([
    ['cooldown passed, fresh sample under 100 %', { cooldownUntil: T - 1, usage: fresh(50, 50) }, 'active'],
    ['cooldown still running', { cooldownUntil: T + 5, usage: fresh(50, 50) }, 'rate_limited'],
    ['sample older than blocked_at', { cooldownUntil: T - 1, usage: fresh(50, 50, T - 150) }, 'rate_limited'],
    ['short window still full', { cooldownUntil: T - 1, usage: fresh(100, 50) }, 'rate_limited'],
    ['long window full', { cooldownUntil: T - 1, usage: fresh(50, 100) }, 'rate_limited'],
    ['short unknown: long < 100 is enough', { cooldownUntil: T - 1, usage: fresh(null, 60) }, 'active'],
    [
      'after a restart (no cooldown): before blocked_at + 30 s',
      { cooldownUntil: null, blockedAt: T - 20, usage: fresh(50, 50) },
      'rate_limited',
    ],
    [
      'after a restart: from blocked_at + 30 s',
      { cooldownUntil: null, blockedAt: T - 30, usage: fresh(50, 50) },
      'active',
    ],
  ] as const)('%s → %s', (_n, extra, want) => {
    const state = { ...limited(), ...extra };
    expect(recoverByUsage(state, T).status).toBe(want);
  });
});

describe('§1.5 usage recovery, quota_exceeded', () => {
  const s = (P: number, S: number, extra: Partial<Parameters<typeof sample>[1]> = {}) => ({
    codex: sample('codex', { P: [P, T + 900], S, at: T - 5, ...extra }),
  });
  it.each([
    ['before blocked_at + 120 s', { blockedAt: T - 100, usage: s(10, 50) }, 'quota_exceeded'],
    ['long and short < 100 → active', { usage: s(10, 50) }, 'active'],
    ['long < 100, short full → rate_limited until the short reset', { usage: s(100, 50) }, 'rate_limited'],
    ['long full, no credits', { usage: s(10, 100) }, 'quota_exceeded'],
    [
      'long full, has_credits → active',
      { usage: s(10, 100, { credits: { hasCredits: true, unlimited: false, balance: null } }) },
      'active',
    ],
    [
      'long full, balance 9.99 → active',
      { usage: s(10, 100, { credits: { hasCredits: false, unlimited: false, balance: '9.99' } }) },
      'active',
    ],
    [
      'long full, balance 0 → stays',
      { usage: s(10, 100, { credits: { hasCredits: false, unlimited: false, balance: '0' } }) },
      'quota_exceeded',
    ],
    [
      'long and short full, credits → stays',
      { usage: s(100, 100, { credits: { hasCredits: true, unlimited: true, balance: null } }) },
      'quota_exceeded',
    ],
  ] as const)('%s → %s', (_n, extra, want) => {
    const next = recoverByUsage({ ...quota(), ...extra }, T);
    expect(next.status).toBe(want);
    if (want === 'rate_limited')
      expect(next).toMatchObject({ rateLimitKind: 'usage_limit', resetAt: T + 900 });
  });
});

describe('§1.5 family blocks', () => {
  const blocked = (resetAt: number | null, spark: Parameters<typeof sample>[1]) =>
    acct('f', {
      plan: 'pro',
      familyBlocks: { codex_spark: { blockedAt: T - 100, resetAt } },
      families: { codex_spark: spark },
    });
  it.each([
    ['reset passed', T, { P: 100, at: T - 200 }, true],
    ['later sample with every window < 100 %', T + 900, { P: 40, S: 60, at: T - 10 }, true],
    ['later sample with a full window', T + 900, { P: 40, S: 100, at: T - 10 }, false],
    ['sample from before the block', T + 900, { P: 40, at: T - 150 }, false],
  ] as const)('%s → cleared: %s', (_n, resetAt, spark, cleared) => {
    expect(recoverAccount(blocked(resetAt, spark), T).familyBlocks.codex_spark === undefined).toBe(cleared);
  });
});

describe('§1.6 error backoff', () => {
  it.each([
    [2, 0],
    [3, 30],
    [4, 60],
    [5, 120],
    [6, 240],
    [7, 300],
    [12, 300],
  ])('%i errors → %i s', (n, s) => {
    expect(backoffSeconds(n)).toBe(s);
  });
  it('inside the backoff the account is skipped; after it, clean slate', () => {
    const inside = pick([acct('a', { errorCount: 4, lastErrorAt: T - 59, P: 50 }), acct('b')], {
      settings: FF,
    });
    expect(inside.accountId).toBe('b');
    expect(inside.reason.skipped).toEqual([{ id: 'a', reason: { kind: 'backoff', until: T + 1 } }]);
    const after = pick([acct('a', { errorCount: 4, lastErrorAt: T - 60, P: 50 }), acct('b')], {
      settings: FF,
    });
    expect(after.accountId).toBe('a');
    expect(after.changes.find((c) => c.id === 'a')!.next).toMatchObject({ errorCount: 0, lastErrorAt: null });
  });
  it('an expired cooldown also clears error_count and last_error_at', () => {
    const r = pick([acct('a', { cooldownUntil: T - 1, errorCount: 6, lastErrorAt: T - 2 })], {
      settings: FF,
    });
    expect(r.accountId).toBe('a');
    expect(r.changes[0]!.next).toMatchObject({ cooldownUntil: null, errorCount: 0, lastErrorAt: null });
  });
});

describe('§1.6 backoff fallback', () => {
  const b = (id: string, lastErrorAt: number) => acct(id, { errorCount: 3, lastErrorAt });
  it('≥ 2 accounts in backoff → the one whose backoff ends soonest', () => {
    const r = pick([b('a', T - 5), b('b', T - 20)], { settings: FF });
    expect(r.accountId).toBe('b');
    expect(r.reason.via).toBe('backoff_fallback');
  });
  it('1 in backoff while another is rate_limited → rescued', () => {
    const rl = acct('r', {
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: T + 900,
      blockedAt: T - 5,
    });
    expect(pick([b('a', T - 5), rl], { settings: FF }).accountId).toBe('a');
  });
  it('the lone account of a pool, in backoff, is rescued: the arriving request probes it (issue 8)', () => {
    const r = pick([b('a', T - 5)], { settings: FF });
    expect([r.accountId, r.reason.via]).toEqual(['a', 'backoff_fallback']);
    // A paused account beside it is no candidate, so it changes nothing.
    const paused = acct('p', { status: 'paused' });
    expect(pick([b('a', T - 5), paused], { settings: FF }).accountId).toBe('a');
  });
  it('1 in backoff while another is only in cooldown → not rescued', () => {
    const f = failure([b('a', T - 5), acct('c', { cooldownUntil: T + 10 })], { settings: FF });
    expect(f.error.message).toBe(
      'No account can take requests: they are cooling down after errors. Try again in 10 s.',
    );
  });
  it('a bypassed status does not count (gated request)', () => {
    const spark = { codex_spark: { P: 10, at: T - 5 } };
    const inBackoff = acct('a', { plan: 'pro', errorCount: 3, lastErrorAt: T - 5, families: spark });
    const bypassedQuota = acct('q', {
      plan: 'pro',
      status: 'quota_exceeded',
      resetAt: T + 900,
      blockedAt: T - 50,
      cooldownUntil: T + 70,
      families: spark,
    });
    const f = failure([inBackoff, bypassedQuota], { settings: FF, request: { model: SPARK } });
    expect(f.error.code).toBe('no_accounts');
    expect(f.error.message).toBe(
      'No account can take requests: they are cooling down after errors. Try again in 1 min.',
    );
  });
});

describe('recovery from usage requested after the block (issue 8)', () => {
  it.each([
    [
      'rate_limited inside its cooldown, sample in the same second as the block',
      limited({ cooldownUntil: T + 20, blockedAt: T, sampleAt: T, P: 40 }),
    ],
    ['quota_exceeded inside the 120 s cooldown', quota({ blockedAt: T - 5, sampleAt: T - 5, P: 40 })],
  ])('%s → active, cooldown and error count cleared', (_name, state) => {
    const next = recoverByFreshUsage({ ...state, errorCount: 2, lastErrorAt: T }, T);
    expect(next).toMatchObject({
      status: 'active',
      resetAt: null,
      blockedAt: null,
      rateLimitKind: null,
      cooldownUntil: null,
      errorCount: 0,
      lastErrorAt: null,
    });
  });

  it.each([
    ['the short window still full', limited({ blockedAt: T, sampleAt: T, P: 100 })],
    ['the long window still full', quota({ blockedAt: T, sampleAt: T, P: 10, S: 100 })],
  ])('%s → unchanged', (_name, state) => {
    expect(recoverByFreshUsage(state, T)).toBe(state);
  });

  it('clears a family block whose fresh sample shows room, keeps one that is still full', () => {
    const state = acct('f', {
      familyBlocks: { spark: { blockedAt: T, resetAt: T + 900 }, other: { blockedAt: T, resetAt: T + 900 } },
      families: { spark: { P: 30, S: 5, at: T }, other: { P: 100, at: T } },
    });
    expect(Object.keys(recoverByFreshUsage(state, T).familyBlocks)).toEqual(['other']);
  });
});
