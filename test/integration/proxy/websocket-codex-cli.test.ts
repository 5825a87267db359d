import { afterEach, describe, expect, it } from 'vitest';
import { runCodex, type RunCodexOptions } from '../../helpers/codex-cli';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import type { RecordedRequest, ReplyContext } from '../../simulator';

// The real Codex CLI with `supports_websockets = true` pointed at Codex Pool: the pool serves the upgrade and
// bridges it to an upstream WebSocket of a pooled account (PROTOCOL.md §7).
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function codexOverWebSocket(p: PoolHarness): RunCodexOptions {
  const own = p.sim.addAccount({ email: 'cli-own-login@example.com', planType: 'plus' });
  return {
    baseUrl: `${p.core.url}/backend-api/codex`,
    chatgptBaseUrl: `${p.core.url}/backend-api/`,
    authJson: own.authJson(),
    supportsWebsockets: true,
    allowCommands: true,
    prompt: 'Run the two steps',
  };
}

/** Two tool calls, then a final message that quotes the last tool output. */
function scriptTwoSteps(p: PoolHarness): void {
  for (const step of [1, 2])
    p.sim.queueReply({ type: 'tool_call', name: 'exec_command', arguments: { cmd: `echo pool-ws-${step}` } });
  p.sim.queueReply(({ toolOutput }: ReplyContext) => ({
    type: 'text',
    text: toolOutput?.includes('pool-ws-2') ? 'Both steps ran over the pool.' : `Unexpected: ${toolOutput}`,
  }));
}

const creates = (p: PoolHarness): RecordedRequest[] =>
  p.sim.requests.filter((r) => r.transport === 'websocket' && r.frameType === 'response.create');
const upgrades = (p: PoolHarness): RecordedRequest[] =>
  p.sim.requests.filter((r) => r.transport === 'websocket' && r.frameType === undefined);
const posts = (p: PoolHarness): RecordedRequest[] =>
  p.sim.requests.filter((r) => r.method === 'POST' && r.path === '/backend-api/codex/responses');

describe('Codex CLI through Codex Pool over WebSocket', () => {
  it('completes a multi-turn tool session on one pooled socket, chaining only new items', async () => {
    pool = await startPool({ accounts: [{ email: 'ws-pooled@example.com', planType: 'pro' }] });
    scriptTwoSteps(pool);
    const options = codexOverWebSocket(pool);
    const run = await runCodex(options);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Both steps ran over the pool.');

    // Nothing fell back to HTTP, and one upstream socket carried the whole session on the pooled account.
    expect(posts(pool)).toEqual([]);
    const up = upgrades(pool);
    expect(up).toHaveLength(1);
    expect(up[0]!.accountEmail).toBe('ws-pooled@example.com');
    expect(up[0]!.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
    const own = (options.authJson as { tokens: { access_token: string } }).tokens.access_token;
    expect(JSON.stringify(up[0]!.headers)).not.toContain(own);

    const sent = creates(pool);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.every((r) => r.status === 200)).toBe(true);
    // After the first call, each frame carries previous_response_id and only the new items.
    for (const r of sent.slice(1)) expect(r.body?.['previous_response_id']).toEqual(expect.any(String));
    expect(sent.slice(-2).map((r) => (r.body?.['input'] as unknown[]).length)).toEqual([1, 1]);
  });

  it('logs one request row per response, not one per connection', async () => {
    pool = await startPool({ accounts: [{ email: 'ws-log@example.com', planType: 'pro' }] });
    scriptTwoSteps(pool);
    const run = await runCodex(codexOverWebSocket(pool));
    expect(run.exitCode, run.stderr).toBe(0);

    const res = await pool.admin('/api/requests?limit=50');
    const { requests } = (await res.json()) as {
      requests: {
        route: string;
        status: number;
        accountId: string;
        responseId: string | null;
        model: string;
        transport?: string;
      }[];
    };
    const ws = requests.filter((r) => r.route === '/backend-api/codex/responses');
    expect(ws).toHaveLength(creates(pool).length);
    expect(ws.every((r) => r.status === 200 && r.accountId === pool!.ids[0] && r.model === 'gpt-5.5')).toBe(
      true,
    );
    expect(new Set(ws.map((r) => r.responseId)).size).toBe(ws.length);
    expect(ws.every((r) => r.transport === 'websocket')).toBe(true);
    // The export says so too.
    const csv = (await (await pool.admin('/api/requests/export.csv')).text()).trimEnd().split('\r\n');
    const column = csv[0]!.split(',').indexOf('transport');
    expect(column).toBeGreaterThan(0);
    expect(csv.slice(1).map((line) => line.split(',')[column])).toEqual(ws.map(() => 'websocket'));
  });

  it('fails over on a 429 at the first response.create without the CLI noticing', async () => {
    pool = await startPool({
      accounts: [
        { email: 'ws-limited@example.com', planType: 'pro' },
        { email: 'ws-spare@example.com', planType: 'pro' },
      ],
    });
    pool.sim.injectFault({ kind: 'usage_limit_reached', times: 1 });
    scriptTwoSteps(pool);
    const run = await runCodex(codexOverWebSocket(pool));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Both steps ran over the pool.');
    expect(run.stderr).not.toMatch(/usage limit/i);
    // The warm-up (generate:false) went through; the first real call was refused and moved, chain and all.
    const [warmUp, limited, ...rest] = creates(pool);
    expect(warmUp!.body?.['generate']).toBe(false);
    expect(limited!.status).toBe(429);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((r) => r.status === 200 && r.accountEmail !== limited!.accountEmail)).toBe(true);
    expect(rest[0]!.body?.['previous_response_id']).toBeUndefined();
    expect(posts(pool)).toEqual([]);
  });

  it('gets the terminal error event when upstream drops mid-response, and recovers on its own', async () => {
    pool = await startPool({ accounts: [{ email: 'ws-cut@example.com', planType: 'pro' }] });
    scriptTwoSteps(pool);
    // The first real call (after the warm-up) is cut after some of its events reached the CLI.
    pool.sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 6, times: 1 });
    const run = await runCodex(codexOverWebSocket(pool));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Both steps ran over the pool.');
    const rows = (await (await pool.admin('/api/requests?limit=50')).json()) as {
      requests: { errorCode: string | null; transport?: string }[];
    };
    expect(rows.requests.filter((r) => r.errorCode === 'stream_incomplete')).toHaveLength(1);
    // Still over WebSocket after the cut: the CLI reconnected instead of falling back to HTTP.
    expect(posts(pool)).toEqual([]);
  });
});
