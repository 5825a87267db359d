/** §6.2 keep-or-rebind rules 1–8 and §6.3 hard continuity. */
import { describe, expect, it } from 'vitest';
import { SPARK, T, acct, cfg, failure, mulberry32, pick } from './fixtures';

const STICKY = cfg('capacity_weighted', false, { stickySessions: true });
const toM = { sticky: { mappedAccountId: 'M' } };
const other = acct('B', { P: 10 });

describe('§6.2 keep or rebind', () => {
  it.each([
    ['paused', acct('M', { status: 'paused' }), []],
    ['reauth_required', acct('M', { status: 'reauth_required' }), []],
    ['deactivated', acct('M', { status: 'deactivated' }), []],
    ['already tried in this request', acct('M'), ['M']],
  ] as const)('rule 1: M %s → fresh selection, key maps to the new account', (_n, m, excludedIds) => {
    const r = pick([m, other], {
      settings: STICKY,
      request: { ...toM, excludedIds: [...excludedIds] },
      random: mulberry32(1),
    });
    expect([r.accountId, r.mapping.action, r.reason.stickyRule]).toEqual(['B', 'set', 1]);
  });
  it('rule 1: M deleted', () => {
    const r = pick([other], { settings: STICKY, request: toM, random: mulberry32(1) });
    expect([r.accountId, r.mapping.action, r.reason.stickyRule]).toEqual(['B', 'set', 1]);
  });
  it('rule 1: M filtered by model or by the gate', () => {
    const byModel = pick([acct('M', { plan: 'plus' }), acct('B', { plan: 'pro' })], {
      settings: STICKY,
      request: { ...toM, modelPlans: ['pro'] },
      random: mulberry32(1),
    });
    expect([byModel.accountId, byModel.mapping.action]).toEqual(['B', 'set']);
    const byGate = pick([acct('M', { plan: 'pro' }), acct('B', { plan: 'plus' })], {
      settings: STICKY,
      request: { ...toM, model: SPARK },
      random: mulberry32(1),
    });
    expect([byGate.accountId, byGate.mapping.action, byGate.reason.stickyRule]).toEqual(['B', 'set', 1]);
  });
  it('rule 2 does not apply to drain strategies or a rate-limited M', () => {
    const r = pick([acct('M', { P: 97, plan: 'free' }), other], {
      settings: cfg('sequential_drain', false, { stickySessions: true }),
      request: toM,
    });
    expect([r.accountId, r.mapping.action, r.reason.stickyRule]).toEqual(['M', 'keep', 5]);
  });
  it('rule 3 boundary: reset at T+599 is not long → rule 7 (keep the mapping)', () => {
    const m = acct('M', {
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: T + 599,
      blockedAt: T - 5,
    });
    const r = pick([m, other], { settings: STICKY, request: toM, random: mulberry32(1) });
    expect([r.accountId, r.mapping.action, r.reason.stickyRule]).toEqual(['B', 'keep', 7]);
    const long = pick([{ ...m, resetAt: T + 600 }, other], {
      settings: STICKY,
      request: toM,
      random: mulberry32(1),
    });
    expect([long.mapping.action, long.reason.stickyRule]).toEqual(['set', 3]);
  });
  it('rule 4: a burn_first M is never moved by budget pressure or a long rate limit', () => {
    const burnOver = acct('M', { routingPolicy: 'burn_first', P: 97 });
    expect(pick([burnOver, other], { settings: STICKY, request: toM }).accountId).toBe('M');
    const burnLimited = acct('M', {
      routingPolicy: 'burn_first',
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: T + 900,
      blockedAt: T - 5,
    });
    const r = pick([burnLimited, other], { settings: STICKY, request: toM, random: mulberry32(1) });
    expect([r.accountId, r.mapping.action, r.reason.stickyRule]).toEqual(['B', 'keep', 7]);
  });
  it('rule 4: M moves only if no burn_first candidate exists or one is selectable', () => {
    const m = acct('M', { P: 97 });
    const burnCooling = acct('burn', { routingPolicy: 'burn_first', cooldownUntil: T + 30 });
    const kept = pick([m, other, burnCooling], { settings: STICKY, request: toM });
    expect([kept.accountId, kept.mapping.action]).toEqual(['M', 'keep']);
    const burnReady = acct('burn', { routingPolicy: 'burn_first' });
    const moved = pick([m, other, burnReady], { settings: STICKY, request: toM });
    expect([moved.accountId, moved.mapping.action]).toEqual(['burn', 'set']);
  });
  it('rule 5: a draining M is still selectable', () => {
    const r = pick([acct('M', { P: 90 }), other], { settings: STICKY, request: toM });
    expect([r.accountId, r.reason.tier, r.reason.sticky]).toEqual(['M', 'draining', 'hit']);
  });
  it('rule 6: rate limit ending within 10 s → use M anyway (but never through a cooldown)', () => {
    // The sample predates the block, so usage recovery does not kick in.
    const m = acct('M', {
      status: 'rate_limited',
      rateLimitKind: 'throttle',
      resetAt: T + 10,
      blockedAt: T - 20,
      cooldownUntil: T - 1,
      sampleAt: T - 30,
    });
    const r = pick([m, other], { settings: STICKY, request: toM });
    expect([r.accountId, r.mapping.action, r.reason.sticky, r.reason.stickyRule]).toEqual([
      'M',
      'keep',
      'near_reset',
      6,
    ]);
    const eleven = pick([{ ...m, resetAt: T + 11 }, other], {
      settings: STICKY,
      request: toM,
      random: mulberry32(1),
    });
    expect([eleven.accountId, eleven.reason.stickyRule]).toEqual(['B', 7]);
    const cooling = pick([{ ...m, cooldownUntil: T + 5 }, other], {
      settings: STICKY,
      request: toM,
      random: mulberry32(1),
    });
    expect(cooling.accountId).toBe('B');
  });
  it.each([
    ['cooldown', { cooldownUntil: T + 20 }],
    ['backoff', { errorCount: 3, lastErrorAt: T - 1 }],
    ['quota', { status: 'quota_exceeded', resetAt: T + 3600, blockedAt: T - 600, sampleAt: T - 700 }],
  ] as const)('rule 7: M temporarily unselectable (%s) → fresh selection, mapping kept', (_n, extra) => {
    const r = pick([acct('M', extra), other], { settings: STICKY, request: toM, random: mulberry32(1) });
    expect([r.accountId, r.mapping.action, r.reason.sticky, r.reason.stickyRule]).toEqual([
      'B',
      'keep',
      'fallback',
      7,
    ]);
  });
  it('rule 8: no mapping → fresh selection, then map', () => {
    const r = pick([acct('A'), other], {
      settings: STICKY,
      request: { sticky: { mappedAccountId: null } },
      random: mulberry32(1),
    });
    expect([r.mapping.action, r.reason.sticky, r.reason.stickyRule]).toEqual(['set', 'new', 8]);
  });
  it('affinity off or no key → mapping none, M ignored', () => {
    const off = pick([acct('M', { P: 40 }), acct('B', { P: 10 })], {
      settings: cfg('fill_first', false, { stickySessions: false }),
      request: { sticky: { mappedAccountId: 'B' } },
    });
    expect([off.accountId, off.mapping.action]).toEqual(['M', 'none']);
    const noKey = pick([acct('M')], { settings: STICKY, random: mulberry32(1) });
    expect(noKey.mapping.action).toBe('none');
  });
  it('fill_first is naturally sticky: mapped and fill choice agree', () => {
    const r = pick([acct('M', { P: 60 }), acct('B', { P: 10 })], {
      settings: cfg('fill_first', false, { stickySessions: true }),
      request: toM,
    });
    expect([r.accountId, r.mapping.action]).toEqual(['M', 'keep']);
  });
});

