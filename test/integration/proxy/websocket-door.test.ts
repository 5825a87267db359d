import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UpgradeRefused,
  openResponsesSocket,
  type ResponsesSocket,
  userItem,
  POLL,
} from '../../helpers/responses-socket';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// The WebSocket door: which paths upgrade, the same Host/Origin checks and proxy API keys as HTTP, and the
// 15 MiB frame cap answered with an error event rather than a close (PROTOCOL.md §7, §12).
let pool: PoolHarness;
beforeAll(async () => {
  pool = await startPool({ accounts: [{ email: 'ws-door@example.com', planType: 'pro' }] });
});
afterAll(() => pool.close());

const wsUrl = (path: string): string => `${pool.core.url.replace(/^http/, 'ws')}${path}`;
async function refusal(path: string, headers: Record<string, string> = {}): Promise<UpgradeRefused> {
  const outcome = await openResponsesSocket(wsUrl(path), headers).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(UpgradeRefused);
  return outcome as UpgradeRefused;
}

/** A raw upgrade, so the Host header can be what a DNS-rebinding page would send. */
function rawUpgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
  const { port } = new URL(pool.core.url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the WebSocket door', () => {
  it('upgrades the three Responses routes with permessage-deflate, and answers 426 elsewhere', async () => {
    for (const path of ['/backend-api/codex/responses', '/backend-api/codex/v1/responses', '/v1/responses']) {
      const s = await openResponsesSocket(wsUrl(path), {});
      expect(s.ws.extensions).toContain('permessage-deflate');
      // The 101 carries what upstream's own upgrade said (the pool opened its upstream socket first).
      expect(s.upgradeHeaders['x-codex-turn-state']).toMatch(/^ts_ws_/);
      expect(s.upgradeHeaders['x-models-etag']).toBeTruthy();
      expect(s.upgradeHeaders['x-reasoning-included']).toBeDefined();
      const turn = await s.turn({ input: [userItem('hi')] });
      expect(turn.events.at(-1)).toMatchObject({ type: 'response.completed' });
      await s.close();
    }
    const elsewhere = await refusal('/backend-api/codex/models');
    expect(elsewhere.status).toBe(426);
    expect(elsewhere.body).toContain('websocket_not_supported');
  });

  it('opens upstream as an HTTP request would: pooled credentials, the Codex persona, the WebSocket beta', async () => {
    const s = await openResponsesSocket(wsUrl('/v1/responses'), {
      authorization: 'Bearer sk-client-own',
      'user-agent': 'OpenAI/JS 6.0.0',
      'x-stainless-os': 'Linux',
    });
    const upgrade = pool.sim.requests.findLast(
      (r) => r.transport === 'websocket' && r.frameType === undefined,
    )!;
    expect(upgrade.accountEmail).toBe('ws-door@example.com');
    expect(upgrade.headers).toMatchObject({
      authorization: `Bearer ${pool.accounts[0]!.tokens.accessToken}`,
      'chatgpt-account-id': pool.accounts[0]!.chatgptAccountId,
      originator: 'codex_cli_rs',
      'openai-beta': 'responses_websockets=2026-02-06',
    });
    expect(upgrade.headers['x-stainless-os']).toBeUndefined();
    expect(JSON.stringify(upgrade.headers)).not.toContain('sk-client-own');

    // response.processed goes to the socket that produced the response; closing the client closes it.
    const turn = await s.turn({ input: [userItem('hi')] });
    const id = (turn.events.at(-1)!['response'] as { id: string }).id;
    s.send({ type: 'response.processed', response_id: id });
    const processed = await pool.sim.waitForRequest((r) => r.frameType === 'response.processed');
    expect(processed.connectionId).toBe(upgrade.connectionId);
    await s.close();
    await expect.poll(() => pool.sim.webSocketStats.open, POLL).toBe(0);
  });

  it('answers a malformed handshake 400 without opening anything upstream', async () => {
    const accepted = pool.sim.webSocketStats.accepted;
    expect(await rawUpgradeStatus('/backend-api/codex/responses', { 'sec-websocket-key': 'x' })).toBe(400);
    expect(pool.sim.webSocketStats.accepted).toBe(accepted);
  });

  it('refuses a foreign Host or a cross-site Origin before anything else', async () => {
    expect(await rawUpgradeStatus('/backend-api/codex/responses', { host: 'evil.example:80' })).toBe(421);
    const crossSite = await refusal('/backend-api/codex/responses', { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toContain('cross_site_request');
  });

  it('requires a proxy API key when keys are on: refused without one, served with one', async () => {
    const created = await pool.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'ws' }) });
    const { key } = (await created.json()) as { key: string };
    await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ requireApiKey: true }) });
    try {
      const without = await refusal('/backend-api/codex/responses');
      expect(without.status).toBe(401);
      expect(JSON.parse(without.body)).toMatchObject({ error: { code: 'invalid_api_key' } });
      expect((await refusal('/v1/responses', { authorization: 'Bearer cp-wrong' })).status).toBe(401);
      const s = await openResponsesSocket(wsUrl('/v1/responses'), { authorization: `Bearer ${key}` });
      const turn = await s.turn({ input: [userItem('hi')] });
      expect(turn.events.at(-1)).toMatchObject({ type: 'response.completed' });
      await s.close();
    } finally {
      await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ requireApiKey: false }) });
    }
  });

  it('answers a frame over 15 MiB with a 400 error event and keeps the connection usable', async () => {
    const s: ResponsesSocket = await openResponsesSocket(wsUrl('/backend-api/codex/responses'), {});
    const big = await s.turn({ input: [userItem('x'.repeat(16 * 1024 * 1024))] });
    expect(big.closed).toBeUndefined();
    expect(big.events).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 400,
        error: expect.objectContaining({
          type: 'invalid_request_error',
          message: expect.stringContaining('15.0 MiB'),
        }),
      }),
    ]);
    // Nothing of it went upstream.
    expect(pool.sim.requests.some((r) => (r.rawBody?.length ?? 0) > 15 * 1024 * 1024)).toBe(false);
    const next = await s.turn({ input: [userItem('small')] });
    expect(next.events.at(-1)).toMatchObject({ type: 'response.completed' });
    await s.close();
  });

  it('serves frames sent back to back one response at a time, in order, and bounds what may wait', async () => {
    const s = await openResponsesSocket(wsUrl('/backend-api/codex/responses'), {});
    const create = (text: string) => ({ type: 'response.create', model: 'gpt-5.5', input: [userItem(text)] });
    s.send(create('first'));
    s.send(create('second'));
    const done = () => s.events.filter((e) => e['type'] === 'response.completed');
    await expect.poll(() => done().length, POLL).toBe(2);
    const types = s.events.map((e) => e['type']);
    // The second response starts only after the first completed.
    expect(types.indexOf('response.completed')).toBeLessThan(types.lastIndexOf('response.created'));

    pool.sim.injectFault({ kind: 'stall', afterEvents: 2 });
    const before = s.events.length;
    for (let i = 0; i < 18; i++) s.send(create(`q${i}`));
    await expect.poll(() => s.events.slice(before).filter((e) => e['type'] === 'error').length, POLL).toBe(1);
    expect(s.events.slice(before).find((e) => e['type'] === 'error')).toMatchObject({
      status: 429,
      error: { code: 'too_many_queued_responses' },
    });
    s.ws.terminate();
  });

  it('bounds the bytes that may wait too: a third 6 MiB frame behind a stalled response is refused', async () => {
    const s = await openResponsesSocket(wsUrl('/backend-api/codex/responses'), {});
    const create = (text: string) => ({ type: 'response.create', model: 'gpt-5.5', input: [userItem(text)] });
    pool.sim.injectFault({ kind: 'stall', afterEvents: 2 });
    s.send(create('stalls'));
    await pool.sim.waitForRequest((r) => r.frameType === 'response.create' && r.rawBody.includes('stalls'));
    const big = 'x'.repeat(6 * 1024 * 1024);
    for (let i = 0; i < 3; i++) s.send(create(big));
    await expect.poll(() => s.events.filter((e) => e['type'] === 'error').length, POLL).toBe(1);
    expect(s.events.find((e) => e['type'] === 'error')).toMatchObject({
      status: 429,
      error: { code: 'too_many_queued_responses', message: expect.stringContaining('16 MiB') },
    });
    s.ws.terminate();
  });

  it('answers a malformed frame with a 400 error event', async () => {
    const s = await openResponsesSocket(wsUrl('/backend-api/codex/responses'), {});
    s.ws.send('not json');
    await expect.poll(() => s.events.length, POLL).toBe(1);
    expect(s.events[0]).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_json' } });
    const missingModel = await s.turn({ model: undefined, input: [] });
    expect(missingModel.events[0]).toMatchObject({ type: 'error', status: 400, error: { param: 'model' } });
    await s.close();
  });
});

describe('behind an HTTP proxy to upstream', () => {
  it('refuses the upgrade with 426, since the upstream WebSocket would not go through the proxy', async () => {
    const proxied = await startPool({
      accounts: [{ email: 'ws-proxied@example.com', planType: 'pro' }],
      deps: { env: { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' } },
    });
    try {
      const url = `${proxied.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`;
      const refused = await openResponsesSocket(url, {}).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UpgradeRefused);
      expect((refused as UpgradeRefused).status).toBe(426);
    } finally {
      await proxied.close();
    }
  });
});
