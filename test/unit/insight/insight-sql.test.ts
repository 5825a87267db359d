import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogInput, Store } from '../../../main/core/store';
import { InsightService } from '../../../main/core/insight/insight-service';
import { tempStoreEnv } from '../store/helpers';

let env: ReturnType<typeof tempStoreEnv>;
let store: Store;
let a: string;
let b: string;
let insight: InsightService;

/** 2026-01-01T00:00:00Z, epoch seconds. */
const T0 = 1_767_225_600;
const H = 3600;

beforeEach(() => {
  env = tempStoreEnv();
  env.clock.t = T0 + 5 * H; // "now" is 05:00 on day one
  store = env.open();
  const account = (userId: string) =>
    store.accounts.upsertFromLogin({
      chatgptAccountId: 'ws-1',
      userId,
      email: `${userId}@example.com`,
      planType: 'plus',
      sealedTokens: env.sealTokens(),
      accessExpiresAt: null,
      lastRefreshAt: null,
    }).account.id;
  a = account('alice');
  b = account('bob');
  insight = new InsightService({ repo: store.insight, now: () => env.clock.t, flush: () => {} });
});
afterEach(() => env.cleanup());

type Row = Partial<RequestLogInput> & { at: number };
const log = (...rows: Row[]) =>
  store.requests.insertMany(
    rows.map(({ at, ...r }) => ({
      startedAt: at * 1000,
      accountId: a,
      route: '/backend-api/codex/responses',
      model: 'gpt-5',
      status: 200,
      latencyMs: 1000,
      ttfbMs: 100,
      inputTokens: 1000,
      outputTokens: 100,
      cachedTokens: 0,
      reasoningTokens: 0,
      errorCode: null,
      reason: null,
      attempts: 1,
      stream: true,
      ...r,
    })),
  );

describe('usage aggregates', () => {
  it('sums tokens, requests and errors per hour and per account against a hand-computed table', async () => {
    log(
      { at: T0 + 10, inputTokens: 1000, cachedTokens: 600, outputTokens: 50, reasoningTokens: 20 },
      { at: T0 + 20, accountId: b, inputTokens: 500, cachedTokens: 0, outputTokens: 10 },
      {
        at: T0 + H + 5,
        status: 429,
        errorCode: 'usage_limit_reached',
        inputTokens: null,
        outputTokens: null,
      },
      { at: T0 + H + 6, inputTokens: 2000, cachedTokens: 1900, outputTokens: 300, reasoningTokens: 100 },
      // A client that hung up is a request, not an error.
      {
        at: T0 + H + 7,
        status: null,
        errorCode: 'client_disconnected',
        inputTokens: null,
        outputTokens: null,
      },
      // Outside 24 h: not counted.
      { at: T0 - 2 * 24 * H, inputTokens: 99_999 },
    );
    const u = await insight.usage({ range: '24h', groupBy: 'account', utcOffsetHours: 0 });
    expect(u.bucket).toBe('hour');
    expect(u.totals).toEqual({
      requests: 5,
      errors: 1,
      input: 3500,
      cached: 2500,
      output: 360,
      reasoning: 120,
    });
    const byKey = Object.fromEntries(u.series.map((s) => [s.key, s.points]));
    expect(byKey[a]).toEqual([
      { t: T0, requests: 1, errors: 0, input: 1000, cached: 600, output: 50, reasoning: 20 },
      { t: T0 + H, requests: 3, errors: 1, input: 2000, cached: 1900, output: 300, reasoning: 100 },
    ]);
    expect(byKey[b]).toEqual([
      { t: T0, requests: 1, errors: 0, input: 500, cached: 0, output: 10, reasoning: 0 },
    ]);
    expect(u.byAccount.map((r) => [r.accountId, r.requests, r.input])).toEqual([
      [a, 4, 3000],
      [b, 1, 500],
    ]);
    expect(u.byModel).toEqual([
      { model: 'gpt-5', requests: 5, errors: 1, input: 3500, cached: 2500, output: 360, reasoning: 120 },
    ]);
  });

  it('groups days at the viewer’s local midnight', async () => {
    // 23:30 UTC on Dec 31 is 01:30 on Jan 1 at UTC+2.
    log({ at: T0 - H / 2, inputTokens: 10 }, { at: T0 + H, inputTokens: 20 });
    const utc = await insight.usage({ range: '7d', groupBy: 'total', utcOffsetHours: 0 });
    expect(utc.series[0]!.points.map((p) => [p.t, p.input])).toEqual([
      [T0 - 24 * H, 10],
      [T0, 20],
    ]);
    const plus2 = await insight.usage({ range: '7d', groupBy: 'total', utcOffsetHours: 2 });
    expect(plus2.series[0]!.points.map((p) => [p.t, p.input])).toEqual([[T0 - 2 * H, 30]]);
  });

  it('reads time-to-first-token percentiles from the histogram within 5 %', async () => {
    const ttfbs = Array.from({ length: 100 }, (_, i) => (i + 1) * 10); // 10 … 1000 ms
    log(...ttfbs.map((ttfbMs, i) => ({ at: T0 + i, ttfbMs })));
    const { ttfbMs } = await insight.usage({ range: '24h', groupBy: 'total', utcOffsetHours: 0 });
    expect(ttfbMs.samples).toBe(100);
    expect(Math.abs(ttfbMs.p50! - 500) / 500).toBeLessThan(0.05);
    expect(Math.abs(ttfbMs.p95! - 950) / 950).toBeLessThan(0.05);
  });

  it('forgets the summaries of pruned history', async () => {
    log({ at: T0 - 40 * 24 * H, conversation: 'aaaaaaaaaaaaaaaa' }, { at: T0 + 1 });
    store.requests.prune((T0 - 30 * 24 * H) * 1000);
    const u = await insight.usage({ range: '30d', groupBy: 'total', utcOffsetHours: 0 });
    expect(u.totals.requests).toBe(1);
    expect(insight.conversation('aaaaaaaaaaaaaaaa')).toBeNull();
  });
});

