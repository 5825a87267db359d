import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { collectSse } from '../../helpers/sse';

// What the proxy does to a request body: Codex's own bodies go upstream byte for byte (issue 14), others are
// rewritten by PROTOCOL.md §5, and no body, however deep, crashes the server (issue 8).
let pool: PoolHarness;
beforeAll(async () => {
  pool = await startPool({ accounts: [{ email: 'only@example.com', planType: 'plus' }] });
});
afterAll(() => pool.close());

const post = (path: string, body: string) =>
  pool.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

const codexBody = JSON.stringify({
  model: 'gpt-5.5',
  instructions: 'You are Codex.',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'héllo  "quoted"\n' }] }],
  tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } }],
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'conv-1',
});

const lastUpstreamBody = () =>
  pool.sim.requests
    .filter((r) => r.path === '/backend-api/codex/responses')
    .at(-1)
    ?.rawBody.toString();

describe('request bodies', () => {
  it('forwards a body that follows every rule byte for byte', async () => {
    // Odd spacing a re-serialisation would lose.
    const sent = codexBody.replace('"store":false', '"store" :  false');
    const res = await post('/backend-api/codex/responses', sent);
    expect(res.status).toBe(200);
    await collectSse(res.body!);
    expect(lastUpstreamBody()).toBe(sent);
  });

  it('rewrites a body that breaks a rule', async () => {
    const res = await post(
      '/backend-api/codex/responses',
      codexBody.replace('"store":false', '"store":true'),
    );
    expect(res.status).toBe(200);
    await collectSse(res.body!);
    expect(JSON.parse(lastUpstreamBody()!)).toMatchObject({ store: false });
  });

  it.each([
    [
      '100,000 nested arrays in input',
      '/v1/responses',
      (deep: string) => `{"model":"gpt-5.5","input":[${deep}]}`,
      '[',
    ],
    [
      '10,000 nested objects in a tool',
      '/v1/chat/completions',
      (deep: string) =>
        `{"model":"gpt-5.5","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`,
      '{',
    ],
  ])('answers %s with a 400 and stays healthy', async (_name, path, wrap, open) => {
    const depth = open === '[' ? 100_000 : 10_000;
    const deep =
      open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const res = await post(path, wrap(deep));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/nested too deeply/);
    const ok = await post('/backend-api/codex/responses', codexBody);
    expect(ok.status).toBe(200);
    await collectSse(ok.body!);
  });
});

describe('upstream refusals', () => {
  it("passes on upstream's reason for a 400 with a detail body, with upstream's status", async () => {
    pool.sim.injectFault({
      kind: 'detail_error',
      message: 'Model gpt-9 does not exist (token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc)',
    });
    const res = await post('/backend-api/codex/responses', codexBody);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Upstream answered HTTP 400: Model gpt-9 does not exist/);
    expect(body.error.message).not.toContain('eyJhbGciOiJIUzI1NiJ9');
  });

  it('says when to try again on a usage limit, in Retry-After as in resets_at', async () => {
    pool.sim.injectFault({ kind: 'usage_limit_reached' });
    const res = await post('/backend-api/codex/responses', codexBody);
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { message: string; resets_at?: number } };
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(body.error.resets_at).toBeGreaterThan(Date.now() / 1000);
    // The header and the body name the same moment (to the second, give or take the request's own time).
    expect(Math.abs(body.error.resets_at! - Date.now() / 1000 - retryAfter)).toBeLessThan(5);
  });
});
