import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResponsesSocket, userItem, POLL } from '../../helpers/responses-socket';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// An idle upstream socket whose peer went silent (a NAT that dropped the mapping) is noticed by its pings and
// replaced, instead of swallowing the next turn until the stall watchdog fails the account over.
let pool: PoolHarness;
beforeAll(async () => {
  pool = await startPool({
    accounts: [
      { email: 'ws-keepalive-a@example.com', planType: 'pro' },
      { email: 'ws-keepalive-b@example.com', planType: 'pro' },
    ],
    deps: { upstreamTimeouts: { webSocketPingMs: 500 } },
  });
});
afterAll(() => pool.close());

describe('an idle upstream socket gone silent', () => {
  it('is closed by its pings, and the next turn runs on a fresh socket of the same account', async () => {
    const s = await openResponsesSocket(
      `${pool.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`,
      {},
    );
    const first = await s.turn({ input: [userItem('hi')] });
    expect(first.events.at(-1)).toMatchObject({ type: 'response.completed' });
    const served = pool.sim.requests.filter((r) => r.frameType === 'response.create');
    const before = served.at(-1)!;

    pool.sim.muteWebSockets();
    await expect.poll(() => pool.sim.webSocketStats.open, POLL).toBe(0);
    expect(s.ws.readyState).toBe(s.ws.OPEN); // the client's connection is not touched

    const next = await s.turn({ input: [userItem('again')] });
    expect(next.events.at(-1)).toMatchObject({ type: 'response.completed' });
    const after = pool.sim.requests.filter((r) => r.frameType === 'response.create').at(-1)!;
    expect(after.connectionId).not.toBe(before.connectionId);
    expect(after.accountId).toBe(before.accountId);
    const { requests } = (await (await pool.admin('/api/requests?limit=5')).json()) as {
      requests: { attempts: number; accountId: string; status: number }[];
    };
    expect(requests[0]).toMatchObject({ attempts: 1, status: 200 });
    await s.close();
  });
});
