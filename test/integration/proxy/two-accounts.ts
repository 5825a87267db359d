/** Two plus accounts under fill_first, for the failover and stall tests. */
import { startPool, type PoolHarness, type PoolHarnessOptions } from '../../helpers/pool-harness';
import { collectSse, type SseEvent } from '../../helpers/sse';

/** Two plus accounts under fill_first, so the first request deterministically goes to the fuller one. */
export async function twoAccounts(options: PoolHarnessOptions = {}): Promise<PoolHarness> {
  const p = await startPool({
    accounts: [
      { email: 'first@example.com', planType: 'plus', usage: { primary: 50 } },
      { email: 'second@example.com', planType: 'plus', usage: { primary: 10 } },
    ],
    ...options,
  });
  // Teach the pool both quotas first so fill_first knows which account is fuller.
  for (const id of p.ids) {
    await p.admin('/api/settings', {
      method: 'PATCH',
      body: JSON.stringify({ routingStrategy: 'single_account', pinnedAccountId: id }),
    });
    await (
      await stream(p)
    ).events;
  }
  await p.admin('/api/settings', {
    method: 'PATCH',
    body: JSON.stringify({ routingStrategy: 'fill_first', pinnedAccountId: null }),
  });
  p.sim.clearRequests();
  return p;
}

export async function stream(p: PoolHarness, headers: Record<string, string> = {}) {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
  });
  const events: Promise<SseEvent[]> = res.status === 200 ? collectSse(res.body!) : Promise.resolve([]);
  return {
    res,
    events,
    json: res.status === 200 ? undefined : ((await res.json()) as { error: Record<string, unknown> }),
  };
}

export const posts = (p: PoolHarness) =>
  p.sim.requests
    .filter((r) => r.path === '/backend-api/codex/responses')
    .map((r) => `${r.accountEmail}:${r.status}`);
export const statusOf = (p: PoolHarness, i: number) => p.core.services.pool.state(p.ids[i]!)?.status;
