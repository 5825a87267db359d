import { afterEach, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// Issue 8, "Recovery the user expects": fresh usage that shows room brings an exhausted account back for the very
// next request, and a newly added account has its quota at once.
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function ask(p: PoolHarness): Promise<{ status: number; code?: string }> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
  });
  const text = await res.text();
  if (res.status === 200) return { status: 200 };
  return { status: res.status, code: (JSON.parse(text) as { error: { code: string } }).error.code };
}

describe('recovery from fresh usage', () => {
  it.each([
    ['a 429 usage_limit_reached', 'usage_limit_reached', 'rate_limited'],
    ['a quota error', 'insufficient_quota', 'quota_exceeded'],
  ] as const)(
    'after %s, a manual refresh that shows room lets the next request use the account',
    async (_name, kind, status) => {
      pool = await startPool({ accounts: [{ email: 'solo@example.com', planType: 'plus' }] });
      pool.sim.injectFault({ kind, account: pool.accounts[0]!, times: 1 });
      expect((await ask(pool)).status).toBe(429);
      expect(pool.core.services.pool.state(pool.ids[0]!)!.status).toBe(status);
      // Upstream says otherwise: the window has room (the sim's own usage is low).
      const refreshed = await pool.admin(`/api/accounts/${pool.ids[0]}/refresh`, { method: 'POST' });
      expect(refreshed.status).toBe(200);
      expect(((await refreshed.json()) as { account: { status: string } }).account.status).toBe('active');
      expect(await ask(pool)).toEqual({ status: 200 });
    },
  );

  it('keeps the account out when the fresh usage still shows the window full', async () => {
    pool = await startPool({ accounts: [{ email: 'solo@example.com', planType: 'plus' }] });
    pool.sim.injectFault({ kind: 'usage_limit_reached', account: pool.accounts[0]!, times: 1 });
    expect((await ask(pool)).status).toBe(429);
    pool.accounts[0]!.setUsage({ primary: 100 });
    const refreshed = await pool.admin(`/api/accounts/${pool.ids[0]}/refresh`, { method: 'POST' });
    expect(((await refreshed.json()) as { account: { status: string } }).account.status).toBe('rate_limited');
    const upstreamCalls = pool.sim.requests.filter((r) => r.path === '/backend-api/codex/responses').length;
    expect((await ask(pool)).status).toBe(429);
    expect(pool.sim.requests.filter((r) => r.path === '/backend-api/codex/responses')).toHaveLength(
      upstreamCalls,
    );
  });

  it('a poll round brings back every exhausted account whose usage shows room', async () => {
    pool = await startPool({
      accounts: [
        { email: 'a@example.com', planType: 'plus' },
        { email: 'b@example.com', planType: 'plus' },
      ],
    });
    for (const account of pool.accounts) {
      pool.sim.injectFault({ kind: 'usage_limit_reached', account, times: 1 });
    }
    expect((await ask(pool)).status).toBe(429);
    expect(pool.ids.map((id) => pool!.core.services.pool.state(id)!.status)).toEqual([
      'rate_limited',
      'rate_limited',
    ]);
    await pool.core.services.poller.pollNow();
    expect(pool.ids.map((id) => pool!.core.services.pool.state(id)!.status)).toEqual(['active', 'active']);
    expect(await ask(pool)).toEqual({ status: 200 });
  });
});
