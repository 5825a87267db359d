/** §8 errors to clients (steps 1–5, exact messages, status, Retry-After, resets_at), §2 model filter, §3.8 single_account. */
import { describe, expect, it } from 'vitest';
import { errorEnvelope, errorHeaders, formatClock } from '../../../main/core/balancer';
import type { AccountStatus } from '../../../shared/domain';
import { T, acct, cfg, failure, pick } from './fixtures';

const CW = cfg('capacity_weighted', false);
const exhausted = (at: number, wait: string) =>
  `Every account has reached its usage limit. Try again at ${formatClock(at, T)} (in ${wait}).`;
const outOfQuota = (at: number, wait: string) =>
  `No account can take requests: the available ones are out of quota. Try again at ${formatClock(at, T)} (in ${wait}).`;
const coolingDown = (wait: string) =>
  `No account can take requests: they are cooling down after errors. Try again in ${wait}.`;
const limited = (id: string, extra: Parameters<typeof acct>[1] = {}) =>
  acct(id, {
    status: 'rate_limited',
    rateLimitKind: 'usage_limit',
    resetAt: T + 600,
    blockedAt: T - 5,
    P: 100,
    ...extra,
  });

describe('§8 step 1: no candidates on the first attempt', () => {
  it('none configured', () => {
    expect(failure([], { settings: CW }).error).toEqual({
      status: 503,
      code: 'no_accounts',
      type: 'server_error',
      message: 'No accounts configured. Add a ChatGPT account to Codex Pool.',
    });
  });
  it.each([
    [['paused'], 'All accounts are paused'],
    [['reauth_required'], 'All accounts require re-authentication'],
    [['deactivated'], 'All accounts are deactivated'],
    [['paused', 'reauth_required'], 'All accounts are paused or require re-authentication'],
    [['paused', 'deactivated'], 'All accounts are paused or deactivated'],
    [['reauth_required', 'deactivated'], 'All accounts are deactivated or require re-authentication'],
    [
      ['paused', 'reauth_required', 'deactivated'],
      'All accounts are paused, deactivated, or require re-authentication',
    ],
  ] as const)('%j → %s', (statuses, message) => {
    const accounts = statuses.map((status: AccountStatus, i) => acct(`a${i}`, { status }));
    expect(failure(accounts, { settings: CW }).error).toEqual({
      status: 503,
      code: 'no_accounts',
      type: 'server_error',
      message,
    });
  });
  it('a reselection with every remaining account tried is judged on steps 2–5 instead', () => {
    const f = failure([limited('a', { P: [100, T + 45] }), acct('p', { status: 'paused' })], {
      settings: CW,
      request: { excludedIds: ['a'] },
    });
    expect(f.error).toMatchObject({
      status: 429,
      code: 'usage_limit_reached',
      resetsAt: T + 45,
      retryAfter: 45,
    });
  });
});

describe('§8 step 2: pool exhausted', () => {
  it('unknown resets → says so, no resets_at, no Retry-After', () => {
    expect(failure([limited('a')], { settings: CW }).error).toEqual({
      status: 429,
      code: 'usage_limit_reached',
      type: 'usage_limit_reached',
      message: 'Every account has reached its usage limit; when it resets is not known yet.',
    });
  });
  // Issue 8: the message and Retry-After say when the limit resets, never a capped hint that contradicts it.
  it('the message and Retry-After agree with resets_at, however far', () => {
    const e = failure([limited('a', { S: [100, T + 5000] })], { settings: CW }).error;
    expect([e.message, e.retryAfter, e.resetsAt]).toEqual([
      exhausted(T + 5000, '1 h 23 min'),
      5000,
      T + 5000,
    ]);
  });
  it('per account, the latest reset among its exhausted windows; then the min over accounts', () => {
    const a = limited('a', { P: [100, T + 100], S: [100, T + 900] });
    const b = limited('b', { P: [100, T + 400], S: 10 });
    expect(failure([a, b], { settings: CW }).error).toMatchObject({ resetsAt: T + 400, retryAfter: 400 });
    expect(
      failure(
        [
          a,
          {
            ...b,
            usage: {
              codex: {
                ...b.usage.codex!,
                primary: { usedPercent: 100, windowMinutes: 300, resetAt: T + 200 },
              },
            },
          },
        ],
        { settings: CW },
      ).error,
    ).toMatchObject({
      resetsAt: T + 200,
      message: exhausted(T + 200, '3 min'),
    });
  });
  it('a blocked account below 100 % breaks the exhaustion (→ later steps)', () => {
    const e = failure([limited('a'), limited('b', { P: 50 })], { settings: CW }).error;
    expect(e.status).toBe(503);
  });
});

