import { afterEach, describe, expect, it } from 'vitest';
import { costInsightSchema, priceTableSchema, usageInsightSchema } from '../../../shared/api';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function ask(p: PoolHarness, model: string): Promise<void> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: 'price me '.repeat(40), stream: true, store: false }),
  });
  expect(res.status).toBe(200);
  await collectSse(res.body!);
}

describe('estimated cost', () => {
  it('shows a model without a price as unpriced, and prices it once the user adds one', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    await ask(pool, 'gpt-5.5');
    await ask(pool, 'gpt-5.5');

    let cost = costInsightSchema.parse(await (await pool.admin('/api/insight/cost?range=7d')).json());
    expect(cost.estimate).toBe(true);
    expect(cost.totalUsd).toBe(0);
    expect(cost.unpricedRequests).toBe(2);
    expect(cost.byModel).toEqual([expect.objectContaining({ model: 'gpt-5.5', usd: null, price: null })]);

    const table = priceTableSchema.parse(await (await pool.admin('/api/insight/prices')).json());
    expect(table.prices.find((p) => p.model === 'gpt-5')).toEqual({
      model: 'gpt-5',
      input: 1.25,
      cachedInput: 0.125,
      output: 10,
    });
    const price = { model: 'gpt-5.5', input: 2, cachedInput: 0.5, output: 16 };
    const put = await pool.admin('/api/insight/prices', {
      method: 'PUT',
      body: JSON.stringify({ prices: [...table.prices, price] }),
    });
    expect(put.status).toBe(200);

    const usage = usageInsightSchema.parse(await (await pool.admin('/api/insight/usage?range=7d')).json());
    const t = usage.totals;
    cost = costInsightSchema.parse(await (await pool.admin('/api/insight/cost?range=7d')).json());
    const expected = ((t.input - t.cached) * 2 + t.cached * 0.5 + t.output * 16) / 1e6;
    expect(cost.totalUsd).toBeCloseTo(expected, 12);
    expect(cost.unpricedRequests).toBe(0);
    expect(cost.byAccount[0]!.usd).toBeCloseTo(expected, 12);
    expect(cost.perDay.reduce((s, d) => s + d.usd, 0)).toBeCloseTo(expected, 12);
  });

  it('refuses a bad range or a negative price with a message naming the field', async () => {
    pool = await startPool();
    const bad = await pool.admin('/api/insight/usage?range=1w');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('24h, 7d or 30d');
    const neg = await pool.admin('/api/insight/prices', {
      method: 'PUT',
      body: JSON.stringify({ prices: [{ model: 'x', input: -1, cachedInput: 0, output: 0 }] }),
    });
    expect(neg.status).toBe(400);
    expect(((await neg.json()) as { error: { message: string } }).error.message).toContain('prices.0.input');
  });
});
