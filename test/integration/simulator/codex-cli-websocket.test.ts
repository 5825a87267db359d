import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCodex } from '../../helpers/codex-cli';
import type { RunCodexOptions } from '../../helpers/codex-cli';
import { createSimulator } from '../../simulator/index';
import type { RecordedRequest, ReplyContext, Simulator } from '../../simulator/index';

/** Three tool calls with the shell tool Codex 0.169 advertises, then a final message quoting the last output. */
function scriptedSession(sim: Simulator, email: string): void {
  for (let i = 1; i <= 3; i++)
    sim.queueReply(
      { type: 'tool_call', name: 'exec_command', arguments: { cmd: `echo ws-step-${i}` } },
      email,
    );
  sim.queueReply(
    ({ toolOutput }: ReplyContext) => ({
      type: 'text',
      text: toolOutput?.includes('ws-step-3') ? 'All three steps ran.' : `Unexpected: ${toolOutput}`,
    }),
    email,
  );
}

const items = (r: RecordedRequest) => (r.body?.['input'] as unknown[] | undefined)?.length ?? 0;

// The real Codex CLI with `supports_websockets = true`, talking to the simulator's WebSocket variant directly:
// proves the simulator speaks the protocol the CLI expects (PROTOCOL.md §7).
describe('Codex CLI against the simulator over WebSocket', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  const options = (): Pick<
    RunCodexOptions,
    'baseUrl' | 'chatgptBaseUrl' | 'refreshTokenUrl' | 'supportsWebsockets' | 'allowCommands'
  > => ({
    baseUrl: `${sim.upstreamBaseUrl}/codex`,
    chatgptBaseUrl: `${sim.upstreamBaseUrl}/`,
    refreshTokenUrl: sim.tokenUrl,
    supportsWebsockets: true,
    allowCommands: true,
  });
  const ofAccount = (email: string) =>
    sim.requests.filter((r) => r.path === '/backend-api/codex/responses' && r.accountEmail === email);

  it('runs a multi-turn tool session on one socket, sending only new items after the first call', async () => {
    const a = sim.addAccount({ email: 'ws-cli@example.com', planType: 'pro' });
    scriptedSession(sim, a.email);
    const run = await runCodex({ ...options(), authJson: a.authJson(), prompt: 'Run the three steps' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('All three steps ran.');

    const seen = ofAccount(a.email);
    expect(seen.filter((r) => r.method === 'POST')).toEqual([]);
    const upgrades = seen.filter((r) => r.transport === 'websocket' && r.frameType === undefined);
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]?.status).toBe(101);
    expect(upgrades[0]?.headers).toMatchObject({
      'openai-beta': 'responses_websockets=2026-02-06',
      'chatgpt-account-id': a.chatgptAccountId,
      authorization: `Bearer ${a.tokens.accessToken}`,
    });
    const creates = seen.filter((r) => r.frameType === 'response.create');
    // A warm-up (generate:false) then four model calls, each chained to the response before it.
    expect(creates.map((r) => r.body?.['generate'])).toEqual([
      false,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(creates.every((r) => r.status === 200 && r.outcome === 'completed')).toBe(true);
    for (const r of creates.slice(1)) expect(r.body?.['previous_response_id']).toEqual(expect.any(String));
    // After each tool call only its function_call_output travels, not the history.
    expect(creates.slice(2).map(items)).toEqual([1, 1, 1]);
  });

  it('reconnects with the full input after a socket dropped mid-response, and completes', async () => {
    const a = sim.addAccount({ email: 'ws-cli-cut@example.com', planType: 'pro' });
    scriptedSession(sim, a.email);
    sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 4, account: a });
    const run = await runCodex({ ...options(), authJson: a.authJson(), prompt: 'Run the three steps' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('All three steps ran.');
    const creates = ofAccount(a.email).filter((r) => r.frameType === 'response.create');
    const cut = creates.findIndex((r) => r.outcome === 'cut');
    expect(cut).toBeGreaterThanOrEqual(0);
    const retry = creates[cut + 1];
    expect(retry?.connectionId).not.toBe(creates[cut]?.connectionId);
    expect(retry?.body?.['previous_response_id']).toBeUndefined();
    expect(items(retry!)).toBeGreaterThan(items(creates[cut]!));
  });

  it('falls back to HTTP for the rest of the session when the upgrade is refused with 426', async () => {
    const a = sim.addAccount({ email: 'ws-cli-426@example.com', planType: 'pro' });
    scriptedSession(sim, a.email);
    sim.injectFault({
      kind: 'error',
      status: 426,
      route: 'websocket_handshake',
      account: a,
      times: Infinity,
    });
    try {
      const run = await runCodex({ ...options(), authJson: a.authJson(), prompt: 'Run the three steps' });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout).toContain('All three steps ran.');
      const seen = ofAccount(a.email);
      expect(seen.filter((r) => r.transport === 'websocket').map((r) => r.status)).toEqual([426]);
      expect(seen.filter((r) => r.method === 'POST')).toHaveLength(4);
    } finally {
      sim.clearFaults();
    }
  });
});