describe('§8 steps 3–5', () => {
  it('3: a quota_exceeded account with reset_at → 503 no_accounts with the earliest reset', () => {
    const q = acct('q', {
      status: 'quota_exceeded',
      resetAt: T + 3600,
      blockedAt: T - 600,
      P: 40,
      sampleAt: T - 700,
    });
    const e = failure([q, acct('c', { cooldownUntil: T + 10 })], { settings: CW }).error;
    expect(e).toEqual({
      status: 503,
      code: 'no_accounts',
      type: 'server_error',
      message: outOfQuota(T + 3600, '1 h'),
      retryAfter: 3600,
    });
    const soon = failure([{ ...q, resetAt: T + 42 }], { settings: CW }).error;
    expect([soon.message, soon.retryAfter]).toEqual([outOfQuota(T + 42, '42 s'), 42]);
  });
  it('4: a future cooldown → the same with the earliest cooldown end', () => {
    const e = failure([acct('a', { cooldownUntil: T + 25 }), acct('b', { cooldownUntil: T + 12.2 })], {
      settings: CW,
    }).error;
    expect(e).toEqual({
      status: 503,
      code: 'no_accounts',
      type: 'server_error',
      message: coolingDown('13 s'),
      retryAfter: 13,
    });
  });
  it('5: otherwise', () => {
    // Two accounts in backoff would be rescued (§1.6), and so would a lone one; one beside an account already tried
    // is not.
    const e = failure([acct('a', { errorCount: 5, lastErrorAt: T - 1 }), acct('z')], {
      settings: CW,
      request: { excludedIds: ['z'] },
    }).error;
    expect(e).toEqual({
      status: 503,
      code: 'no_accounts',
      type: 'server_error',
      message: 'No available accounts: all upstream accounts are temporarily unavailable',
    });
  });
});

describe('§8 envelope and headers', () => {
  it('OpenAI envelope with resets_at when known, Retry-After header', () => {
    const e = failure([limited('a', { P: [100, T + 60] })], { settings: CW }).error;
    expect(errorEnvelope(e)).toEqual({
      error: {
        message: exhausted(T + 60, '1 min'),
        type: 'usage_limit_reached',
        code: 'usage_limit_reached',
        resets_at: T + 60,
      },
    });
    expect(errorHeaders(e)).toEqual({ 'retry-after': '60' });
    const plain = failure([], { settings: CW }).error;
    expect(errorEnvelope(plain).error).not.toHaveProperty('resets_at');
    expect(errorHeaders(plain)).toEqual({});
  });
});

describe('§2 step 2 model filter', () => {
  it('keeps accounts whose plan is in available_in_plans (aliases normalised)', () => {
    const r = pick([acct('plus', { P: 50 }), acct('edu', { plan: 'education' })], {
      settings: cfg('fill_first', false),
      request: { modelPlans: ['edu'] },
    });
    expect(r.accountId).toBe('edu');
    expect(r.reason.skipped).toEqual([{ id: 'plus', reason: { kind: 'model' } }]);
  });
  it('none left → no_plan_support_for_model', () => {
    expect(
      failure([acct('plus')], { settings: CW, request: { model: 'gpt-x', modelPlans: ['pro'] } }).error,
    ).toEqual({
      status: 503,
      code: 'no_plan_support_for_model',
      type: 'server_error',
      message: "No accounts with a plan supporting model 'gpt-x'",
    });
  });
});

describe('§3.8 single_account', () => {
  const single = (pinnedAccountId: string | null) =>
    cfg('single_account', true, { pinnedAccountId, stickySessions: true });
  it('no pin → single_account_not_configured', () => {
    expect(failure([acct('a')], { settings: single(null) }).error).toEqual({
      status: 503,
      code: 'single_account_not_configured',
      type: 'server_error',
      message: 'Single account routing is enabled but no account is selected',
    });
  });
  it('pin deleted → single_account_not_configured', () => {
    expect(failure([acct('a')], { settings: single('gone') }).error.code).toBe(
      'single_account_not_configured',
    );
  });
  it.each([
    ['paused', { status: 'paused' }, []],
    ['already tried', {}, ['pin']],
  ] as const)('pin %s → single_account_unavailable', (_n, extra, excludedIds) => {
    expect(
      failure([acct('pin', extra), acct('other')], {
        settings: single('pin'),
        request: { excludedIds: [...excludedIds] },
      }).error,
    ).toEqual({
      status: 503,
      code: 'single_account_unavailable',
      type: 'server_error',
      message: 'Selected single account is unavailable',
    });
  });
  it('pin blocked → the normal §8 error for it, never another account', () => {
    const e = failure([acct('pin', { cooldownUntil: T + 7 }), acct('other')], {
      settings: single('pin'),
    }).error;
    expect([e.code, e.message, e.retryAfter]).toEqual(['no_accounts', coolingDown('7 s'), 7]);
    const rl = failure([limited('pin', { P: [100, T + 90] }), acct('other')], {
      settings: single('pin'),
    }).error;
    expect([rl.status, rl.code, rl.resetsAt]).toEqual([429, 'usage_limit_reached', T + 90]);
  });
  it('local 100 % usage does not block it; tiers, policies, prefer_earlier_reset and affinity are ignored', () => {
    const r = pick(
      [
        acct('pin', { P: 100, S: 100, routingPolicy: 'preserve' }),
        acct('other', { routingPolicy: 'burn_first' }),
      ],
      {
        settings: single('pin'),
        request: { sticky: { mappedAccountId: 'other' } },
      },
    );
    expect([r.accountId, r.reason.via, r.mapping.action, r.failover.allowed]).toEqual([
      'pin',
      'single_account',
      'none',
      false,
    ]);
  });
});

describe('wording of resets', () => {
  it('names the weekday of a reset more than 20 h away', () => {
    expect(formatClock(T + 3600, T)).toMatch(/^\d\d:\d\d$/);
    expect(formatClock(T + 3 * 86400, T)).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d\d:\d\d$/);
  });
});
