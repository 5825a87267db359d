/** BALANCER.md §9, every worked example. T = 1 700 000 000; plan plus, active, policy normal, S = 10 unless stated. */
import { describe, expect, it } from 'vitest';
import { SEED_REGISTRY, applyOutcome, formatClock, upstreamReset } from '../../../main/core/balancer';
import type { AccountState } from '../../../main/core/balancer';
import { SPARK, T, acct, applyChanges, cfg, failure, mulberry32, noRandom, pick, shares } from './fixtures';

const FILL = cfg('fill_first', false);

describe('§9.1–9.5 fill_first', () => {
  it('1. highest short-window use wins; unknown P counts as 0', () => {
    const r = pick([acct('a', { P: 30 }), acct('b', { P: 5 }), acct('c', { P: 0 }), acct('d', { P: null })], {
      settings: FILL,
    });
    expect(r.accountId).toBe('a');
    expect(r.reason.strategy).toBe('fill_first');
    expect(r.reason.via).toBe('strategy');
  });

  it('2. tie on P: highest S wins; missing S is 0', () => {
    const accounts = [
      acct('alpha', { P: 60, S: 29 }),
      acct('bravo', { P: 60, S: 88 }),
      acct('charlie', { P: 60, S: 70 }),
      acct('delta', { P: 60, S: null }),
    ];
    expect(pick(accounts, { settings: FILL }).accountId).toBe('bravo');
    // delta's missing S is 0, not its P of 60: it loses even against a lone S 1 account.
    expect(
      pick([acct('delta', { P: 60, S: null }), acct('echo', { P: 60, S: 1 })], { settings: FILL }).accountId,
    ).toBe('echo');
  });

  it('3. over time: traffic stays on the fill account until it drains, and never returns to the fresh one', () => {
    let accounts: AccountState[] = [acct('A', { P: 0 }), acct('B', { P: 0 }), acct('C', { P: 0 })];
    const step = (now: number, usage: Record<string, number>): string => {
      accounts = accounts.map((a) =>
        usage[a.id] === undefined
          ? a
          : {
              ...a,
              usage: {
                codex: {
                  ...a.usage.codex!,
                  primary: { usedPercent: usage[a.id]!, windowMinutes: 300, resetAt: null },
                },
              },
            },
      );
      const r = pick(accounts, { settings: FILL, now });
      accounts = applyChanges(accounts, r).map((a) => ({ ...a, inFlight: 0 }));
      return r.accountId;
    };
    expect(step(T, {})).toBe('A'); // all P0 → lowest id
    expect(step(T + 1, { A: 50 })).toBe('A');
    expect(step(T + 2, { A: 86 })).toBe('B'); // A drains; B, C healthy at P0
    expect(accounts.find((a) => a.id === 'A')!.tiers.codex?.tier).toBe('draining');
    expect(step(T + 3, { B: 30 })).toBe('B');
    // A's window resets; after 60 s without a drain condition A probes, and a due probe goes first.
    const probe = pick(
      (accounts = accounts.map((a) =>
        a.id === 'A'
          ? {
              ...a,
              usage: {
                codex: { ...a.usage.codex!, primary: { usedPercent: 0, windowMinutes: 300, resetAt: null } },
              },
            }
          : a,
      )),
      { settings: FILL, now: T + 70 },
    );
    expect(probe.accountId).toBe('A');
    expect(probe.reason.via).toBe('probe');
    accounts = applyChanges(accounts, probe);
    // Three successes bring A back to healthy.
    for (let i = 0; i < 3; i++) {
      const a = accounts.find((x) => x.id === 'A')!;
      const next = applyOutcome(
        a,
        { kind: 'success' },
        { now: T + 71 + i, random: noRandom, registry: SEED_REGISTRY },
      ).next;
      accounts = accounts.map((x) => (x.id === 'A' ? next : x));
    }
    expect(accounts.find((a) => a.id === 'A')!.tiers.codex?.tier).toBe('healthy');
    accounts = accounts.map((a) => ({ ...a, inFlight: 0 }));
    expect(step(T + 80, { B: 40 })).toBe('B'); // B is now the most used
  });

  it('4. with prefer_earlier_reset on, the earliest reset day wins first', () => {
    const accounts = [
      acct('early-mid', { P: 40, S: [10, T + 2 * 3600] }),
      acct('early-low', { P: 10, S: [10, T + 3 * 3600] }),
      acct('late-high', { P: 80, S: [10, T + 5 * 86_400] }),
    ];
    expect(pick(accounts, { settings: cfg('fill_first', true) }).accountId).toBe('early-mid');
    expect(pick(accounts, { settings: cfg('fill_first', false) }).accountId).toBe('late-high');
  });

  it('5. blocked accounts are skipped, with the reason recorded', () => {
    const accounts = [
      acct('a', {
        status: 'quota_exceeded',
        P: 100,
        resetAt: T + 3600,
        blockedAt: T - 60,
        cooldownUntil: T + 60,
      }),
      acct('b', { P: 70, errorCount: 3, lastErrorAt: T - 10 }),
      acct('c', {
        status: 'rate_limited',
        rateLimitKind: 'usage_limit',
        P: 60,
        resetAt: T + 120,
        blockedAt: T - 5,
      }),
      acct('d', { P: 20 }),
    ];
    const r = pick(accounts, { settings: FILL });
    expect(r.accountId).toBe('d');
    expect(r.reason.skipped).toEqual([
      { id: 'a', reason: { kind: 'quota_exceeded', until: T + 3600 } },
      { id: 'b', reason: { kind: 'backoff', until: T + 20 } },
      { id: 'c', reason: { kind: 'rate_limited', until: T + 120, rateLimitKind: 'usage_limit' } },
    ]);
    expect(r.reason.summary).toContain('b backoff until 1700000020');
  });
});

