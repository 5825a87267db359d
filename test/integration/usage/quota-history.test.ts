import { afterEach, describe, expect, it } from 'vitest';
import {
  accountQuotaHistorySchema,
  errorEnvelopeSchema,
  poolQuotaHistorySchema,
  type AccountQuotaHistory,
  type PoolQuotaHistory,
} from '../../../shared/api';
import type { PoolHarness } from '../../helpers/pool-harness';
import { startAccountsPool, startCoreOn, TEST_TUNING, testClock } from '../accounts/helpers';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const H = 3600;

async function accountHistory(p: PoolHarness, id: string, query = ''): Promise<AccountQuotaHistory> {
  const res = await p.admin(`/api/accounts/${id}/quota-history${query}`);
  expect(res.status).toBe(200);
  return accountQuotaHistorySchema.parse(await res.json());
}

async function poolHistory(p: PoolHarness, query = ''): Promise<PoolQuotaHistory> {
  const res = await p.admin(`/api/pool/quota-history${query}`);
  expect(res.status).toBe(200);
  return poolQuotaHistorySchema.parse(await res.json());
}

/**
 * A Pro and a Plus account polled at t0, t0 + 1 h and t0 + 2 h, their use changing in between. Capacities
 * (BALANCER.md §3): 5 h Pro 1500, Plus 225; weekly Pro 50400, Plus 7560.
 */
async function recordThreeRounds(
  start?: number,
): Promise<{ p: PoolHarness; t0: number; advance(s: number): void; now(): number }> {
  const clock = testClock(start);
  const t0 = clock.now();
  const p = await startAccountsPool({
    now: clock.now,
    accounts: [
      {
        email: 'pro@example.com',
        planType: 'pro',
        usage: { primary: 10, secondary: 5 },
        families: { codex_other: { primary: 3, secondary: 1, limitName: 'GPT-5.3-Codex-Spark' } },
      },
      { email: 'plus@example.com', planType: 'plus', usage: { primary: 50, secondary: 20 } },
    ],
  });
  await p.core.services.poller.pollNow();
  clock.advance(H);
  p.accounts[0]!.setUsage({ primary: 30, secondary: 8 });
  await p.core.services.poller.pollNow();
  clock.advance(H);
  p.accounts[1]!.setUsage({ primary: 80 });
  await p.core.services.poller.pollNow();
  return { p, t0, advance: clock.advance, now: clock.now };
}

describe('GET /api/accounts/:id/quota-history', () => {
  it('returns the account’s samples of one family in the range, with the windows of the newest', async () => {
    const { p, t0 } = await recordThreeRounds();
    pool = p;
    const now = t0 + 2 * H;
    const history = await accountHistory(p, p.ids[0]!);
    expect(history).toMatchObject({ accountId: p.ids[0], family: 'codex', label: 'Codex', hours: 24, now });
    expect(history.since).toBe(now - 24 * H);
    expect(history.points).toEqual([
      { t: t0, primary: 10, secondary: 5 },
      { t: t0 + H, primary: 30, secondary: 8 },
      { t: t0 + 2 * H, primary: 30, secondary: 8 },
    ]);
    expect(history).toMatchObject({ samples: 3, firstSampleAt: t0, lastSampleAt: now });
    expect(history.primary).toEqual({ windowMinutes: 300, resetAt: t0 + 5 * H });
    expect(history.secondary?.windowMinutes).toBe(10080);

    // A shorter range leaves the older samples out.
    const lastHour = await accountHistory(p, p.ids[0]!, '?hours=1');
    expect(lastHour.points.map((pt) => pt.t)).toEqual([t0 + H, t0 + 2 * H]);

    // An additional family, by its canonical key, with upstream's display name.
    const spark = await accountHistory(p, p.ids[0]!, '?family=codex_spark&hours=720');
    expect(spark.label).toBe('GPT-5.3-Codex-Spark');
    expect(spark.points[0]).toEqual({ t: t0, primary: 3, secondary: 1 });

    // A family the account never reported is an empty history, not an error.
    const none = await accountHistory(p, p.ids[1]!, '?family=codex_spark');
    expect(none).toMatchObject({ points: [], samples: 0, firstSampleAt: null, primary: null });
  });

  it('reports a window whose reset has passed without its reset time', async () => {
    const { p, t0, advance } = await recordThreeRounds();
    pool = p;
    advance(4 * H); // past the 5 h reset at t0 + 5 h, no new sample
    const history = await accountHistory(p, p.ids[0]!);
    expect(history.lastSampleAt).toBe(t0 + 2 * H);
    expect(history.primary).toEqual({ windowMinutes: 300, resetAt: null });
  });
});

