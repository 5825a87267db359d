import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../shared/domain';
import type { RequestLogInput, SealedSecret, Store } from '../../../main/core/store';
import { tempStoreEnv } from './helpers';

let env: ReturnType<typeof tempStoreEnv>;
let store: Store;
beforeEach(() => {
  env = tempStoreEnv();
  store = env.open();
});
afterEach(() => env.cleanup());

const login = (over: Partial<Parameters<Store['accounts']['upsertFromLogin']>[0]> = {}) => ({
  chatgptAccountId: 'ws-team-1',
  userId: 'user-alice',
  email: 'Alice@Example.com',
  planType: 'team',
  sealedTokens: env.sealTokens(),
  accessExpiresAt: env.clock.t + 3600,
  lastRefreshAt: env.clock.t,
  ...over,
});

const sample = (over: Partial<UsageSample> = {}): UsageSample => ({
  family: 'codex',
  primary: { usedPercent: 12.5, windowMinutes: 300, resetAt: env.clock.t + 1000 },
  secondary: { usedPercent: 40, windowMinutes: 10080, resetAt: env.clock.t + 100000 },
  credits: { hasCredits: true, unlimited: false, balance: '9.99' },
  limitName: null,
  recordedAt: env.clock.t,
  ...over,
});

const logRow = (startedAt: number, accountId: string | null = null): RequestLogInput => ({
  startedAt,
  accountId,
  route: '/backend-api/codex/responses',
  model: 'gpt-5-codex',
  status: 200,
  latencyMs: 1200,
  ttfbMs: 300,
  inputTokens: 1000,
  outputTokens: 200,
  cachedTokens: 800,
  reasoningTokens: 50,
  errorCode: null,
  reason: 'capacity_weighted: most headroom',
  attempts: 1,
  stream: true,
});

describe('accounts', () => {
  it('inserts a login and updates the same identity on re-login, never duplicating', () => {
    const first = store.accounts.upsertFromLogin(login());
    expect(first.created).toBe(true);
    expect(first.account).toMatchObject({
      id: expect.stringMatching(/^acc_[a-z2-7]{12}$/),
      userKey: 'user-alice',
      status: 'active',
      routingPolicy: 'normal',
      createdAt: env.clock.t,
    });
    env.clock.t += 100;
    const again = store.accounts.upsertFromLogin(
      login({ planType: 'business', sealedTokens: env.sealTokens(2) }),
    );
    expect(again.created).toBe(false);
    expect(again.account.id).toBe(first.account.id);
    expect(again.account.planType).toBe('business');
    expect(env.box.open(again.account.sealedTokens)).toContain('rt2');
    expect(store.accounts.list()).toHaveLength(1);
  });

  it('keeps two members of one Team workspace apart', () => {
    store.accounts.upsertFromLogin(login());
    const bob = store.accounts.upsertFromLogin(login({ userId: 'user-bob', email: 'bob@example.com' }));
    expect(bob.created).toBe(true);
    expect(store.accounts.list().map((a) => a.userKey)).toEqual(['user-alice', 'user-bob']);
  });

  it('falls back to the lower-cased email as the member key', () => {
    const { account } = store.accounts.upsertFromLogin(login({ userId: null }));
    expect(account.userKey).toBe('alice@example.com');
    expect(
      store.accounts.findByIdentity({ chatgptAccountId: 'ws-team-1', email: 'ALICE@example.com' })?.id,
    ).toBe(account.id);
  });

  it('keeps no plaintext token in the database file', () => {
    const secret = 'rt_distinctive_refresh_token_value';
    store.accounts.upsertFromLogin(
      login({ sealedTokens: env.box.seal(JSON.stringify({ refreshToken: secret })) }),
    );
    store.close();
    const files = readdirSync(env.dir).filter((f) => f.startsWith('codex-pool.sqlite'));
    for (const file of files) expect(readFileSync(join(env.dir, file)).includes(secret)).toBe(false);
  });

  it('refuses tokens that are not sealed', () => {
    expect(() =>
      store.accounts.upsertFromLogin(login({ sealedTokens: '{"accessToken":"x"}' as SealedSecret })),
    ).toThrow(/not sealed/);
  });

  it('writes rotated tokens atomically and persists state changes', () => {
    const { account } = store.accounts.upsertFromLogin(login());
    expect(store.accounts.updateTokens(account.id, env.sealTokens(3), 5000, 4000)).toBe(true);
    expect(store.accounts.get(account.id)).toMatchObject({ accessExpiresAt: 5000, lastRefreshAt: 4000 });
    store.accounts.updateState(account.id, {
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: 9000,
      blockedAt: 8000,
    });
    store.accounts.updateState(account.id, { status: 'rate_limited', statusReason: 'limit reached' });
    expect(store.accounts.get(account.id)).toMatchObject({
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: 9000,
      blockedAt: 8000,
      statusReason: 'limit reached',
    });
    store.accounts.updateState(account.id, {
      status: 'active',
      rateLimitKind: null,
      resetAt: null,
      blockedAt: null,
    });
    expect(store.accounts.get(account.id)).toMatchObject({
      status: 'active',
      resetAt: null,
      rateLimitKind: null,
    });
    expect(store.accounts.updateTokens('acc_missing', env.sealTokens(), null, 1)).toBe(false);
  });

  it('drops sticky mappings on reauth_required, and a new login lifts reauth_required', () => {
    const { account } = store.accounts.upsertFromLogin(login());
    store.sticky.upsert('hash-1', account.id);
    store.accounts.updateState(account.id, {
      status: 'reauth_required',
      statusReason: 'refresh_token_reused',
    });
    expect(store.sticky.get('hash-1')).toBeNull();
    const again = store.accounts.upsertFromLogin(login());
    expect(again.account).toMatchObject({ status: 'active', statusReason: null });
  });

  it('sets policy and label, and rejects unknown policies at the database', () => {
    const { account } = store.accounts.upsertFromLogin(login());
    store.accounts.setRoutingPolicy(account.id, 'burn_first');
    store.accounts.setLabel(account.id, 'work');
    expect(store.accounts.get(account.id)).toMatchObject({ routingPolicy: 'burn_first', label: 'work' });
    expect(() => store.accounts.setRoutingPolicy(account.id, 'yolo' as never)).toThrow(/CHECK/);
  });

  it('cascades an account delete to its rows and keeps its request log anonymously', () => {
    const { account } = store.accounts.upsertFromLogin(login());
    store.quota.insert(account.id, sample());
    store.familyBlocks.upsert({ accountId: account.id, family: 'codex_spark', blockedAt: 1, resetAt: 2 });
    store.sticky.upsert('hash-1', account.id);
    store.responseOwners.record('resp_1', account.id);
    store.requests.insertMany([logRow(1, account.id)]);
    expect(store.accounts.delete(account.id)).toBe(true);
    expect(store.quota.latest()).toEqual([]);
    expect(store.quota.history(account.id, 'codex', 0)).toEqual([]);
    expect(store.familyBlocks.list()).toEqual([]);
    expect(store.sticky.get('hash-1')).toBeNull();
    expect(store.responseOwners.owner('resp_1')).toBeNull();
    expect(store.requests.find({}, 10)[0]?.accountId).toBeNull();
  });
});

