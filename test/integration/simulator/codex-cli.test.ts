import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCodex } from '../../helpers/codex-cli';
import type { RunCodexOptions } from '../../helpers/codex-cli';
import { createSimulator } from '../../simulator/index';
import type { ReplyContext, Simulator } from '../../simulator/index';

// The real Codex CLI (npm @openai/codex, native binary) talking to the simulator over plain HTTP.
describe('Codex CLI against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  const codexOptions = (): Pick<RunCodexOptions, 'baseUrl' | 'chatgptBaseUrl' | 'refreshTokenUrl'> => ({
    baseUrl: `${sim.upstreamBaseUrl}/codex`,
    chatgptBaseUrl: `${sim.upstreamBaseUrl}/`,
    refreshTokenUrl: sim.tokenUrl,
  });
  const responsesOf = (email: string) =>
    sim.requests.filter((r) => r.path === '/backend-api/codex/responses' && r.accountEmail === email);

  it('prints the streamed text and sends the native headers and body', async () => {
    const a = sim.addAccount({ email: 'cli-text@example.com', planType: 'plus' });
    const run = await runCodex({ ...codexOptions(), authJson: a.authJson(), prompt: 'Say hello' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from cli-text@example.com');

    const [post] = responsesOf(a.email);
    expect(post?.status).toBe(200);
    expect(post?.headers).toMatchObject({
      authorization: `Bearer ${a.tokens.accessToken}`,
      'chatgpt-account-id': a.chatgptAccountId,
      originator: 'codex_exec',
      accept: 'text/event-stream',
    });
    expect(post?.headers['session-id']).toBe(post?.body?.['prompt_cache_key']);
    expect(post?.body).toMatchObject({ model: 'gpt-5.5', stream: true, store: false });
    expect(
      sim.requests.some(
        (r) => r.path === '/backend-api/codex/models' && r.query.startsWith('client_version='),
      ),
    ).toBe(true);
  });

  it('completes a tool turn: function call, local command, function_call_output, final text', async () => {
    const a = sim.addAccount({ email: 'cli-tool@example.com', planType: 'pro' });
    // Pick the shell tool Codex advertises (0.169 offers `exec_command {cmd}`; older builds `shell`).
    sim.queueReply(({ body }: ReplyContext) => {
      const tools = (body['tools'] as { name?: string }[] | undefined) ?? [];
      const names = new Set(tools.map((t) => t.name));
      if (names.has('exec_command'))
        return { type: 'tool_call', name: 'exec_command', arguments: { cmd: 'echo sim-tool-ok' } };
      if (names.has('shell_command'))
        return { type: 'tool_call', name: 'shell_command', arguments: { command: 'echo sim-tool-ok' } };
      return {
        type: 'tool_call',
        name: 'shell',
        arguments: { command: ['bash', '-lc', 'echo sim-tool-ok'] },
      };
    }, a);
    sim.queueReply(
      ({ toolOutput }: ReplyContext) => ({
        type: 'text',
        text: toolOutput?.includes('sim-tool-ok')
          ? 'The command printed sim-tool-ok.'
          : `Unexpected: ${toolOutput}`,
      }),
      a,
    );
    const run = await runCodex({
      ...codexOptions(),
      authJson: a.authJson(),
      prompt: 'Run echo',
      allowCommands: true,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('The command printed sim-tool-ok.');

    const posts = responsesOf(a.email);
    expect(posts).toHaveLength(2);
    const input = (posts[1]?.body?.['input'] ?? []) as {
      type?: string;
      call_id?: string;
      output?: unknown;
    }[];
    const output = input.find((i) => i.type === 'function_call_output');
    expect(output?.call_id).toBe(
      'call_sim_' + /\d+/.exec(JSON.stringify(input.find((i) => i.type === 'function_call')))?.[0],
    );
    expect(JSON.stringify(output?.output)).toContain('sim-tool-ok');
  });

  it('refreshes through CODEX_REFRESH_TOKEN_URL_OVERRIDE after a 401 and retries', async () => {
    const a = sim.addAccount({ email: 'cli-refresh@example.com', planType: 'team' });
    const auth = a.authJson();
    a.expireAccessToken();
    const run = await runCodex({ ...codexOptions(), authJson: auth, prompt: 'Say hello' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from cli-refresh@example.com');

    const refresh = sim.requests.find((r) => r.path === '/oauth/token' && r.accountEmail === a.email);
    expect(refresh?.body).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: auth.tokens.refresh_token,
    });
    expect(refresh?.status).toBe(200);
    const statuses = responsesOf(a.email).map((r) => r.status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(200);
    // Codex wrote the rotated set back to its auth.json.
    expect((run.authJsonAfter as typeof auth).tokens.refresh_token).toBe(a.tokens.refreshToken);
  });

  it('stops on 429 usage_limit_reached without retrying', async () => {
    const a = sim.addAccount({ email: 'cli-full@example.com', usage: { primary: 100 } });
    const run = await runCodex({ ...codexOptions(), authJson: a.authJson(), prompt: 'Say hello' });
    expect(run.exitCode).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/usage limit/i);
    expect(responsesOf(a.email).map((r) => r.status)).toEqual([429]);
  });
});
