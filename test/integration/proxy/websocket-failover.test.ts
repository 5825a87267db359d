import { afterEach, describe, expect, it } from 'vitest';
import { openResponsesSocket, type ResponsesSocket, userItem, POLL } from '../../helpers/responses-socket';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import type { RecordedRequest, ReplyContext } from '../../simulator';

// Failover and broken streams over the pool's WebSocket transport (BALANCER.md §7, PROTOCOL.md §7), driven by a
// plain `ws` client shaped like the Codex CLI (permessage-deflate, one socket, chained turns).
let pool: PoolHarness | undefined;
const sockets: ResponsesSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await pool?.close();
  pool = undefined;
});

async function connect(p: PoolHarness, headers: Record<string, string> = {}): Promise<ResponsesSocket> {
  const url = `${p.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`;
  const s = await openResponsesSocket(url, { 'openai-beta': 'responses_websockets=2026-02-06', ...headers });
  sockets.push(s);
  return s;
}

const creates = (p: PoolHarness): RecordedRequest[] =>
  p.sim.requests.filter((r) => r.transport === 'websocket' && r.frameType === 'response.create');
const responseId = (events: Record<string, unknown>[]): string =>
  (events.at(-1)!['response'] as { id: string }).id;

/** Two pro accounts under fill_first, so the first pick is always `ids[0]` (the lower id, BALANCER.md §3). */
async function twoAccounts(): Promise<PoolHarness> {
  const p = await startPool({
    accounts: [
      { email: 'ws-a@example.com', planType: 'pro' },
      { email: 'ws-b@example.com', planType: 'pro' },
    ],
  });
  await p.admin('/api/settings', {
    method: 'PATCH',
    body: JSON.stringify({ routingStrategy: 'fill_first' }),
  });
  return p;
}

