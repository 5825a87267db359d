import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  UpgradeRefused,
  accountHeaders,
  openResponsesSocket,
  userItem,
} from '../../helpers/responses-socket';
import type { ResponsesSocket } from '../../helpers/responses-socket';
import { postResponses } from '../../helpers/sim-client';
import { collectSse } from '../../helpers/sse';
import { DEFAULT_WS_LIMITS, createSimulator } from '../../simulator/index';
import type { ReplyContext, SimAccountView, Simulator } from '../../simulator/index';

const types = (events: readonly Record<string, unknown>[]) => events.map((e) => e['type']);
// The Responses WebSocket variant of PROTOCOL.md §7, driven by a plain `ws` client.
describe('simulator WebSocket variant', () => {
  let sim: Simulator;
  let a: SimAccountView;
  const open: ResponsesSocket[] = [];
  const connect = async (account: SimAccountView = a, extra: Record<string, string> = {}) => {
    const s = await openResponsesSocket(sim.responsesWebSocketUrl, { ...accountHeaders(account), ...extra });
    open.push(s);
    return s;
  };
  beforeAll(async () => {
    sim = await createSimulator();
    a = sim.addAccount({
      email: 'ws@example.com',
      planType: 'plus',
      costPerRequest: { primary: 2, secondary: 1 },
    });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    sim.clearFaults();
    sim.setWebSocketLimits(DEFAULT_WS_LIMITS);
  });
  afterAll(() => sim.close());

  it('upgrades on the HTTP path with permessage-deflate and the headers the CLI reads', async () => {
    const s = await connect();
    expect(s.ws.extensions).toContain('permessage-deflate');
    expect(s.upgradeHeaders['x-codex-turn-state']).toMatch(/^ts_ws_/);
    expect(s.upgradeHeaders['x-models-etag']).toBeTruthy();
    expect(s.upgradeHeaders['x-reasoning-included']).toBeDefined();
    expect(s.upgradeHeaders['openai-model']).toBeUndefined();
    sim.setWebSocketUpgradeModel('gpt-5.5');
    try {
      expect((await connect()).upgradeHeaders['openai-model']).toBe('gpt-5.5');
    } finally {
      sim.setWebSocketUpgradeModel(undefined);
    }
    const upgrade = sim.requests.findLast((r) => r.transport === 'websocket' && r.frameType === undefined);
    expect(upgrade).toMatchObject({
      status: 101,
      accountEmail: a.email,
      path: '/backend-api/codex/responses',
    });
  });

  it('refuses the upgrade with the HTTP auth errors and an unknown path with 404', async () => {
    const refusal = (url: string, headers: Record<string, string>) =>
      openResponsesSocket(url, headers).then(
        () => undefined,
        (e: unknown) => e,
      );
    const badToken = await refusal(sim.responsesWebSocketUrl, {
      ...accountHeaders(a),
      authorization: 'Bearer x',
    });
    expect(badToken).toBeInstanceOf(UpgradeRefused);
    expect((badToken as UpgradeRefused).status).toBe(401);
    expect((badToken as UpgradeRefused).body).toContain('token_invalidated');
    const { 'chatgpt-account-id': _, ...noAccount } = accountHeaders(a);
    expect(((await refusal(sim.responsesWebSocketUrl, noAccount)) as UpgradeRefused).status).toBe(403);
    const elsewhere = sim.responsesWebSocketUrl.replace('/codex/responses', '/codex/other');
    expect(((await refusal(elsewhere, accountHeaders(a))) as UpgradeRefused).status).toBe(404);
  });

  it('answers response.create with the SSE event sequence, led by codex.rate_limits, and spends usage as HTTP does', async () => {
    const before = a.families.get('codex')!.primary.usedPercent;
    const s = await connect();
    const turn = await s.turn({ input: [userItem('hi')] });
    const res = await postResponses(sim.upstreamBaseUrl, a, { input: [userItem('hi')] });
    const sse = await collectSse(res.body!);
    expect(types(turn.events)).toEqual(['codex.rate_limits', ...sse.map((e) => e.data['type'])]);
    expect(turn.events[0]).toMatchObject({
      plan_type: 'plus',
      rate_limits: { primary: { used_percent: before, window_minutes: expect.any(Number) } },
    });
    expect(turn.events.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { status: 'completed' },
    });
    // One WebSocket response and one HTTP response: the same cost each.
    expect(a.families.get('codex')!.primary.usedPercent).toBe(before + 4);
    const frame = sim.requests.findLast((r) => r.frameType === 'response.create');
    expect(frame).toMatchObject({
      transport: 'websocket',
      status: 200,
      outcome: 'completed',
      accountEmail: a.email,
    });
    expect(frame?.rawBody.length).toBe(Buffer.byteLength(JSON.stringify(frame?.body)));
    expect(frame?.wireBytes).toBeGreaterThan(0);
  });

  it('chains previous_response_id from the last response of the connection: only new items are sent', async () => {
    const seen: number[] = [];
    const script = (ctx: ReplyContext) => {
      seen.push((ctx.body['input'] as unknown[]).length);
      return { type: 'text' as const, text: `turn ${seen.length}` };
    };
    sim.queueReply(script, a);
    sim.queueReply(script, a);
    const s = await connect();
    const first = await s.turn({ input: [userItem('one')] });
    const id = (first.events.at(-1)!['response'] as { id: string }).id;
    const second = await s.turn({ previous_response_id: id, input: [userItem('two')] });
    expect(second.events.at(-1)?.['type']).toBe('response.completed');
    // The model saw the whole conversation: first input, first output, the new item.
    expect(seen).toEqual([1, 3]);
    // Only the latest response is cached; an older id or another connection's id is unknown.
    const stale = await s.turn({ previous_response_id: id, input: [userItem('three')] });
    expect(stale.events).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 400,
        error: expect.objectContaining({
          code: 'previous_response_not_found',
          param: 'previous_response_id',
        }),
      }),
    ]);
    const other = await connect();
    const lastId = (second.events.at(-1)!['response'] as { id: string }).id;
    const elsewhere = await other.turn({ previous_response_id: lastId, input: [userItem('x')] });
    expect(elsewhere.events[0]).toMatchObject({ type: 'error', status: 400 });
  });

  it('warms up with generate:false without spending usage, and the warm-up id chains', async () => {
    const before = a.families.get('codex')!.primary.usedPercent;
    const s = await connect();
    const warm = await s.turn({ generate: false, input: [userItem('base prompt')] });
    expect(types(warm.events)).toEqual(['response.created', 'response.completed']);
    expect(a.families.get('codex')!.primary.usedPercent).toBe(before);
    const id = (warm.events[1]!['response'] as { id: string }).id;
    const next = await s.turn({ previous_response_id: id, input: [userItem('go')] });
    expect(next.events.at(-1)?.['type']).toBe('response.completed');
  });

  it('wraps an HTTP fault as the error event with status and headers, and keeps the connection open', async () => {
    sim.injectFault({ kind: 'usage_limit_reached', account: a });
    const s = await connect();
    const refused = await s.turn({ input: [userItem('hi')] });
    expect(refused.events).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 429,
        error: expect.objectContaining({ type: 'usage_limit_reached', resets_at: expect.any(Number) }),
        headers: expect.objectContaining({ 'x-codex-active-limit': 'codex' }),
      }),
    ]);
    sim.injectFault({ kind: 'server_error', account: a });
    expect((await s.turn({ input: [] })).events[0]).toMatchObject({ type: 'error', status: 500 });
    // The preset a proxy test uses to make upstream forget the chain, without a chain.
    sim.injectFault({ kind: 'previous_response_not_found', account: a });
    expect((await s.turn({ input: [] })).events[0]).toMatchObject({
      type: 'error',
      status: 400,
      error: { code: 'previous_response_not_found', param: 'previous_response_id' },
    });
    expect((await s.turn({ input: [] })).events.at(-1)?.['type']).toBe('response.completed');
  });

  it('drops the socket mid-response without a terminal event, and stalls until the client leaves', async () => {
    sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 3, account: a });
    const s = await connect();
    const cut = await s.turn({ input: [] });
    expect(cut.closed?.code).toBe(1006);
    expect(cut.events).toHaveLength(3);
    expect(cut.events.some((e) => e['type'] === 'response.completed')).toBe(false);

    sim.injectFault({ kind: 'stall', afterEvents: 2, account: a });
    const t = await connect();
    const openBefore = sim.webSocketStats.open;
    const seqBefore = sim.requests.at(-1)?.seq ?? 0;
    t.send({ type: 'response.create', model: 'gpt-5.5', store: false, input: [] });
    await expect.poll(() => t.events.length, { timeout: 10_000 }).toBe(2);
    const frame = await sim.waitForRequest((r) => r.seq > seqBefore && r.frameType === 'response.create');
    expect(frame.outcome).toBeUndefined();
    await t.close();
    await expect.poll(() => sim.webSocketStats.open, { timeout: 10_000 }).toBe(openBefore - 1);
    await sim.waitForRequest((r) => r.seq === frame.seq && r.outcome === 'stalled');
  });

  it('refuses the handshake itself with a websocket_handshake fault', async () => {
    sim.injectFault({ kind: 'server_is_overloaded', route: 'websocket_handshake', account: a });
    const e = await openResponsesSocket(sim.responsesWebSocketUrl, accountHeaders(a)).catch(
      (x: unknown) => x,
    );
    expect((e as UpgradeRefused).status).toBe(503);
    // One-shot: the next upgrade succeeds.
    expect((await connect()).ws.readyState).toBe(1);
  });

  it('ends a connection at its lifetime with websocket_connection_limit_reached, then closes 1000', async () => {
    sim.setWebSocketLimits({ lifetimeMs: 50 });
    const s = await connect();
    expect(await s.closed).toBe(1000);
    expect(s.events.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'websocket_connection_limit_reached' },
    });
  });

  it('closes with 1009 on a frame over the size limit and records it', async () => {
    sim.setWebSocketLimits({ maxFrameBytes: 4096 });
    const s = await connect();
    s.send({ type: 'response.create', model: 'gpt-5.5', input: [userItem('x'.repeat(8000))] });
    expect(await s.closed).toBe(1009);
    await sim.waitForRequest((r) => r.frameType === 'oversize' && r.status === 1009);
  });
});
