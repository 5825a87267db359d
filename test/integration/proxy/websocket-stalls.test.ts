import { afterEach, describe, expect, it } from 'vitest';
import { openResponsesSocket, type ResponsesSocket, userItem, POLL } from '../../helpers/responses-socket';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { twoAccounts } from './two-accounts';

// The WebSocket side keeps the HTTP side's watchdogs (issue 8) and learns quota from `codex.rate_limits`
// (PROTOCOL.md §6, §8). Bounds are shortened here; only the stalling case waits for them.
let pool: PoolHarness | undefined;
const sockets: ResponsesSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await pool?.close();
  pool = undefined;
});

async function connect(p: PoolHarness): Promise<ResponsesSocket> {
  const s = await openResponsesSocket(`${p.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`, {});
  sockets.push(s);
  return s;
}

const creates = (p: PoolHarness) =>
  p.sim.requests
    .filter((r) => r.frameType === 'response.create')
    .map((r) => `${r.accountEmail}:${r.outcome ?? r.status}`);

describe('WebSocket watchdogs', () => {
  it('fails over when an account sends its opening events and then nothing', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { headersMs: 400 } } });
    pool.sim.injectFault({ kind: 'stall', afterEvents: 2, account: pool.accounts[0]!.id });
    const s = await connect(pool);
    const turn = await s.turn({ input: [userItem('hi')] });
    expect(turn.events.at(-1)).toMatchObject({ type: 'response.completed' });
    // The held opening events of the stalled account never reached the client: one response.created.
    expect(turn.events.filter((e) => e['type'] === 'response.created')).toHaveLength(1);
    expect(creates(pool)[0]).toMatch(/^first@example\.com:/);
    expect(creates(pool).at(-1)).toBe('second@example.com:completed');
    expect(pool.core.services.pool.state(pool.ids[0]!)?.errorCount).toBe(1);
  });

  it('ends a response that goes quiet mid-stream with the terminal error event', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { bodyIdleMs: 400 } } });
    pool.sim.injectFault({ kind: 'stall', afterEvents: 6 });
    const s = await connect(pool);
    const turn = await s.turn({ input: [userItem('hi')] });
    expect(turn.closed).toBeUndefined();
    expect(turn.events.at(-1)).toMatchObject({
      type: 'error',
      status: 502,
      error: { code: 'stream_idle_timeout', message: expect.stringContaining('stalled') },
    });
    await expect.poll(() => pool!.sim.webSocketStats.open, POLL).toBe(0);
  });
});

describe('quota over WebSocket', () => {
  it('is learned from codex.rate_limits into the same pool state the HTTP headers feed', async () => {
    pool = await startPool({
      accounts: [{ email: 'ws-quota@example.com', planType: 'plus', usage: { primary: 37, secondary: 12 } }],
    });
    expect(pool.core.services.pool.state(pool.ids[0]!)?.usage['codex']).toBeUndefined();
    const s = await connect(pool);
    const turn = await s.turn({ input: [userItem('hi')] });
    const limits = turn.events.find((e) => e['type'] === 'codex.rate_limits') as {
      rate_limits: { primary: { used_percent: number }; secondary: { used_percent: number } };
    };
    expect(limits.rate_limits.primary.used_percent).toBe(37);
    const usage = pool.core.services.pool.state(pool.ids[0]!)?.usage['codex'];
    expect(usage?.primary?.usedPercent).toBe(37);
    expect(usage?.secondary?.usedPercent).toBe(12);
    // The dashboard shows it, as it would after an HTTP request.
    const accounts = (await (await pool.admin('/api/accounts')).json()) as {
      accounts: { quota: { primary: { usedPercent: number } | null } }[];
    };
    expect(accounts.accounts[0]?.quota.primary?.usedPercent).toBe(37);
  });
});