describe('GET /api/pool/quota-history', () => {
  it('weights each account by plan capacity, carries samples forward, and agrees with the pooled usage', async () => {
    const { p, t0 } = await recordThreeRounds();
    pool = p;
    const history = await poolHistory(p);
    expect(history).toMatchObject({ now: t0 + 2 * H, hours: 24, accounts: 2, firstSampleAt: t0 });
    expect(history.points).toEqual([
      // (1500·10 + 225·50) / 1725 = 15.2; (50400·5 + 7560·20) / 57960 = 6.96
      { t: t0, primary: 15, secondary: 6 },
      // (1500·30 + 225·50) / 1725 = 32.6; (50400·8 + 7560·20) / 57960 = 9.57
      { t: t0 + H, primary: 32, secondary: 9 },
      // (1500·30 + 225·80) / 1725 = 36.5; weekly unchanged
      { t: t0 + 2 * H, primary: 36, secondary: 9 },
    ]);

    // The last point is the pool as clients see it now.
    const usage = (await (await p.fetch('/api/codex/usage')).json()) as {
      rate_limit: { primary_window: { used_percent: number }; secondary_window: { used_percent: number } };
    };
    expect(history.points.at(-1)).toMatchObject({
      primary: usage.rate_limit.primary_window.used_percent,
      secondary: usage.rate_limit.secondary_window.used_percent,
    });

    // A range that starts between samples begins with the values carried in from before it.
    const recent = await poolHistory(p, '?hours=1');
    expect(recent.points[0]).toEqual({ t: t0 + H, primary: 32, secondary: 9 });
  });

  it('counts 5 h windows as 0 from their reset on, and leaves paused accounts out', async () => {
    const { p, t0, advance } = await recordThreeRounds();
    pool = p;
    advance(4 * H);
    const history = await poolHistory(p);
    expect(history.points.slice(-2)).toEqual([
      { t: t0 + 5 * H, primary: 0, secondary: 9 }, // both 5 h windows reset at t0 + 5 h
      { t: t0 + 6 * H, primary: 0, secondary: 9 },
    ]);
    expect(history.lastSampleAt).toBe(t0 + 2 * H);

    expect((await p.admin(`/api/accounts/${p.ids[1]}/pause`, { method: 'POST' })).status).toBe(200);
    const proOnly = await poolHistory(p);
    expect(proOnly.accounts).toBe(1);
    expect(proOnly.points[0]).toEqual({ t: t0, primary: 10, secondary: 5 });
  });

  it('serves a range that starts after the pool did from its stored minutes, the same after a restart', async () => {
    // On a whole hour, so the 5 h range below starts exactly at the second round.
    const { p, t0, advance, now } = await recordThreeRounds(Math.floor(Date.now() / 1000 / H) * H);
    pool = p;
    advance(4 * H);
    const expected = [
      { t: t0 + H, primary: 32, secondary: 9 },
      { t: t0 + 2 * H, primary: 36, secondary: 9 },
      { t: t0 + 5 * H, primary: 0, secondary: 9 }, // both 5 h windows reset
      { t: t0 + 6 * H, primary: 0, secondary: 9 },
    ];
    expect(p.core.services.poolHistory.read(5, 300).fromRollup).toBe(true);
    expect((await poolHistory(p, '?hours=5')).points).toEqual(expected);

    const dataDir = p.core.config.dataDir;
    await p.core.stop();
    const restarted = await startCoreOn(dataDir, p.sim, { now, accountsTuning: TEST_TUNING });
    try {
      expect(restarted.services.poolHistory.read(5, 300).fromRollup).toBe(true);
      const res = await restarted.admin('/api/pool/quota-history?hours=5');
      expect(poolQuotaHistorySchema.parse(await res.json()).points).toEqual(expected);

      // Pausing an account changes who the chart counts, over its whole range: the rollup is replayed from the
      // samples (six: done at once), Pro alone.
      expect((await restarted.admin(`/api/accounts/${p.ids[1]}/pause`, { method: 'POST' })).status).toBe(200);
      expect(restarted.services.poolHistory.read(5, 300).fromRollup).toBe(true);
      const proOnly = await restarted.admin('/api/pool/quota-history?hours=5');
      expect(poolQuotaHistorySchema.parse(await proOnly.json()).points).toEqual([
        { t: t0 + H, primary: 30, secondary: 8 },
        { t: t0 + 5 * H, primary: 0, secondary: 8 },
        { t: t0 + 6 * H, primary: 0, secondary: 8 },
      ]);
    } finally {
      await restarted.stop();
    }
  });

  it('after a pause, replays the samples into a new rollup in the background, drawing the same chart', async () => {
    const clock = testClock(Math.floor(Date.now() / 1000 / H) * H - 24 * H);
    const t0 = clock.now();
    pool = await startAccountsPool({
      now: clock.now,
      accounts: [
        { email: 'a@example.com', planType: 'pro' },
        { email: 'b@example.com', planType: 'plus' },
        { email: 'c@example.com', planType: 'plus' },
      ],
    });
    const p = pool;
    // A day of samples every 100 s per account, as they arrive: 2,592 of them, three pages of the replay.
    for (let t = t0; t < t0 + 24 * H; t += 100) {
      clock.advance(t - clock.now());
      p.ids.forEach((id, i) =>
        p.core.services.pool.ingestSample(id, {
          family: 'codex',
          primary: { usedPercent: ((t / 100) * (i + 1)) % 100, windowMinutes: 300, resetAt: t + 3_000 },
          secondary: { usedPercent: 20 + i, windowMinutes: 10_080, resetAt: t0 + 200 * H },
          recordedAt: t,
        }),
      );
    }
    clock.advance(t0 + 24 * H - clock.now());
    const chart = p.core.services.poolHistory;
    expect(chart.read(24, 300).fromRollup).toBe(true);

    expect((await p.admin(`/api/accounts/${p.ids[2]}/pause`, { method: 'POST' })).status).toBe(200);
    // While the replay runs, a read computes from the samples; once it is done, the rollup draws the same chart.
    const computed = chart.read(24, 300);
    expect(computed).toMatchObject({ fromRollup: false, accounts: 2 });
    await expect.poll(() => chart.read(1, 300).fromRollup).toBe(true);
    const replayed = chart.read(24, 300);
    expect(replayed.fromRollup).toBe(true);
    expect(replayed.points).toEqual(computed.points);
    expect(replayed.points.length).toBeGreaterThan(200);

    // Stopped half-way through a replay, the next start replays again instead of serving half a series.
    expect((await p.admin(`/api/accounts/${p.ids[2]}/resume`, { method: 'POST' })).status).toBe(200);
    expect(chart.replaying).toBe(true);
    await p.core.stop();
    const restarted = await startCoreOn(p.core.config.dataDir, p.sim, {
      now: clock.now,
      accountsTuning: TEST_TUNING,
    });
    try {
      const again = restarted.services.poolHistory;
      const all = again.read(24, 300);
      expect(all).toMatchObject({ fromRollup: false, accounts: 3 });
      await expect.poll(() => again.replaying).toBe(false);
      expect(again.read(24, 300)).toMatchObject({ fromRollup: true, points: all.points });
    } finally {
      await restarted.stop();
    }
  });

  it('is empty before any account has reported', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    expect(await poolHistory(pool)).toMatchObject({ points: [], accounts: 0, lastSampleAt: null });
  });
});