describe('§9.6 capacity_weighted', () => {
  const CW = cfg('capacity_weighted', false);
  it('pro vs plus at S10: pro ≈ 87 % of draws (45360 vs 6804)', () => {
    const s = shares(
      [acct('pro', { plan: 'pro' }), acct('plus')],
      { settings: CW, random: mulberry32(6) },
      2000,
    );
    expect(s.pro).toBeGreaterThan(45360 / 52164 - 0.05);
    expect(s.pro).toBeLessThan(45360 / 52164 + 0.05);
  });
  it('plus S20 vs plus S80: 80 % / 20 %', () => {
    const s = shares(
      [acct('s20', { S: 20 }), acct('s80', { S: 80 })],
      { settings: CW, random: mulberry32(7) },
      2000,
    );
    expect(s.s20).toBeGreaterThan(0.75);
    expect(s.s20).toBeLessThan(0.85);
  });
  it('all RC 0 → deterministic min by (S, P, …): b (lower P)', () => {
    const r = pick([acct('a', { P: 60, S: 100 }), acct('b', { plan: 'pro', P: 40, S: 100 })], {
      settings: CW,
    });
    expect(r.accountId).toBe('b');
  });
});

describe('§9.7 usage_weighted + prefer_earlier_reset', () => {
  const accounts = [
    acct('a', { P: 10, S: [10, T + 3 * 86_400] }),
    acct('b', { P: 50, S: [50, T + 2 * 3600] }),
  ];
  it('on → b (bucket 0 beats 3)', () => {
    expect(pick(accounts, { settings: cfg('usage_weighted', true) }).accountId).toBe('b');
  });
  it('off → a (lower S)', () => {
    expect(pick(accounts, { settings: cfg('usage_weighted', false) }).accountId).toBe('a');
  });
});

describe('§9.8 policies and budget (usage_weighted)', () => {
  const UW = cfg('usage_weighted', false);
  const t = acct('t', { routingPolicy: 'burn_first', P: 70, S: 40 });
  const tLimited = {
    ...t,
    status: 'rate_limited' as const,
    rateLimitKind: 'usage_limit' as const,
    resetAt: T + 3600,
    blockedAt: T - 5,
  };
  const p = acct('p', { routingPolicy: 'preserve', P: 0 });
  it('burn_first wins at much higher use', () => {
    const r = pick([t, acct('n', { P: 1 }), p], { settings: UW });
    expect(r.accountId).toBe('t');
    expect(r.reason.budgetStep).toBe('burn_first');
  });
  it('t rate_limited → n', () => {
    expect(pick([tLimited, acct('n', { P: 1 }), p], { settings: UW }).accountId).toBe('n');
  });
  it('n at P88 (draining, under 95) → n, not the healthy preserve p', () => {
    const r = pick([tLimited, acct('n', { P: 88 }), p], { settings: UW });
    expect(r.accountId).toBe('n');
    expect(r.reason.tier).toBe('draining');
    expect(r.reason.budgetStep).toBe('within_budget');
  });
  it('n at P96 → p', () => {
    const r = pick([tLimited, acct('n', { P: 96 }), p], { settings: UW });
    expect(r.accountId).toBe('p');
    expect(r.reason.budgetStep).toBe('fallback_all');
  });
});

