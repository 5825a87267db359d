import { afterEach, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';
import { seededRandom } from '../../helpers/random';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function ask(p: PoolHarness, model = 'gpt-5.5'): Promise<{ status: number; last: string | undefined }> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: 'hi', stream: true, store: false }),
  });
  if (res.status !== 200)
    return { status: res.status, last: ((await res.json()) as { error: { code: string } }).error.code };
  const events = await collectSse(res.body!);
  return { status: res.status, last: events.at(-1)?.data.type as string | undefined };
}

/** Which pooled account served each successful upstream request, in order. */
const servedBy = (p: PoolHarness): string[] =>
  p.sim.requests
    .filter((r) => r.path === '/backend-api/codex/responses' && r.status === 200)
    .map((r) => r.accountEmail ?? '?');

async function setSettings(p: PoolHarness, patch: Record<string, unknown>): Promise<void> {
  const res = await p.admin('/api/settings', { method: 'PATCH', body: JSON.stringify(patch) });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Sends one request through each account in turn (single_account), so the pool learns every quota. */
async function learnEachQuota(p: PoolHarness): Promise<number[]> {
  const statuses: number[] = [];
  for (const id of p.ids) {
    await setSettings(p, { routingStrategy: 'single_account', pinnedAccountId: id });
    statuses.push((await ask(p)).status);
  }
  await setSettings(p, { routingStrategy: 'capacity_weighted', pinnedAccountId: null });
  return statuses;
}

describe('routing through the proxy', () => {
  it('round_robin takes turns exactly, even for a burst within one second (issue 8)', async () => {
    pool = await startPool({
      accounts: ['a', 'b', 'c'].map((n) => ({ email: `${n}@example.com`, planType: 'plus' })),
    });
    await setSettings(pool, { routingStrategy: 'round_robin', stickySessions: false });
    await Promise.all(Array.from({ length: 12 }, () => ask(pool!)));
    const counts = new Map<string, number>();
    for (const email of servedBy(pool)) counts.set(email, (counts.get(email) ?? 0) + 1);
    expect([...counts.values()]).toEqual([4, 4, 4]);
  });

  it('fill_first keeps every request on one account until it answers 429, then moves on without a client error', async () => {
    pool = await startPool({
      accounts: ['a', 'b', 'c'].map((n) => ({ email: `${n}@example.com`, planType: 'plus' })),
    });
    await setSettings(pool, { routingStrategy: 'fill_first' });
    for (let i = 0; i < 5; i++) expect(await ask(pool)).toEqual({ status: 200, last: 'response.completed' });
    const first = servedBy(pool);
    expect(new Set(first).size).toBe(1);
    const filled = first[0]!;

    pool.sim.injectFault({ kind: 'usage_limit_reached', account: filled, times: Infinity });
    for (let i = 0; i < 5; i++) expect(await ask(pool)).toEqual({ status: 200, last: 'response.completed' });
    const after = servedBy(pool).slice(5);
    expect(after).toHaveLength(5);
    expect(after.every((email) => email === after[0] && email !== filled)).toBe(true);
    // The exhausted account is marked rate limited for everyone, with its reset time.
    const state = pool.core.services.pool
      .accounts()
      .find((a) => pool!.core.services.pool.record(a.id)?.email === filled);
    expect(state?.status).toBe('rate_limited');
  });

  it('capacity_weighted shares follow remaining weekly credits (pro vs plus ≈ 87 %)', async () => {
    pool = await startPool({
      deps: { random: seededRandom(7) },
      accounts: [
        { email: 'pro@example.com', planType: 'pro', costPerRequest: { primary: 0, secondary: 0 } },
        { email: 'plus@example.com', planType: 'plus', costPerRequest: { primary: 0, secondary: 0 } },
      ],
    });
    await learnEachQuota(pool);
    pool.sim.clearRequests();
    const n = 300;
    for (let i = 0; i < n; i++) expect((await ask(pool)).status).toBe(200);
    const share = servedBy(pool).filter((e) => e === 'pro@example.com').length / n;
    expect(share).toBeGreaterThan(0.87 - 0.06);
    expect(share).toBeLessThan(0.87 + 0.06);
  });

  it('serves a gated model from an account whose standard quota is exhausted but whose Spark quota has room', async () => {
    let t = Math.floor(Date.now() / 1000);
    pool = await startPool({
      now: () => t,
      accounts: [
        {
          email: 'x@example.com',
          planType: 'pro',
          usage: { primary: 100 },
          families: { codex_other: { primary: 20 } },
        },
        {
          email: 'y@example.com',
          planType: 'pro',
          usage: { primary: 20 },
          families: { codex_other: { primary: 100 } },
        },
      ],
    });
    // Learn both accounts' quotas from real responses: x answers 429 (standard window full), y answers 200.
    expect(await learnEachQuota(pool)).toEqual([429, 200]);
    t += 5; // past x's short cooldown after its 429: cooldowns are never bypassed (BALANCER.md §5.4)

    expect(await ask(pool, 'gpt-5.3-codex-spark')).toEqual({ status: 200, last: 'response.completed' });
    expect(pool.sim.requests.at(-1)?.accountEmail).toBe('x@example.com');
    // x stays exhausted for standard requests: they go to y.
    expect(await ask(pool)).toEqual({ status: 200, last: 'response.completed' });
    expect(pool.sim.requests.at(-1)?.accountEmail).toBe('y@example.com');
    expect(pool.core.services.pool.state(pool.ids[0]!)?.status).toBe('rate_limited');
  });

  it('keeps a conversation on one account (prompt-cache affinity) while new conversations spread', async () => {
    pool = await startPool({
      deps: { random: seededRandom(11) },
      accounts: ['k', 'l', 'm'].map((n) => ({
        email: `${n}@example.com`,
        planType: 'plus',
        costPerRequest: { primary: 0, secondary: 0 },
      })),
    });
    await learnEachQuota(pool);
    pool.sim.clearRequests();
    const send = async (key: string) => {
      const res = await pool!.fetch('/backend-api/codex/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, prompt_cache_key: key }),
      });
      await collectSse(res.body!);
    };
    for (let i = 0; i < 15; i++) await send('conversation-1');
    expect(new Set(servedBy(pool)).size).toBe(1);
    pool.sim.clearRequests();
    for (let i = 0; i < 15; i++) await send(`conversation-new-${i}`);
    expect(new Set(servedBy(pool)).size).toBeGreaterThan(1);
  });

  it('answers the pool-exhausted 429 with resets_at and Retry-After once every account is out', async () => {
    pool = await startPool({
      accounts: [
        { email: 'p@example.com', planType: 'plus', usage: { primary: 100 } },
        { email: 'q@example.com', planType: 'plus', usage: { primary: 100 } },
      ],
    });
    const res = await pool.fetch('/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
    });
    expect(res.status).toBe(429);
    const body = (await res.json()) as {
      error: { code: string; type: string; message: string; resets_at: number };
    };
    expect(body.error).toMatchObject({ code: 'usage_limit_reached', type: 'usage_limit_reached' });
    expect(body.error.message).toMatch(
      /^Every account has reached its usage limit\. Try again at \d\d:\d\d \(in .+\)\.$/,
    );
    expect(body.error.resets_at).toBeGreaterThan(Date.now() / 1000);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 no_accounts with a clear message when the pool is empty', async () => {
    pool = await startPool();
    const res = await pool.fetch('/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'no_accounts',
      message: 'No accounts configured. Add a ChatGPT account to Codex Pool.',
    });
  });
});
