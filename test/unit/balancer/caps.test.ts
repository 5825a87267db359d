/**
 * Pool: the user's usage caps ("stop at X % of the 5 h / weekly window") and sequential priority (README "Routing").
 * Table tests over BALANCER.md §9's conventions: T fixed, plan plus, preferEarlierReset off unless stated.
 */
import { describe, expect, it } from 'vitest';
import { T, acct, cfg, failure, noRandom, pick } from './fixtures';

const H = 3600;
const usageWeighted = cfg('usage_weighted', false);

describe('usage caps', () => {
  it.each([
    // [case, cap, P, S, capped?]
    ['5 h below its cap', { short: 80, long: null }, 79, 10, false],
    ['5 h at its cap', { short: 80, long: null }, 80, 10, true],
    ['weekly past its cap', { short: null, long: 50 }, 10, 51, true],
    ['weekly below its cap', { short: null, long: 50 }, 10, 49, false],
    ['no cap at 80 %', { short: null, long: null }, 80, 80, false],
  ] as const)('%s → capped: %s', (_, usageCap, P, S, capped) => {
    // b is used up on the weekly window, so a wins unless its own cap stops it.
    const r = pick([acct('a', { P, S, usageCap }), acct('b', { P: 0, S: 100 })], { settings: usageWeighted });
    expect(r.accountId).toBe(capped ? 'b' : 'a');
  });

  it('names the cap, the window and when it lifts in the request log', () => {
    const r = pick(
      [acct('a', { P: [85, T + 2 * H], S: 20, usageCap: { short: 80, long: null } }), acct('b', { S: 40 })],
      { settings: usageWeighted },
    );
    expect(r.accountId).toBe('b');
    expect(r.reason.skipped).toEqual([
      { id: 'a', reason: { kind: 'cap', window: 'short', capPercent: 80, until: T + 2 * H } },
    ]);
    expect(r.reason.summary).toContain(`a usage cap 80 % of the 5 h window until ${T + 2 * H}`);
  });

  it('lifts when the capped window resets', () => {
    const a = acct('a', { P: [90, T + 60], S: 5, usageCap: { short: 80, long: null } });
    const b = acct('b', { S: 40 });
    expect(pick([a, b], { settings: usageWeighted }).accountId).toBe('b');
    expect(pick([a, b], { settings: usageWeighted, now: T + 60 }).accountId).toBe('a');
  });

  it('a missing window never trips its cap', () => {
    const a = acct('a', { P: null, S: null, usageCap: { short: 1, long: 1 } });
    expect(pick([a], { settings: usageWeighted }).accountId).toBe('a');
  });

  it('every account capped → 429 usage_limit_reached that says it is our cap, with the earliest lift', () => {
    const f = failure(
      [
        acct('a', { P: [85, T + 600], usageCap: { short: 80, long: null } }),
        acct('b', { S: [95, T + 7200], usageCap: { short: null, long: 90 } }),
      ],
      { settings: usageWeighted },
    );
    expect(f.error).toEqual({
      status: 429,
      code: 'usage_limit_reached',
      type: 'usage_limit_reached',
      message: expect.stringMatching(
        /^Every account has reached its usage cap\. Try again at \d\d:\d\d \(in [^)]+\)\.$/,
      ),
      resetsAt: T + 600,
      retryAfter: 600,
    });
  });

  it('capped plus upstream-exhausted → the ordinary pool-exhausted 429', () => {
    const f = failure(
      [
        acct('a', { P: [85, T + 60], usageCap: { short: 80, long: null } }),
        acct('b', {
          status: 'rate_limited',
          rateLimitKind: 'usage_limit',
          resetAt: T + 900,
          P: [100, T + 120],
        }),
      ],
      { settings: usageWeighted },
    );
    expect(f.error.status).toBe(429);
    expect(f.error.message).toMatch(
      /^Every account has reached its usage limit\. Try again at \d\d:\d\d \(in [^)]+\)\.$/,
    );
  });

  it('is not rescued by the backoff fallback, but counts as exhausted for it', () => {
    const backoff = { errorCount: 3, lastErrorAt: T - 10 };
    // Capped a in backoff, b in backoff: only b may be rescued.
    const r = pick(
      [
        acct('a', { P: 90, usageCap: { short: 80, long: null }, ...backoff }),
        acct('b', { ...backoff, lastErrorAt: T - 5 }),
        acct('c', { P: 90, usageCap: { short: 80, long: null } }),
      ],
      { settings: usageWeighted },
    );
    expect(r.accountId).toBe('b');
    expect(r.reason.via).toBe('backoff_fallback');
  });

  it('does not apply to scoped accounts of a gated request (they spend their family quota)', () => {
    const x = acct('x', {
      plan: 'pro',
      P: 90,
      usageCap: { short: 80, long: null },
      families: { codex_spark: { P: 10, S: 10, at: T - 10 } },
    });
    expect(pick([x], { settings: usageWeighted, request: { model: 'gpt-5.3-codex-spark' } }).accountId).toBe(
      'x',
    );
    expect(failure([x], { settings: usageWeighted }).error.code).toBe('usage_limit_reached');
  });

  it('single_account: a capped pin is not used', () => {
    const f = failure([acct('a', { P: 90, usageCap: { short: 80, long: null } })], {
      settings: cfg('single_account', false, { pinnedAccountId: 'a' }),
    });
    expect(f.error.code).toBe('usage_limit_reached');
  });

  it('a conversation mapped to a capped account rebinds (rule 3), unless M is burn_first (rule 4)', () => {
    const sticky = cfg('usage_weighted', false, { stickySessions: true });
    const a = acct('a', { P: 90, usageCap: { short: 80, long: null } });
    const r = pick([a, acct('b')], { settings: sticky, request: { sticky: { mappedAccountId: 'a' } } });
    expect([r.accountId, r.reason.sticky, r.reason.stickyRule, r.mapping.action]).toEqual([
      'b',
      'rebind',
      3,
      'set',
    ]);
    const burn = acct('a', { P: 90, usageCap: { short: 80, long: null }, routingPolicy: 'burn_first' });
    const kept = pick([burn, acct('b')], { settings: sticky, request: { sticky: { mappedAccountId: 'a' } } });
    expect([kept.accountId, kept.reason.stickyRule, kept.mapping.action]).toEqual(['b', 7, 'keep']);
  });

  it('describes a weekly cap without a known reset', () => {
    const r = pick([acct('a', { S: 95, usageCap: { short: null, long: 90 } }), acct('b')], {
      settings: usageWeighted,
    });
    expect(r.reason.summary).toMatch(/a usage cap 90 % of the weekly window(;|$)/);
  });
});

