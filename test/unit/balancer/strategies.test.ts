/** §3 strategies with their exact keys, §3 plan table, §4.1 prefer_earlier_reset, §4.2 policies, §4.3 budget wrapper. */
import { describe, expect, it } from 'vitest';
import {
  normalizePlan,
  normalizeStrategy,
  planCapacity,
  remainingCredits,
} from '../../../main/core/balancer';
import { T, acct, cfg, mulberry32, noRandom, pick, sha256, shares } from './fixtures';

const D = 86_400;

describe('§3 plan capacity and aliases', () => {
  it.each([
    ['free', 0, 1134, 1134],
    ['plus', 225, 7560, null],
    ['team', 225, 7560, null],
    ['business', 225, 7560, null],
    ['edu', 225, 7560, null],
    ['prolite', 1125, 37800, null],
    ['pro', 1500, 50400, null],
    ['enterprise', 1500, 50400, null],
  ])('%s: 5 h %i, weekly %i, monthly %s', (plan, short, weekly, monthly) => {
    expect(planCapacity(plan)).toEqual({ short, weekly, monthly });
  });
  it.each([
    ['education', 'edu'],
    ['k12', 'edu'],
    ['guest', 'free'],
    ['go', 'free'],
    ['free_workspace', 'free'],
    ['quorum', 'free'],
    ['unknown', 'free'],
    ['PRO', 'pro'],
    ['something-new', 'free'],
  ])('%s → %s', (raw, canonical) => {
    expect(normalizePlan(raw)).toBe(canonical);
  });
  it('RC = cap × (1 − min(S, 100)/100); cap ≤ 0 → 0', () => {
    expect(remainingCredits(50400, 10)).toBeCloseTo(45360);
    expect(remainingCredits(7560, 120)).toBe(0);
    expect(remainingCredits(0, 10)).toBe(0);
  });
  it('unknown strategy names fall back to capacity_weighted', () => {
    expect(normalizeStrategy('fastest')).toBe('capacity_weighted');
    expect(normalizeStrategy('fill_first')).toBe('fill_first');
  });
});

describe('§3.1 capacity_weighted', () => {
  it('prefer_earlier_reset narrows the draw to the earliest bucket', () => {
    const accounts = [acct('soon', { S: [80, T + 3600] }), acct('late', { plan: 'pro', S: [0, T + 5 * D] })];
    const s = shares(accounts, { settings: cfg('capacity_weighted', true), random: mulberry32(11) }, 200);
    expect(s).toEqual({ soon: 1 });
  });
  it('monthly accounts use the monthly capacity; free weekly equals monthly', () => {
    const s = shares(
      [acct('free', { plan: 'free', S: 0 }), acct('plus', { S: 0 })],
      { settings: cfg('capacity_weighted', false), random: mulberry32(5) },
      2000,
    );
    expect(s.free!).toBeCloseTo(1134 / (1134 + 7560), 1);
  });
});

describe('§3.3 usage_weighted', () => {
  const UW = cfg('usage_weighted', false);
  it('min by (S, P, last_selected_at, id)', () => {
    expect(pick([acct('a', { S: 20, P: 1 }), acct('b', { S: 10, P: 50 })], { settings: UW }).accountId).toBe(
      'b',
    );
    expect(pick([acct('a', { S: 10, P: 30 }), acct('b', { S: 10, P: 20 })], { settings: UW }).accountId).toBe(
      'b',
    );
    expect(
      pick([acct('a', { lastSelectedAt: T - 5 }), acct('b', { lastSelectedAt: T - 50 })], { settings: UW })
        .accountId,
    ).toBe('b');
    expect(pick([acct('b'), acct('a')], { settings: UW }).accountId).toBe('a');
  });
  it('effective values: 2.5 points per request in flight', () => {
    expect(pick([acct('a', { S: 10, inFlight: 2 }), acct('b', { S: 14 })], { settings: UW }).accountId).toBe(
      'b',
    );
  });
});

describe('§3.4 round_robin', () => {
  it('min by (last_selected_at, id), usage and prefer_earlier_reset ignored', () => {
    const accounts = [
      acct('a', { S: [0, T + 3600], lastSelectedAt: T - 10 }),
      acct('b', { S: [80, T + 6 * D], P: 80, lastSelectedAt: T - 20 }),
    ];
    expect(pick(accounts, { settings: cfg('round_robin', true) }).accountId).toBe('b');
    expect(pick([acct('b'), acct('a')], { settings: cfg('round_robin', false) }).accountId).toBe('a');
  });
});