describe('quota samples', () => {
  it('returns the newest sample per (account, family) and history for charts', () => {
    const a = store.accounts.upsertFromLogin(login()).account.id;
    const b = store.accounts.upsertFromLogin(login({ userId: 'user-bob' })).account.id;
    const t = env.clock.t;
    store.quota.insert(
      a,
      sample({ recordedAt: t - 60, primary: { usedPercent: 10, windowMinutes: 300, resetAt: null } }),
    );
    store.quota.insert(a, sample({ recordedAt: t }));
    // An older sample arriving late must not replace the newer one.
    store.quota.insert(
      a,
      sample({ recordedAt: t - 30, primary: { usedPercent: 99, windowMinutes: 300, resetAt: null } }),
    );
    store.quota.insert(
      a,
      sample({ family: 'codex_spark', limitName: 'GPT-5.3-Codex-Spark', secondary: null, credits: null }),
    );
    store.quota.insert(b, sample({ primary: null }));
    const latest = store.quota.latest();
    expect(latest.map((l) => [l.accountId, l.sample.family])).toEqual(
      [
        [a, 'codex'],
        [a, 'codex_spark'],
        [b, 'codex'],
      ].sort((x, y) => (x.join() < y.join() ? -1 : 1)),
    );
    expect(latest.find((l) => l.accountId === a && l.sample.family === 'codex')?.sample).toEqual(sample());
    expect(latest.find((l) => l.sample.family === 'codex_spark')?.sample).toMatchObject({
      secondary: null,
      credits: null,
      limitName: 'GPT-5.3-Codex-Spark',
    });
    expect(latest.find((l) => l.accountId === b)?.sample.primary).toBeNull();
    expect(store.quota.history(a, 'codex', t - 45).map((s) => s.recordedAt)).toEqual([t - 30, t]);
    expect(store.quota.prune(t - 10)).toBe(2);
    expect(store.quota.history(a, 'codex', 0)).toHaveLength(1);
    expect(store.quota.latest()).toHaveLength(3);
  });

  it('reads the newest rows of a range with a limit, and the sample a chart carries in from before it', () => {
    const a = store.accounts.upsertFromLogin(login()).account.id;
    const t = env.clock.t;
    for (const dt of [-300, -200, -100, 0]) store.quota.insert(a, sample({ recordedAt: t + dt }));
    expect(store.quota.chartHistory(a, 'codex', t - 250, 2).map((s) => s.recordedAt)).toEqual([t - 100, t]);
    const chart = store.quota.chartHistory(a, 'codex', t - 250, 10);
    expect(chart.map((s) => s.recordedAt)).toEqual([t - 200, t - 100, t]);
    // The windows as stored, nothing else.
    const { credits: _credits, limitName: _limitName, ...windows } = sample({ recordedAt: t });
    expect(chart[2]).toEqual(windows);
    expect(store.quota.latestBefore(a, 'codex', t - 200)?.recordedAt).toBe(t - 300);
    expect(store.quota.latestBefore(a, 'codex', t - 300)).toBeUndefined();
    expect(store.quota.latestBefore(a, 'codex_spark', t)).toBeUndefined();
  });
});

