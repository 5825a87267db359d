import { afterEach, describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../../shared/api';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// Issue 14: the pooled quota headers are cached between quota changes, and a `quota` admin event means the quota
// changed — not that a request went through.
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function pooledPrimary(p: PoolHarness): Promise<number> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return Number(res.headers.get('x-codex-primary-used-percent'));
}

describe('pooled quota headers and quota events', () => {
  it('reflect a quota change in the next answer, and stay put while the quota does', async () => {
    const still = { primary: 0, secondary: 0 };
    pool = await startPool({
      accounts: [
        { email: 'a@example.com', planType: 'plus', usage: { primary: 10 }, costPerRequest: still },
        { email: 'b@example.com', planType: 'plus', usage: { primary: 30 }, costPerRequest: still },
      ],
    });
    // One poll teaches the pool each account's quota; from then on the pooled figure is the mean.
    await pool.core.services.poller.pollNow();
    const events: AdminEvent[] = [];
    const unsubscribe = pool.core.services.events.subscribe((e) => events.push(e));
    const before = await pooledPrimary(pool);
    expect(before).toBe(20);
    for (let i = 0; i < 10; i++) expect(await pooledPrimary(pool)).toBe(20);
    expect(events.filter((e) => e.type === 'quota')).toEqual([]);

    pool.accounts[0]!.setUsage({ primary: 90 });
    pool.accounts[1]!.setUsage({ primary: 90 });
    // Whichever account answers, its new quota is in the pool before the pooled headers are sent.
    let after = 0;
    for (let i = 0; i < 20 && after !== 90; i++) after = await pooledPrimary(pool);
    expect(after).toBe(90);
    const quota = events.filter((e) => e.type === 'quota');
    expect(quota.length).toBeGreaterThanOrEqual(1);
    expect(quota.length).toBeLessThanOrEqual(2); // one per account whose quota moved
    unsubscribe();
  });
});
