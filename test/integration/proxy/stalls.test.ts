import { afterEach, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';
import { createLogger } from '../../../main/core/log';
import { posts, stream, twoAccounts } from './two-accounts';

// Issue 8: the client always hears something before its own idle timeout (Codex: 300 s). The bounds are shortened
// here; their defaults (60 s per attempt, 240 s in all, 240 s of silence mid-stream) sit below the client's.
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const errorCount = (p: PoolHarness, i: number) => p.core.services.pool.state(p.ids[i]!)?.errorCount;

describe('an upstream that stalls before the first byte', () => {
  it('fails over when an account never sends its headers', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { headersMs: 400 } } });
    pool.sim.injectFault({ kind: 'delay', ms: 60_000, account: pool.accounts[0]!.id });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    expect((await events).at(-1)?.data).toMatchObject({ type: 'response.completed' });
    // No second wait on the stalling account (it never answered: status 0): straight to the other one.
    expect(posts(pool)).toEqual(['first@example.com:0', 'second@example.com:200']);
    expect(errorCount(pool, 0)).toBe(1);
  });

  it('fails over when an account sends response.created and then nothing', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { headersMs: 400 } } });
    pool.sim.injectFault({ kind: 'stall', afterEvents: 1, account: pool.accounts[0]!.id });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    const list = await events;
    expect(list.at(-1)?.data).toMatchObject({ type: 'response.completed' });
    // The client saw one stream, from the second account, opening events included.
    expect(list.filter((e) => (e.data as { type?: string }).type === 'response.created')).toHaveLength(1);
    expect(errorCount(pool, 0)).toBe(1);
  });

  it('answers a clear 504 when every account stalls', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { headersMs: 300 } } });
    pool.sim.injectFault({ kind: 'delay', ms: 60_000, times: 2 });
    const { res, json } = await stream(pool);
    expect(res.status).toBe(504);
    expect(json?.error).toMatchObject({ code: 'upstream_headers_timeout' });
    expect(String(json?.error.message)).toMatch(/did not answer within 0\.3 s\. Try again in a minute\./);
  });

  it('stops waiting at the first-byte bound, whatever attempt is under way', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { headersMs: 60_000, firstByteMs: 500 } } });
    pool.sim.injectFault({ kind: 'delay', ms: 60_000, times: 2 });
    const { res, json } = await stream(pool);
    expect(res.status).toBe(504);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(json?.error).toMatchObject({ code: 'upstream_timeout' });
    expect(String(json?.error.message)).toMatch(/did not start answering within 0\.5 s/);
  });
});

describe('the upstream connection cap', () => {
  it('says so in the log when requests wait for a connection, and serves them all', async () => {
    const lines: string[] = [];
    pool = await startPool({
      accounts: [{ email: 'only@example.com', planType: 'plus' }],
      env: { CODEX_POOL_UPSTREAM_CONNECTIONS: '1' },
      deps: { log: createLogger('info', (line) => lines.push(line)) },
    });
    const ask = async () => {
      const res = await pool!.fetch('/backend-api/codex/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
      });
      return (await collectSse(res.body!)).at(-1)?.data;
    };
    const answers = await Promise.all([ask(), ask(), ask()]);
    for (const a of answers) expect(a).toMatchObject({ type: 'response.completed' });
    expect(lines.some((l) => l.includes('requests are waiting for an upstream connection'))).toBe(true);
  });
});
