import { afterEach, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const body = { model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }], stream: true, store: false };

describe('proxy smoke', () => {
  it('streams a Codex responses request through one pooled account', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const res = await pool.fetch('/backend-api/codex/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client-chatgpt-token' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await collectSse(res.body!);
    expect(events.map((e) => e.data.type).at(-1)).toBe('response.completed');
    const upstream = pool.sim.requests.find((r) => r.path === '/backend-api/codex/responses');
    expect(upstream?.headers.authorization).toBe(`Bearer ${pool.accounts[0]!.tokens.accessToken}`);
  });
});

describe('control routes', () => {
  it('relays /responses/compact as JSON', async () => {
    pool = await startPool({ accounts: [{ email: 'c@example.com', planType: 'plus' }] });
    const res = await pool.fetch('/backend-api/codex/responses/compact', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        input: [{ role: 'user', content: 'long history' }],
        instructions: '',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(Array.isArray(((await res.json()) as { output: unknown[] }).output)).toBe(true);
  });

  it('serves the model catalog in the Codex and OpenAI shapes', async () => {
    pool = await startPool({ accounts: [{ email: 'm@example.com', planType: 'plus' }] });
    const codex = (await (await pool.fetch('/backend-api/codex/models?client_version=0.169.0')).json()) as {
      models: Array<{ slug: string }>;
    };
    expect(codex.models.map((m) => m.slug)).toContain('gpt-5.5');
    const openai = (await (await pool.fetch('/v1/models')).json()) as {
      object: string;
      data: Array<{ id: string; object: string }>;
    };
    expect(openai.object).toBe('list');
    expect(openai.data).toContainEqual(expect.objectContaining({ id: 'gpt-5.5', object: 'model' }));
  });

  it('reports the pool quota, weighted by plan capacity, in the upstream usage shape on both paths', async () => {
    pool = await startPool({
      accounts: [
        { email: 'pro@example.com', planType: 'pro', usage: { primary: 10, secondary: 10 } },
        { email: 'plus@example.com', planType: 'plus', usage: { primary: 90, secondary: 50 } },
      ],
    });
    // Learn both quotas from real responses first.
    for (const id of pool.ids) {
      await pool.admin('/api/settings', {
        method: 'PATCH',
        body: JSON.stringify({ routingStrategy: 'single_account', pinnedAccountId: id }),
      });
      const r = await pool.fetch('/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
      });
      await r.text();
    }
    const usage = (await (await pool.fetch('/api/codex/usage')).json()) as {
      plan_type: string;
      rate_limit: {
        allowed: boolean;
        primary_window: { used_percent: number; limit_window_seconds: number };
      };
    };
    // Weighted by 5 h capacity (pro 1500, plus 225), as the response headers reported it (the simulator sends
    // the usage at the start of each request): (1500×10 + 225×90) / 1725 = 20.4 → 20. A plain mean would say 50.
    expect(usage.rate_limit.primary_window.used_percent).toBe(20);
    expect(usage.rate_limit.primary_window.limit_window_seconds).toBe(18_000);
    expect(usage.rate_limit.allowed).toBe(true);
    expect(usage.plan_type).toBe('pro');
    expect(await (await pool.fetch('/backend-api/wham/usage')).json()).toEqual(usage);
  });
});