describe('§3.5 relative_availability', () => {
  const RA = cfg('relative_availability', true);
  // a: 6804 / 86400; b: 6804 / 172800 → weight 0.25; c: reset unknown → 604800 s → weight ≈ 0.02, dropped.
  const accounts = [acct('a', { S: [10, T + D] }), acct('b', { S: [10, T + 2 * D] }), acct('c', { S: 10 })];
  it('draws by (raw / best)² among the kept accounts; weights < 0.1 dropped', () => {
    const s = shares(accounts, { settings: RA, random: mulberry32(21) }, 2000);
    expect(s.c).toBeUndefined();
    expect(s.a!).toBeGreaterThan(0.8 - 0.05);
    expect(s.a!).toBeLessThan(0.8 + 0.05);
  });
  it('reset floor of 300 s', () => {
    const s = shares(
      [acct('a', { S: [10, T + 10] }), acct('b', { S: [10, T + 300] })],
      { settings: RA, random: mulberry32(3) },
      1000,
    );
    expect(s.a!).toBeGreaterThan(0.4);
    expect(s.a!).toBeLessThan(0.6);
  });
  it('keeps at most the top 5', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id, i) => acct(id, { S: [10 + i, T + D] }));
    const s = shares(many, { settings: RA, random: mulberry32(8) }, 1000);
    expect(Object.keys(s).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('all raw ≤ 0 → min by (S, P, last_selected_at, id), no draw', () => {
    const r = pick([acct('a', { S: 100, P: 50 }), acct('b', { S: 100, P: 40 })], {
      settings: RA,
      random: noRandom,
    });
    expect(r.accountId).toBe('b');
  });
});

describe('§3.6 sequential_drain', () => {
  it('min by (cap, sha256(id), id): the smallest plan first, usage ignored', () => {
    const SD = cfg('sequential_drain', true);
    expect(
      pick(
        [acct('pro', { plan: 'pro', S: 0 }), acct('free', { plan: 'free', S: 80 }), acct('plus', { S: 0 })],
        {
          settings: SD,
        },
      ).accountId,
    ).toBe('free');
    const ids = ['x1', 'x2', 'x3', 'x4'];
    const want = [...ids].sort((a, b) => (sha256(a) < sha256(b) ? -1 : 1))[0];
    expect(
      pick(
        ids.map((id) => acct(id)),
        { settings: SD },
      ).accountId,
    ).toBe(want);
  });
  it('skips both ladders: a draining account can still be first', () => {
    const r = pick([acct('free', { plan: 'free', S: 92 }), acct('plus')], {
      settings: cfg('sequential_drain', false),
    });
    expect(r.accountId).toBe('free');
    expect(r.reason.tier).toBe('draining');
  });
  it('pre-filter (§4.3 step 2): neither preserve nor over budget, else all', () => {
    const SD = cfg('sequential_drain', false);
    const accounts = [
      acct('free', { plan: 'free', routingPolicy: 'preserve' }),
      acct('over', { plan: 'free', P: 97 }),
      acct('plus'),
    ];
    const r = pick(accounts, { settings: SD });
    expect([r.accountId, r.reason.budgetStep]).toEqual(['plus', 'drain_within_budget']);
    const all = pick([acct('free', { plan: 'free', routingPolicy: 'preserve' }), acct('over', { P: 97 })], {
      settings: SD,
    });
    expect([all.accountId, all.reason.budgetStep]).toEqual(['free', 'drain_all']);
  });
});

