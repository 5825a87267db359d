import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postResponses } from '../../helpers/sim-client';
import { collectSse, readSse } from '../../helpers/sse';
import type { SseEvent } from '../../helpers/sse';
import { createSimulator } from '../../simulator/index';
import type { FaultSpec, SimAccountView, Simulator } from '../../simulator/index';

describe('simulator fault injection', () => {
  let sim: Simulator;
  let a: SimAccountView;
  beforeAll(async () => {
    sim = await createSimulator();
    a = sim.addAccount({ email: 'faults@example.com', planType: 'plus' });
  });
  afterAll(() => sim.close());

  const httpCases: [FaultSpec, number, Record<string, unknown>, Record<string, string>?][] = [
    [{ kind: 'server_error' }, 500, { code: 'server_error' }],
    [{ kind: 'server_is_overloaded' }, 503, { code: 'server_is_overloaded' }],
    [{ kind: 'token_invalidated' }, 401, { code: 'token_invalidated' }],
    [
      { kind: 'rate_limit_exceeded' },
      429,
      { code: 'rate_limit_exceeded', message: expect.stringContaining('Please try again in 20s.') },
      { 'retry-after': '20' },
    ],
    [{ kind: 'insufficient_quota' }, 429, { code: 'insufficient_quota' }],
    [{ kind: 'usage_not_included' }, 429, { type: 'usage_not_included' }],
    [
      { kind: 'usage_limit_reached' },
      429,
      { type: 'usage_limit_reached', resets_at: expect.any(Number) },
      { 'x-codex-active-limit': 'codex' },
    ],
    [{ kind: 'account_deactivated' }, 403, { code: 'account_deactivated' }],
    [
      { kind: 'model_not_supported' },
      400,
      {
        type: 'invalid_request_error',
        message: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account.",
      },
    ],
    [{ kind: 'error', status: 401, code: 'app_session_terminated' }, 401, { code: 'app_session_terminated' }],
    [
      { kind: 'previous_response_not_found' },
      400,
      { type: 'invalid_request_error', code: 'previous_response_not_found', param: 'previous_response_id' },
    ],
  ];

  it.each(httpCases)(
    '%o → HTTP %i with the upstream error body',
    async (spec, status, error, headers = {}) => {
      const handle = sim.injectFault({ ...spec, account: a });
      const res = await postResponses(sim.upstreamBaseUrl, a);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject(error);
      for (const [k, v] of Object.entries(headers)) expect(res.headers.get(k)).toBe(v);
      expect(handle.hits).toBe(1);
      // One-shot: the next request is served normally.
      expect((await postResponses(sim.upstreamBaseUrl, a)).status).toBe(200);
    },
  );

  it('response_failed is the first and only event', async () => {
    sim.injectFault({ kind: 'response_failed', code: 'server_error', account: a });
    const events = await collectSse((await postResponses(sim.upstreamBaseUrl, a)).body!);
    expect(events.map((e) => e.event)).toEqual(['response.failed']);
    expect(events[0]?.data).toMatchObject({
      response: { status: 'failed', error: { code: 'server_error' } },
    });
  });

  it('reset_before_headers destroys the connection', async () => {
    sim.injectFault({ kind: 'reset_before_headers', account: a });
    await expect(postResponses(sim.upstreamBaseUrl, a)).rejects.toThrow();
  });

  it('reset_mid_stream cuts after N events with no terminal event', async () => {
    sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 3, account: a });
    const res = await postResponses(sim.upstreamBaseUrl, a);
    expect(res.status).toBe(200);
    const seen: SseEvent[] = [];
    await expect(
      (async () => {
        for await (const e of readSse(res.body!)) seen.push(e);
      })(),
    ).rejects.toThrow();
    expect(seen.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
    ]);
  });

  it('stall sends N events then nothing until the client leaves', async () => {
    sim.injectFault({ kind: 'stall', afterEvents: 2, account: a });
    const controller = new AbortController();
    const res = await postResponses(sim.upstreamBaseUrl, a, {}, { signal: controller.signal });
    const it = readSse(res.body!);
    expect((await it.next()).value?.event).toBe('response.created');
    expect((await it.next()).value?.event).toBe('response.in_progress');
    // Proving silence needs a bounded wait: nothing may arrive within 300 ms.
    const next = it.next().catch(() => 'aborted' as const);
    const winner = await Promise.race([next, new Promise((r) => setTimeout(() => r('silent'), 300))]);
    expect(winner).toBe('silent');
    controller.abort();
    await next;
    const rec = await sim.waitForRequest((r) => r.outcome === 'stalled');
    expect(rec.accountEmail).toBe(a.email);
  });

  it('delay holds the headers; slow_first_byte holds only the body', async () => {
    sim.injectFault({ kind: 'delay', ms: 300, account: a });
    let t0 = performance.now();
    const delayed = await postResponses(sim.upstreamBaseUrl, a);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    await collectSse(delayed.body!);

    sim.injectFault({ kind: 'slow_first_byte', ms: 400, account: a });
    t0 = performance.now();
    const slow = await postResponses(sim.upstreamBaseUrl, a);
    const headersAt = performance.now() - t0;
    const events = await collectSse(slow.body!);
    const bodyAt = performance.now() - t0;
    expect(headersAt).toBeLessThan(390);
    expect(bodyAt).toBeGreaterThanOrEqual(390);
    expect(events.at(-1)?.event).toBe('response.completed');
  });

  it('targets faults by account and count', async () => {
    const b = sim.addAccount({ email: 'other@example.com' });
    const handle = sim.injectFault({ kind: 'server_error', account: b, times: 2 });
    expect((await postResponses(sim.upstreamBaseUrl, a)).status).toBe(200);
    expect((await postResponses(sim.upstreamBaseUrl, b)).status).toBe(500);
    expect((await postResponses(sim.upstreamBaseUrl, b)).status).toBe(500);
    expect((await postResponses(sim.upstreamBaseUrl, b)).status).toBe(200);
    expect(handle).toMatchObject({ hits: 2, remaining: 0 });
  });

  it('faults other routes: models and usage', async () => {
    sim.injectFault({ kind: 'server_is_overloaded', route: 'usage' });
    const headers = {
      authorization: `Bearer ${a.tokens.accessToken}`,
      'chatgpt-account-id': a.chatgptAccountId,
    };
    expect((await fetch(`${sim.upstreamBaseUrl}/wham/usage`, { headers })).status).toBe(503);
    expect((await fetch(`${sim.upstreamBaseUrl}/wham/usage`, { headers })).status).toBe(200);
    const models = await fetch(`${sim.upstreamBaseUrl}/codex/models?client_version=0.169.0`, { headers });
    const etag = models.headers.get('etag') ?? '';
    expect(((await models.json()) as { models: { slug: string }[] }).models.map((m) => m.slug)).toEqual(
      expect.arrayContaining(['gpt-5.5', 'gpt-5.3-codex-spark']),
    );
    expect(
      (await fetch(`${sim.upstreamBaseUrl}/codex/models`, { headers: { ...headers, 'if-none-match': etag } }))
        .status,
    ).toBe(304);
    const compact = await fetch(`${sim.upstreamBaseUrl}/codex/responses/compact`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        instructions: '',
        input: [{ type: 'message', role: 'user', content: [] }],
      }),
    });
    expect(((await compact.json()) as { output: unknown[] }).output).toHaveLength(2);
  });
});