describe('request log', () => {
  it('inserts a batch, pages newest first, counts and prunes by age', () => {
    store.requests.insertMany(Array.from({ length: 50 }, (_, i) => logRow(1_000_000 + i * 1000)));
    const page = store.requests.find({}, 20);
    expect(page).toHaveLength(20);
    expect(page[0]).toMatchObject({ startedAt: 1_049_000, stream: true, attempts: 1, cachedTokens: 800 });
    const next = store.requests.find({}, 20, page.at(-1)?.id);
    expect(next[0]?.startedAt).toBe(1_029_000);
    expect(store.requests.countSince(1_040_000)).toBe(10);
    expect(store.requests.prune(1_010_000)).toBe(10);
    expect(store.requests.find({}, 100)).toHaveLength(40);
  });

  it('writes all or nothing', () => {
    const bad = { ...logRow(1), route: null } as unknown as RequestLogInput;
    expect(() => store.requests.insertMany([logRow(0), bad])).toThrow();
    expect(store.requests.find({}, 10)).toEqual([]);
  });
});

describe('settings, sticky, response owners', () => {
  it('stores JSON settings', () => {
    store.settings.set('routingStrategy', 'fill_first');
    store.settings.setMany({ stickySessions: true, pinnedAccountId: null, limits: { a: 1 } });
    store.settings.set('stickySessions', undefined);
    expect(store.settings.getAll()).toEqual({
      routingStrategy: 'fill_first',
      pinnedAccountId: null,
      limits: { a: 1 },
    });
  });

  it('maps and prunes sticky keys and response owners', () => {
    const a = store.accounts.upsertFromLogin(login()).account.id;
    const b = store.accounts.upsertFromLogin(login({ userId: 'user-bob' })).account.id;
    store.sticky.upsert('k1', a, 100);
    store.sticky.upsert('k1', b, 200);
    store.sticky.upsert('k2', a, 50);
    expect(store.sticky.get('k1')).toEqual({ keyHash: 'k1', accountId: b, updatedAt: 200 });
    expect(store.sticky.pruneExpired(100)).toBe(1);
    expect(store.sticky.deleteForAccount(b)).toBe(1);
    store.responseOwners.record('resp_old', a, 10);
    store.responseOwners.record('resp_new', b, 20);
    expect(store.responseOwners.owner('resp_new')).toBe(b);
    expect(store.responseOwners.prune(15)).toBe(1);
    expect(store.responseOwners.owner('resp_old')).toBeNull();
  });
});

describe('api keys, registry, family blocks', () => {
  it('keeps only key hashes and revokes', () => {
    const keyHash = createHash('sha256').update('cp-secret-key').digest('hex');
    const key = store.apiKeys.create({ name: 'laptop', prefix: 'cp-secr', keyHash });
    expect(store.apiKeys.findByHash(keyHash)).toEqual(key);
    expect(() => store.apiKeys.create({ name: 'oops', prefix: 'cp', keyHash: 'cp-secret-key' })).toThrow(
      /sha256/,
    );
    env.clock.t += 5;
    store.apiKeys.touch(key.id);
    store.apiKeys.revoke(key.id);
    expect(store.apiKeys.list()[0]).toMatchObject({ lastUsedAt: env.clock.t, revokedAt: env.clock.t });
  });

  it('is seeded with codex_spark and editable', () => {
    expect(store.registry.list()).toEqual([
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
    store.registry.upsert({ ...store.registry.list()[0]!, routingPolicy: 'inherit' });
    expect(store.registry.list()[0]?.routingPolicy).toBe('inherit');
    expect(store.registry.delete('codex_spark')).toBe(true);
    expect(store.registry.list()).toEqual([]);
  });

  it('sets and lifts family blocks', () => {
    const a = store.accounts.upsertFromLogin(login()).account.id;
    store.familyBlocks.upsert({ accountId: a, family: 'codex_spark', blockedAt: 10, resetAt: 100 });
    store.familyBlocks.upsert({ accountId: a, family: 'codex_spark', blockedAt: 20, resetAt: 200 });
    store.familyBlocks.upsert({ accountId: a, family: 'other', blockedAt: 20, resetAt: 50 });
    expect(store.familyBlocks.forAccount(a)).toHaveLength(2);
    expect(store.familyBlocks.deleteExpired(60)).toBe(1);
    expect(store.familyBlocks.list()).toEqual([
      { accountId: a, family: 'codex_spark', blockedAt: 20, resetAt: 200 },
    ]);
  });
});
