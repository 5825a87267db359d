import { afterEach, describe, expect, it } from 'vitest';
import type { PoolHarness } from '../../helpers/pool-harness';
import { posts, statusOf, stream, twoAccounts } from './two-accounts';
import type { FaultSpec } from '../../simulator';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('failover before the first byte', () => {
  it('retries a 500 on the same account and the client never notices', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'server_error', account: pool.accounts[0]!.id, times: 1 });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    expect((await events).at(-1)?.data.type).toBe('response.completed');
    expect(posts(pool)).toEqual(['first@example.com:500', 'first@example.com:200']);
  });

  it('moves to another account after three 5xx on one, and that account is put in backoff', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'server_is_overloaded', account: pool.accounts[0]!.id, times: Infinity });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    expect((await events).at(-1)?.data.type).toBe('response.completed');
    expect(posts(pool)).toEqual([
      'first@example.com:503',
      'first@example.com:503',
      'first@example.com:503',
      'second@example.com:200',
    ]);
    expect(pool.core.services.pool.state(pool.ids[0]!)?.errorCount).toBe(3);
  });

  it.each<[string, FaultSpec['kind'], string]>([
    ['a quota error marks the account quota_exceeded', 'insufficient_quota', 'quota_exceeded'],
    ['a usage limit marks it rate_limited', 'usage_limit_reached', 'rate_limited'],
    ['a deactivated account is marked deactivated', 'account_deactivated', 'deactivated'],
  ])('%s and the request fails over', async (_name, kind, status) => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind, account: pool.accounts[0]!.id, times: Infinity });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    await events;
    expect(posts(pool).at(-1)).toBe('second@example.com:200');
    expect(statusOf(pool, 0)).toBe(status);
  });

  it('fails over when upstream resets the connection before headers', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'reset_before_headers', account: pool.accounts[0]!.id, times: Infinity });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    expect((await events).at(-1)?.data.type).toBe('response.completed');
    expect(posts(pool).at(-1)).toBe('second@example.com:200');
  });

  it('treats response.failed as the first event as a failure before the first byte', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({
      kind: 'response_failed',
      code: 'server_error',
      account: pool.accounts[0]!.id,
      times: Infinity,
    });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    const types = (await events).map((e) => e.data.type);
    expect(types.filter((t) => t === 'response.created')).toHaveLength(1);
    expect(types.at(-1)).toBe('response.completed');
  });

  it('refreshes the token after a 401 and retries the same account once', async () => {
    pool = await twoAccounts();
    const before = pool.accounts[0]!.tokens.refreshToken;
    pool.sim.invalidateAccessTokens(pool.accounts[0]!.id);
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    await events;
    // The rejected token no longer identifies its account in the simulator, hence only the status there.
    expect(posts(pool).map((p) => p.split(':')[1])).toEqual(['401', '200']);
    expect(posts(pool)[1]).toBe('first@example.com:200');
    expect(pool.accounts[0]!.tokens.refreshToken).not.toBe(before);
    expect(statusOf(pool, 0)).toBe('active');
  });

  it('surfaces a request the model cannot serve (400) without trying other accounts', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'model_not_supported', account: pool.accounts[0]!.id });
    const { res, json } = await stream(pool);
    expect(res.status).toBe(400);
    expect(String(json?.error.message)).toMatch(/not supported when using Codex with a ChatGPT account/);
    expect(posts(pool)).toEqual(['first@example.com:400']);
  });
});

describe('after the first byte', () => {
  it('ends a stream cut mid-way with a response.failed event and does not fail over', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 5, account: pool.accounts[0]!.id });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    const list = await events;
    expect(list.at(-1)?.data).toMatchObject({
      type: 'response.failed',
      response: { error: { code: 'stream_incomplete' } },
    });
    expect(posts(pool)).toHaveLength(1);
  });

  it('closes a stalled stream after the idle timeout with a clear terminal event', async () => {
    pool = await twoAccounts({ deps: { upstreamTimeouts: { bodyIdleMs: 300 } } });
    pool.sim.injectFault({ kind: 'stall', afterEvents: 4, account: pool.accounts[0]!.id });
    const { res, events } = await stream(pool);
    expect(res.status).toBe(200);
    expect((await events).at(-1)?.data).toMatchObject({
      type: 'response.failed',
      response: { error: { code: 'stream_idle_timeout' } },
    });
    // The account's stream went quiet: that counts against its health (issue 8).
    expect(pool.core.services.pool.state(pool.ids[0]!)?.errorCount).toBe(1);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'stall', afterEvents: 4, account: pool.accounts[0]!.id });
    const controller = new AbortController();
    const res = await pool.fetch('/backend-api/codex/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    // A stalled upstream stream ends only when its client (the proxy) closes the connection.
    const upstream = await pool.sim.waitForRequest(
      (r) => r.path === '/backend-api/codex/responses' && r.outcome === 'stalled',
    );
    expect(upstream.accountEmail).toBe('first@example.com');
  });
});