describe('§9.9 soft affinity (capacity_weighted, key K → A)', () => {
  const S = cfg('capacity_weighted', false, { stickySessions: true });
  const req = { sticky: { mappedAccountId: 'A' } };
  it('A P40, B P10 → A without a draw', () => {
    const r = pick([acct('A', { P: 40 }), acct('B', { P: 10 })], {
      settings: S,
      request: req,
      random: noRandom,
    });
    expect([r.accountId, r.mapping.action, r.reason.sticky]).toEqual(['A', 'keep', 'hit']);
  });
  it('A P96, B P10 → B, K rebinds', () => {
    const r = pick([acct('A', { P: 96 }), acct('B', { P: 10 })], {
      settings: S,
      request: req,
      random: noRandom,
    });
    expect([r.accountId, r.mapping.action, r.reason.sticky, r.reason.stickyRule]).toEqual([
      'B',
      'set',
      'rebind',
      2,
    ]);
  });
  it('A P96, B P97 → A (the alternative is over budget too)', () => {
    const r = pick([acct('A', { P: 96 }), acct('B', { P: 97 })], {
      settings: S,
      request: req,
      random: noRandom,
    });
    expect([r.accountId, r.mapping.action]).toEqual(['A', 'keep']);
  });
  it('A in cooldown to T+20 → B serves, K stays on A', () => {
    const r = pick([acct('A', { P: 40, cooldownUntil: T + 20 }), acct('B', { P: 10 })], {
      settings: S,
      request: req,
      random: mulberry32(1),
    });
    expect([r.accountId, r.mapping.action, r.reason.sticky, r.reason.stickyRule]).toEqual([
      'B',
      'keep',
      'fallback',
      7,
    ]);
  });
  it('A rate_limited with reset T+900 → B, K rebinds', () => {
    const a = acct('A', {
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: T + 900,
      blockedAt: T - 10,
    });
    const r = pick([a, acct('B', { P: 10 })], { settings: S, request: req, random: mulberry32(1) });
    expect([r.accountId, r.mapping.action, r.reason.stickyRule]).toEqual(['B', 'set', 3]);
  });
});

describe('§9.10 pool exhausted', () => {
  it('429 usage_limit_reached with the earliest exhausted-window reset', () => {
    const accounts = [
      acct('a', {
        status: 'rate_limited',
        rateLimitKind: 'usage_limit',
        resetAt: T + 600,
        blockedAt: T - 10,
        P: [100, T + 60],
      }),
      acct('b', { status: 'quota_exceeded', resetAt: T + 7200, blockedAt: T - 600, P: [100, T + 3600] }),
      acct('c', { status: 'paused' }),
    ];
    const { error } = failure(accounts, { settings: cfg('capacity_weighted', false) });
    expect(error).toEqual({
      status: 429,
      code: 'usage_limit_reached',
      type: 'usage_limit_reached',
      message: `Every account has reached its usage limit. Try again at ${formatClock(T + 60, T)} (in 1 min).`,
      resetsAt: T + 60,
      retryAfter: 60,
    });
  });
});

describe('§9.11 gated bypass', () => {
  const CW = cfg('capacity_weighted', false);
  const x = (blockedAt: number, cooldownUntil: number | null) =>
    acct('X', {
      plan: 'pro',
      status: 'quota_exceeded',
      P: 100,
      S: 100,
      resetAt: T + 3600,
      blockedAt,
      cooldownUntil,
      families: { codex_spark: { P: 20, S: 20, at: T - 30 } },
    });
  const y = acct('Y', {
    plan: 'pro',
    P: 20,
    S: 30,
    families: { codex_spark: { P: [100, T + 300], S: 10, at: T - 10 } },
  });

  it('Spark request: Y fails the gate, X is bypassed and serves; X stays quota_exceeded in the store', () => {
    const r = pick([x(T - 600, null), y], { settings: CW, request: { model: SPARK }, random: mulberry32(3) });
    expect(r.accountId).toBe('X');
    expect(r.reason.bypassed).toBe(true);
    expect(r.reason.view).toBe('codex_spark');
    expect(r.reason.skipped).toEqual([{ id: 'Y', reason: { kind: 'gate', gate: 'quota_exhausted' } }]);
    const change = r.changes.find((c) => c.id === 'X')!;
    expect(change.next.status).toBe('quota_exceeded');
    expect(change.next.resetAt).toBe(T + 3600);
    expect(change.persist).toBe(false);
  });
  it('standard request: X skipped → Y', () => {
    expect(pick([x(T - 600, null), y], { settings: CW, random: mulberry32(3) }).accountId).toBe('Y');
  });
  it('quota error at T−60 (cooldown to T+60): the Spark request gets 503 no_accounts, cooldowns are never bypassed', () => {
    const { error } = failure([x(T - 60, T + 60), y], { settings: CW, request: { model: SPARK } });
    expect(error).toEqual({
      status: 503,
      code: 'no_accounts',
      type: 'server_error',
      message: 'No account can take requests: they are cooling down after errors. Try again in 1 min.',
      retryAfter: 60,
    });
  });
});