describe('WebSocket failover through the pool', () => {
  it('fails over to another account on a 429 at the first response.create; the client sees only the answer', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'usage_limit_reached', times: 1 });
    const s = await connect(pool);
    const turn = await s.turn({ input: [userItem('hi')] });
    expect(turn.events.at(-1)).toMatchObject({ type: 'response.completed' });
    expect(turn.events.some((e) => e['type'] === 'error')).toBe(false);

    const sent = creates(pool);
    expect(sent.map((r) => r.status)).toEqual([429, 200]);
    expect(new Set(sent.map((r) => r.accountEmail)).size).toBe(2);
    // The limited account is out of rotation, as after an HTTP 429.
    const accounts = (await (await pool.admin('/api/accounts')).json()) as {
      accounts: { email: string; status: string }[];
    };
    expect(accounts.accounts.find((a) => a.email === sent[0]!.accountEmail)?.status).toBe('rate_limited');
  });

  it('resends the whole conversation to the new account when a chained turn fails over', async () => {
    pool = await twoAccounts();
    const seen: { email: string; items: number }[] = [];
    const record = (ctx: ReplyContext) => {
      seen.push({ email: ctx.account.email, items: (ctx.body['input'] as unknown[]).length });
      return { type: 'text' as const, text: `turn ${seen.length}` };
    };
    pool.sim.queueReply(record);
    pool.sim.queueReply(record);
    const s = await connect(pool);
    const first = await s.turn({ input: [userItem('one')] });
    expect(first.events.at(-1)).toMatchObject({ type: 'response.completed' });

    pool.sim.injectFault({ kind: 'usage_limit_reached', account: seen[0]!.email });
    const second = await s.turn({ previous_response_id: responseId(first.events), input: [userItem('two')] });
    expect(second.events.at(-1)).toMatchObject({ type: 'response.completed' });

    // The second account never saw the first response: it got input + output + the new item, unchained.
    expect(seen).toEqual([
      { email: seen[0]!.email, items: 1 },
      { email: expect.not.stringMatching(seen[0]!.email), items: 3 },
    ]);
    const last = creates(pool).at(-1)!;
    expect(last.body?.['previous_response_id']).toBeUndefined();
  });

  it('refreshes the token after a wrapped 401 and retries the same account on a socket opened with the new one', async () => {
    pool = await twoAccounts();
    const s = await connect(pool);
    pool.sim.injectFault({ kind: 'token_invalidated', times: 1 });
    const turn = await s.turn({ input: [userItem('hi')] });
    expect(turn.events.at(-1)).toMatchObject({ type: 'response.completed' });
    const sent = creates(pool);
    expect(sent.map((r) => r.status)).toEqual([401, 200]);
    expect(sent[0]!.accountEmail).toBe(sent[1]!.accountEmail);
    const bearers = pool.sim.requests
      .filter((r) => r.transport === 'websocket' && r.frameType === undefined)
      .map((r) => r.headers.authorization);
    expect(bearers).toHaveLength(2);
    expect(bearers[0]).not.toBe(bearers[1]);
  });

  it('ends a response whose upstream socket dropped mid-stream with the terminal error event, and stays usable', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 6 });
    const s = await connect(pool);
    const cut = await s.turn({ input: [userItem('hi')] });
    expect(cut.closed).toBeUndefined();
    expect(cut.events.length).toBeGreaterThan(1);
    expect(cut.events.at(-1)).toMatchObject({
      type: 'error',
      status: 502,
      error: { code: 'stream_incomplete', type: 'server_error' },
    });
    expect(cut.events.some((e) => e['type'] === 'response.completed')).toBe(false);
    // The same client connection serves the next response on a fresh upstream socket.
    const next = await s.turn({ input: [userItem('again')] });
    expect(next.events.at(-1)).toMatchObject({ type: 'response.completed' });
  });

  it('closes the upstream socket when the client disconnects mid-response', async () => {
    pool = await twoAccounts();
    pool.sim.injectFault({ kind: 'stall', afterEvents: 5 });
    const s = await connect(pool);
    s.send({ type: 'response.create', model: 'gpt-5.5', input: [userItem('hi')] });
    await expect.poll(() => s.events.length, POLL).toBeGreaterThan(0);
    expect(pool.sim.webSocketStats.open).toBe(1);
    s.ws.terminate();
    await expect.poll(() => pool!.sim.webSocketStats.open, POLL).toBe(0);
  });

  it('reconnects upstream transparently after the connection limit, resending the whole conversation', async () => {
    pool = await twoAccounts();
    pool.sim.setWebSocketLimits({ lifetimeMs: 300 });
    const s = await connect(pool);
    const first = await s.turn({ input: [userItem('one')] });
    expect(first.events.at(-1)).toMatchObject({ type: 'response.completed' });
    // Upstream ends its socket at the lifetime (websocket_connection_limit_reached, close 1000); ours stays.
    await expect.poll(() => pool!.sim.webSocketStats.open, POLL).toBe(0);
    pool.sim.setWebSocketLimits({ lifetimeMs: 60 * 60_000 });
    const acceptedBefore = pool.sim.webSocketStats.accepted;

    const second = await s.turn({ previous_response_id: responseId(first.events), input: [userItem('two')] });
    expect(second.events.at(-1)).toMatchObject({ type: 'response.completed' });
    expect(second.events.some((e) => e['type'] === 'error')).toBe(false);
    const last = creates(pool).at(-1)!;
    expect(last.body?.['previous_response_id']).toBeUndefined();
    expect((last.body?.['input'] as unknown[]).length).toBe(3);
    expect(pool.sim.webSocketStats.accepted).toBe(acceptedBefore + 1);
  });

  it('resends the whole conversation on the same socket when upstream lost the chained response', async () => {
    pool = await twoAccounts();
    const s = await connect(pool);
    const first = await s.turn({ input: [userItem('one')] });
    pool.sim.injectFault({ kind: 'error', status: 400, code: 'previous_response_not_found' });
    const second = await s.turn({ previous_response_id: responseId(first.events), input: [userItem('two')] });
    expect(second.events.at(-1)).toMatchObject({ type: 'response.completed' });
    const [, chained, resent] = creates(pool);
    expect(chained!.status).toBe(400);
    expect(resent!.body?.['previous_response_id']).toBeUndefined();
    expect((resent!.body?.['input'] as unknown[]).length).toBe(3);
    expect(resent!.connectionId).toBe(chained!.connectionId);
  });

  it('lets an idle client connection go with 1001 when the server stops', async () => {
    pool = await twoAccounts();
    const s = await connect(pool);
    await s.turn({ input: [userItem('hi')] });
    await pool.close();
    pool = undefined;
    expect(await s.closed).toBe(1001);
  });
});