describe('conversations and hops', () => {
  const conv = '0123456789abcdef';

  it('records each hop with its cause and the cache share before and after', async () => {
    log(
      { at: T0 + 1, conversation: conv, affinity: 'new', inputTokens: 1000, cachedTokens: 0 },
      { at: T0 + 2, conversation: conv, affinity: 'hit', inputTokens: 2000, cachedTokens: 1800 },
      { at: T0 + 3, conversation: conv, affinity: 'limit', accountId: b, inputTokens: 3000, cachedTokens: 0 },
      {
        at: T0 + 4,
        conversation: conv,
        affinity: 'hit',
        accountId: b,
        inputTokens: 4000,
        cachedTokens: 2800,
      },
      // A failed request no account served is not a turn and moves nothing.
      { at: T0 + 5, conversation: conv, accountId: null, status: 503, errorCode: 'no_accounts' },
      { at: T0 + 6, conversation: conv, affinity: 'failover', inputTokens: 5000, cachedTokens: 0 },
      // Another conversation, one turn.
      { at: T0 + 7, conversation: 'fedcba9876543210', affinity: 'new', accountId: b, inputTokens: 100 },
    );
    const detail = insight.conversation(conv)!;
    expect(detail.accounts).toEqual([a, b]);
    expect(detail.turns).toHaveLength(6);
    expect(detail.hops.map((h) => [h.fromAccountId, h.toAccountId, h.cause])).toEqual([
      [a, b, 'limit'],
      [b, a, 'failover'],
    ]);
    expect(detail.hops[0]!.cachedShareBefore).toBeCloseTo(0.9);
    expect(detail.hops[0]!.cachedShareAfter).toBe(0);
    expect(detail.hops[1]!.cachedShareBefore).toBeCloseTo(0.7);

    const c = await insight.conversations({ range: '24h', groupBy: 'total', utcOffsetHours: 0 });
    expect(c.turns).toBe(6);
    expect(c.hops).toBe(2);
    expect(c.hopsPer100Turns).toBeCloseTo(100 * (2 / 6));
    // All input of the range: 1000+2000+3000+4000+1000(no-account row default)+5000+100.
    expect(c.cachedShare).toBeCloseTo(4600 / 16_100);
    expect(c.causes).toEqual(
      expect.arrayContaining([
        { cause: 'limit', hops: 1 },
        { cause: 'failover', hops: 1 },
      ]),
    );
    expect(c.conversations.map((x) => [x.conversation, x.turns, x.hops, x.accounts])).toEqual([
      ['fedcba9876543210', 1, 0, 1],
      [conv, 5, 2, 2],
    ]);
    expect(c.conversations[1]!.cachedShare).toBeCloseTo(4600 / 15_000);
  });
});

describe('request log filters and pages', () => {
  it('pages beyond the newest 100 without gaps or repeats, and counts what matches', () => {
    log(
      ...Array.from({ length: 250 }, (_, i) => ({
        at: T0 + i,
        accountId: i % 2 === 0 ? a : b,
        model: i % 5 === 0 ? 'gpt-5-mini' : 'gpt-5',
        ...(i % 10 === 0 ? { status: 429, errorCode: 'usage_limit_reached' } : {}),
      })),
    );
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = store.requests.find({}, 100, before);
      seen.push(...page.map((r) => r.startedAt / 1000 - T0));
      if (page.length < 100) break;
      before = page.at(-1)!.id;
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => 249 - i));

    expect(store.requests.count({ accountId: a })).toBe(125);
    expect(store.requests.count({ model: 'gpt-5-mini' })).toBe(50);
    expect(store.requests.count({ status: 'error' })).toBe(25);
    expect(store.requests.count({ status: 429, accountId: b })).toBe(0); // failures are every 10th: even rows
    expect(store.requests.count({ errorCode: 'usage_limit_reached', model: 'gpt-5-mini' })).toBe(25);
    expect(store.requests.count({ fromMs: (T0 + 100) * 1000, toMs: (T0 + 110) * 1000 })).toBe(10);
    const failedPage = store.requests.find({ status: 'error' }, 3);
    expect(failedPage.map((r) => r.startedAt / 1000 - T0)).toEqual([240, 230, 220]);
  });
});
