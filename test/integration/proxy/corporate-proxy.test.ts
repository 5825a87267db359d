import { afterEach, describe, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../../helpers/forward-proxy';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

let pool: PoolHarness | undefined;
let proxy: ForwardProxy | undefined;
afterEach(async () => {
  await pool?.close();
  await proxy?.close();
  pool = proxy = undefined;
});

describe('corporate proxy', () => {
  it('sends upstream traffic through HTTP(S)_PROXY when it is set', async () => {
    proxy = await startForwardProxy();
    pool = await startPool({
      accounts: [{ email: 'p@example.com', planType: 'plus' }],
      deps: { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } },
    });
    const res = await pool.fetch('/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const simHost = new URL(pool.sim.url).host;
    expect(proxy.seen).toContain(simHost);
  });
});
