import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';

// What a client sees for bad input, header hygiene and proxy API keys: every refusal is a clear 4xx in the
// OpenAI envelope, and nothing the client sends as a credential ever reaches upstream.
let pool: PoolHarness;
beforeAll(async () => {
  pool = await startPool({ accounts: [{ email: 'only@example.com', planType: 'plus' }] });
});
afterAll(() => pool.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  pool.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

async function errorOf(
  res: Response,
): Promise<{ status: number; code: string; message: string; param?: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; param?: string } };
  return { status: res.status, ...body.error };
}

describe('bad input', () => {
  it.each([
    ['malformed JSON', '/v1/responses', '{"model":', 400, 'invalid_json'],
    ['an empty body', '/v1/responses', '', 400, 'invalid_json'],
    ['a missing model', '/v1/responses', '{"input":"hi"}', 400, 'missing_required_parameter'],
    [
      'a model of the wrong type',
      '/backend-api/codex/responses',
      '{"model":5,"input":"hi"}',
      400,
      'invalid_type',
    ],
    ['a missing input', '/v1/responses', '{"model":"gpt-5.5"}', 400, 'missing_required_parameter'],
    [
      'chat with n > 1',
      '/v1/chat/completions',
      '{"model":"gpt-5.5","messages":[{"role":"user","content":"x"}],"n":3}',
      400,
      null,
    ],
  ])('%s → %i', async (_name, path, body, status, code) => {
    const error = await errorOf(await post(path, body));
    expect(error.status).toBe(status);
    if (code) expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(5);
  });

  it('refuses a body over the size limit with 413 before reading it all', async () => {
    const { request } = await import('node:http');
    const size = 40 * 1024 * 1024;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${pool.core.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': size },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 0x20)); // a little of the body; the declared length is what counts
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('request_too_large');
  });

  it('answers unknown routes and wrong methods in the envelope', async () => {
    expect(await errorOf(await pool.fetch('/v1/nope'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await errorOf(await pool.fetch('/v1/responses'))).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
    });
  });

  it('refuses a WebSocket upgrade on a path it does not serve over WebSocket (426)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${pool.core.url}/backend-api/codex/models`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'x',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(426);
  });
});

describe('header hygiene', () => {
  it('never forwards the client credentials or forwarding headers, and relays turn state both ways', async () => {
    pool.sim.clearRequests();
    const res = await post(
      '/backend-api/codex/responses',
      JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true }),
      {
        authorization: 'Bearer client-own-chatgpt-token',
        'chatgpt-account-id': 'client-own-account',
        'x-forwarded-for': '10.0.0.1',
        cookie: 'cp_session=abc',
        'x-codex-turn-state': 'turn-state-1',
        'session-id': 'conv-1',
        originator: 'codex_exec',
      },
    );
    expect(res.status).toBe(200);
    await collectSse(res.body!);
    const upstream = pool.sim.requests.find((r) => r.path === '/backend-api/codex/responses')!;
    const sent = JSON.stringify(upstream.headers);
    expect(sent).not.toContain('client-own-chatgpt-token');
    expect(sent).not.toContain('client-own-account');
    expect(upstream.headers['x-forwarded-for']).toBeUndefined();
    expect(upstream.headers.cookie).toBeUndefined();
    expect(upstream.headers['x-codex-turn-state']).toBe('turn-state-1');
    expect(upstream.headers['session-id']).toBe('conv-1');
    expect(upstream.headers['chatgpt-account-id']).toBe(pool.accounts[0]!.chatgptAccountId);
    // Upstream stored store:false / stream:true whatever the client asked.
    expect(upstream.body).toMatchObject({ store: false, stream: true });
    // The client sees the pool's quota headers, not one account's.
    expect(res.headers.get('x-codex-primary-used-percent')).toMatch(/^\d+(\.\d+)?$/);
  });
});

describe('proxy API keys', () => {
  it('are ignored on loopback by default, and required once the user turns them on', async () => {
    const ok = await post('/v1/responses', JSON.stringify({ model: 'gpt-5.5', input: 'hi' }));
    expect(ok.status).toBe(200);
    await ok.text();

    const created = await pool.admin('/api/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'laptop' }),
    });
    expect(created.status).toBe(201);
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string; prefix: string } };
    expect(key).toMatch(/^cp-/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const listed = await (await pool.admin('/api/keys')).text();
    expect(listed).not.toContain(key);

    await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ requireApiKey: true }) });
    try {
      const body = JSON.stringify({ model: 'gpt-5.5', input: 'hi' });
      expect(await errorOf(await post('/v1/responses', body))).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
      expect(
        await errorOf(await post('/v1/responses', body, { authorization: 'Bearer cp-wrong' })),
      ).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
      const good = await post('/v1/responses', body, { authorization: `Bearer ${key}` });
      expect(good.status).toBe(200);
      await good.text();
      // A revoked key stops working at once.
      expect((await pool.admin(`/api/keys/${apiKey.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await post('/v1/responses', body, { authorization: `Bearer ${key}` })).status).toBe(401);
    } finally {
      await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ requireApiKey: false }) });
    }
  });
});

describe('request history', () => {
  it('records one row per request with account, model, status, tokens and why', async () => {
    const res = await post('/v1/responses', JSON.stringify({ model: 'gpt-5.5', input: 'hi' }));
    expect(res.status).toBe(200);
    await res.text();
    const { requests } = (await (await pool.admin('/api/requests?limit=1')).json()) as {
      requests: Array<Record<string, unknown>>;
    };
    expect(requests[0]).toMatchObject({
      accountId: pool.ids[0],
      model: 'gpt-5.5',
      status: 200,
      route: '/v1/responses',
      attempts: 1,
      stream: false,
      errorCode: null,
    });
    expect(requests[0]!.outputTokens).toEqual(expect.any(Number));
    expect(String(requests[0]!.reason)).toContain('capacity_weighted');
    expect(await errorOf(await pool.admin('/api/requests?limit=0'))).toMatchObject({
      status: 400,
      param: 'limit',
    });
  });
});

describe('web pages cannot use the proxy', () => {
  const body = JSON.stringify({ model: 'gpt-5.5', input: 'hi' });
  it('refuses a cross-site browser request (no quota spent), and a DNS-rebound host name', async () => {
    pool.sim.clearRequests();
    // What a page on evil.example sends with fetch(..., {mode: 'no-cors'}) or a form post.
    const crossSite = await post('/v1/responses', body, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(await errorOf(crossSite)).toMatchObject({ status: 403, code: 'cross_site_request' });
    const { request } = await import('node:http');
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(`${pool.core.url}/v1/responses`, {
        method: 'POST',
        headers: { host: 'evil.example:2455', 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(rebound).toBe(421);
    expect(pool.sim.requests.filter((r) => r.path === '/backend-api/codex/responses')).toHaveLength(0);
    // Agents send no Origin and no Sec-Fetch-Site: unaffected.
    const agent = await post('/v1/responses', body);
    expect(agent.status).toBe(200);
    await agent.text();
  });
});