describe('§3.7 reset_drain', () => {
  const RD = cfg('reset_drain', false);
  it('soonest-resetting day first, then the most short-window headroom', () => {
    const accounts = [
      acct('later', { P: 0, S: [10, T + 3 * D] }),
      acct('soon-busy', { P: 60, S: [10, T + 3600] }),
      acct('soon-idle', { P: 20, S: [10, T + 7200] }),
    ];
    expect(pick(accounts, { settings: RD }).accountId).toBe('soon-idle');
  });
  it('then long-window headroom, then weekly_ts', () => {
    expect(
      pick([acct('a', { P: 20, S: [50, T + 100] }), acct('b', { P: 20, S: [30, T + 200] })], { settings: RD })
        .accountId,
    ).toBe('b');
    expect(
      pick([acct('a', { P: 20, S: [30, T + 200] }), acct('b', { P: 20, S: [30, T + 100] })], { settings: RD })
        .accountId,
    ).toBe('b');
  });
  it('falls back to the status reset_at, else unknown (bucket 10000)', () => {
    // No usage sample at all, but a future status reset_at (bucket 0), against an account with no reset known.
    const statusReset = { ...acct('status-reset', { noUsage: true }), resetAt: T + 3600 };
    const unknown = acct('unknown', { P: 0, S: 10 });
    expect(pick([unknown, statusReset], { settings: RD }).accountId).toBe('status-reset');
  });
});

describe('§4.1 prefer_earlier_reset buckets', () => {
  it('long-window reset, else the short-window reset, else unknown', () => {
    const FF = cfg('fill_first', true);
    const shortOnly = acct('short-only', { P: [10, T + 3600], S: null });
    const unknown = acct('unknown', { P: 90 });
    expect(pick([shortOnly, unknown], { settings: FF }).accountId).toBe('short-only');
  });
});

describe('§4.2 routing policies', () => {
  const UW = cfg('usage_weighted', false);
  it('burn_first, then normal, then preserve, inside the chosen health pool', () => {
    expect(
      pick([acct('n', { P: 1 }), acct('p', { routingPolicy: 'preserve' })], { settings: UW }).accountId,
    ).toBe('n');
    expect(pick([acct('p', { routingPolicy: 'preserve' })], { settings: UW }).accountId).toBe('p');
  });
  it('the health ladder comes before the policy ladder (burn_first draining vs healthy normal within budget)', () => {
    const r = pick([acct('burn', { routingPolicy: 'burn_first', P: 90 }), acct('n', { P: 10 })], {
      settings: UW,
    });
    expect(r.accountId).toBe('n');
  });
});

describe('§4.3 budget-safe wrapper', () => {
  const CW = cfg('capacity_weighted', false);
  it('step 3: burn_first in the best tier wins even over budget', () => {
    const r = pick(
      [acct('burn', { routingPolicy: 'burn_first', P: 97, inFlight: 0, S: 10 }), acct('n', { P: 0 })],
      {
        settings: cfg('usage_weighted', false),
      },
    );
    // P 97 drains burn; the best tier is then n's healthy tier, so n wins; with both draining, burn wins.
    expect(r.accountId).toBe('n');
    const both = pick([acct('burn', { routingPolicy: 'burn_first', P: 97 }), acct('n', { P: 88 })], {
      settings: cfg('usage_weighted', false),
    });
    expect([both.accountId, both.reason.budgetStep]).toEqual(['burn', 'burn_first']);
  });
  it('consequence: a draining normal account under 95 % beats a healthy preserve account; past 95 % preserve takes over', () => {
    const p = acct('p', { routingPolicy: 'preserve' });
    const under = pick([acct('n', { P: 94 }), p], { settings: CW, random: mulberry32(1) });
    expect([under.accountId, under.reason.budgetStep, under.reason.tier]).toEqual([
      'n',
      'within_budget',
      'draining',
    ]);
    const over = pick([acct('n', { P: 96 }), p], { settings: CW, random: mulberry32(1) });
    expect([over.accountId, over.reason.budgetStep]).toEqual(['p', 'fallback_all']);
  });
  it('over budget is strict: P 95 is within budget', () => {
    const r = pick([acct('n', { P: 95 }), acct('p', { routingPolicy: 'preserve' })], {
      settings: CW,
      random: mulberry32(1),
    });
    expect(r.accountId).toBe('n');
  });
  it('in-flight requests push effective P over budget', () => {
    const r = pick([acct('n', { P: 91, inFlight: 2 }), acct('p', { routingPolicy: 'preserve' })], {
      settings: CW,
      random: mulberry32(1),
    });
    expect(r.accountId).toBe('p');
  });
  it('fallback for usage_weighted is primary-first: (P, S, …)', () => {
    const accounts = [acct('a', { P: 97, S: 10 }), acct('b', { P: 96, S: 50 })];
    expect(pick(accounts, { settings: cfg('usage_weighted', false) }).accountId).toBe('b');
  });
});
