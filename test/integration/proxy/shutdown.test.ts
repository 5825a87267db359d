import { describe, expect, it } from 'vitest';
import { startPool } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';

describe('graceful stop', () => {
  it('lets a request in flight finish, refuses new connections, and keeps what it learnt', async () => {
    const pool = await startPool({ accounts: [{ email: 'stop@example.com', planType: 'plus' }] });
    pool.sim.injectFault({ kind: 'slow_first_byte', ms: 400 });
    const inFlight = pool.fetch('/backend-api/codex/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true }),
    });
    await pool.sim.waitForRequest((r) => r.path === '/backend-api/codex/responses');
    const stopped = pool.core.stop();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await collectSse(res.body!)).at(-1)?.data.type).toBe('response.completed');
    await stopped;
    await expect(pool.fetch('/api/health')).rejects.toThrow();
    await pool.close(); // idempotent stop, then the simulator and the data dir
  });
});