describe('quota history errors', () => {
  it.each([
    ['/api/pool/quota-history?hours=0', 'hours'],
    ['/api/pool/quota-history?hours=721', 'hours'],
    ['/api/pool/quota-history?hours=1.5', 'hours'],
    ['/api/pool/quota-history?hours=week', 'hours'],
    ['/api/accounts/ID/quota-history?hours=', 'hours'],
    ['/api/accounts/ID/quota-history?family=no%20spaces', 'family'],
  ])('%s is a 400 naming %s', async (path, param) => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const res = await pool.admin(path.replace('ID', pool.ids[0]!));
    expect(res.status).toBe(400);
    const { error } = errorEnvelopeSchema.parse(await res.json());
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(new RegExp(`^${param}: Expected `));
    expect(error.param).toBe(param);
  });

  it('answers 404 for an unknown account and 401 without admin credentials', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const missing = await pool.admin('/api/accounts/acc_nope/quota-history');
    expect(missing.status).toBe(404);
    expect(errorEnvelopeSchema.parse(await missing.json()).error.message).toContain('acc_nope');

    for (const path of [`/api/accounts/${pool.ids[0]}/quota-history`, '/api/pool/quota-history']) {
      const res = await pool.fetch(path);
      expect(res.status).toBe(401);
      const wrong = await pool.fetch(path, { headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.status).toBe(401);
    }
  });
});