describe('§6.3 hard continuity', () => {
  const UW = cfg('usage_weighted', false, { stickySessions: true });
  it('owner selectable → owner, no strategy, no failover', () => {
    const r = pick([acct('owner', { P: 80, S: 80 }), acct('fresh')], {
      settings: UW,
      request: { previousResponse: { ownerId: 'owner' } },
    });
    expect([r.accountId, r.reason.via, r.failover.allowed, r.mapping.action]).toEqual([
      'owner',
      'continuity',
      false,
      'none',
    ]);
  });
  it.each([
    ['in cooldown', [acct('owner', { cooldownUntil: T + 5 }), acct('fresh')], 'owner'],
    ['paused', [acct('owner', { status: 'paused' }), acct('fresh')], 'owner'],
    ['deleted', [acct('fresh')], 'owner'],
    ['unknown, two candidates', [acct('a'), acct('b')], null],
    ['unknown, the only candidate is blocked', [acct('a', { cooldownUntil: T + 5 })], null],
  ] as const)('owner %s → 503 previous_response_owner_unavailable', (_n, accounts, ownerId) => {
    const f = failure(accounts, { settings: UW, request: { previousResponse: { ownerId } } });
    expect(f.error).toEqual({
      status: 503,
      code: 'previous_response_owner_unavailable',
      type: 'server_error',
      message: 'Previous response owner account is unavailable; retry later.',
    });
  });
  it('owner unknown → the only candidate', () => {
    const r = pick([acct('only'), acct('gone', { status: 'paused' })], {
      settings: UW,
      request: { previousResponse: { ownerId: null } },
    });
    expect(r.accountId).toBe('only');
  });
});