describe('sequential_drain priority', () => {
  const seq = cfg('sequential_drain', false);

  it('numbered accounts first, in order; unnumbered after, in the built-in order', () => {
    const accounts = [
      acct('free-one', { plan: 'free' }),
      acct('pro-two', { plan: 'pro', priority: 2 }),
      acct('plus-one', { priority: 1 }),
    ];
    expect(pick(accounts, { settings: seq, random: noRandom }).accountId).toBe('plus-one');
    const rest = accounts.filter((a) => a.id !== 'plus-one');
    expect(pick(rest, { settings: seq }).accountId).toBe('pro-two');
    expect(pick([accounts[0]!], { settings: seq }).accountId).toBe('free-one');
  });

  it('without priorities the order is codex-lb: the smallest plan first', () => {
    expect(pick([acct('p', { plan: 'pro' }), acct('f', { plan: 'free' })], { settings: seq }).accountId).toBe(
      'f',
    );
  });

  it('with caps: use 1 until its cap, then 2', () => {
    const one = (P: number) => acct('one', { priority: 1, P, usageCap: { short: 70, long: null } });
    const two = acct('two', { priority: 2 });
    expect(pick([two, one(69)], { settings: seq }).accountId).toBe('one');
    expect(pick([two, one(70)], { settings: seq }).accountId).toBe('two');
  });

  it('other strategies ignore the priority', () => {
    const r = pick([acct('a', { priority: 1, S: 50 }), acct('b', { S: 10 })], { settings: usageWeighted });
    expect(r.accountId).toBe('b');
  });
});