describe('§9.12 family-attributed 429', () => {
  const FF = cfg('fill_first', false);
  const spark = { codex_spark: { P: 10, S: 10, at: T - 10 } };
  // X is the more used account, so fill_first picks it whenever it is allowed to.
  const X = acct('X', { plan: 'pro', P: 50, families: spark });
  const Y = acct('Y', { plan: 'pro', P: 20, families: spark });
  const ctx = { now: T, random: () => 0.5, registry: SEED_REGISTRY, model: SPARK };
  const resetAt = upstreamReset(undefined, 1800, T);

  it('x-codex-active-limit: codex_other → block (X, codex_spark) until T+1800, X stays active', () => {
    const out = applyOutcome(X, { kind: 'usage_limit', resetAt, limitName: 'codex_other' }, ctx);
    expect(out.effect).toBe('family_block');
    expect(out.next.status).toBe('active');
    expect(out.next.familyBlocks).toEqual({ codex_spark: { blockedAt: T, resetAt: T + 1800 } });
    expect(out.next.errorCount).toBe(0);
    expect(out.next.cooldownUntil).toBeNull();
    const accounts = [out.next, Y];
    expect(pick(accounts, { settings: FF, request: { model: SPARK, excludedIds: ['X'] } }).accountId).toBe(
      'Y',
    );
    expect(pick(accounts, { settings: FF }).accountId).toBe('X');
    const next = pick(accounts, { settings: FF, request: { model: SPARK } });
    expect(next.accountId).toBe('Y');
    expect(next.reason.skipped).toEqual([{ id: 'X', reason: { kind: 'gate', gate: 'quota_exhausted' } }]);
  });

  it('without the header the same 429 blocks X for both kinds until T+1800', () => {
    const out = applyOutcome(X, { kind: 'usage_limit', resetAt }, ctx);
    expect(out.effect).toBe('status_and_family_block');
    expect(out.next.status).toBe('rate_limited');
    expect(out.next.resetAt).toBe(T + 1800);
    expect(out.next.familyBlocks.codex_spark).toEqual({ blockedAt: T, resetAt: T + 1800 });
    const accounts = [out.next, Y];
    for (const now of [T + 10, T + 170]) {
      const r = pick(accounts, { settings: FF, now, request: { model: SPARK } });
      expect(r.accountId).toBe('Y');
      expect(r.reason.skipped).toEqual([{ id: 'X', reason: { kind: 'gate', gate: 'quota_exhausted' } }]);
    }
    for (const now of [T + 10, T + 1799]) expect(pick(accounts, { settings: FF, now }).accountId).toBe('Y');
    // A Spark sample taken after the block that shows room clears the block early (§1.5); so does T+1800.
    const fresh = (now: number) =>
      accounts.map((a) => ({
        ...a,
        usage: { ...a.usage, codex_spark: { ...a.usage.codex_spark!, recordedAt: now - 5 } },
      }));
    expect(
      pick(fresh(T + 1800), { settings: FF, now: T + 1800, request: { model: SPARK } }).reason.skipped,
    ).toEqual([]);
  });

  it('rate_limit_exceeded "try again in 20s" cools X down for 20 s for every request', () => {
    const out = applyOutcome(X, { kind: 'throttle', delayHintSeconds: 20 }, ctx);
    expect(out.next.cooldownUntil).toBe(T + 20);
    expect(out.next.familyBlocks).toEqual({});
    const accounts = [out.next, Y];
    expect(pick(accounts, { settings: FF, now: T + 19 }).accountId).toBe('Y');
    expect(pick(accounts, { settings: FF, now: T + 19, request: { model: SPARK } }).accountId).toBe('Y');
    // At T+20 the cooldown and the throttle's reset_at have passed: X recovers (time recovery sets its P to 0).
    const after = pick(accounts, { settings: FF, now: T + 20 });
    expect(after.reason.skipped).toEqual([]);
    expect(after.changes.find((c) => c.id === 'X')?.next.status).toBe('active');
  });
});
