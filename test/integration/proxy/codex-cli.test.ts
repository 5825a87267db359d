import { afterEach, describe, expect, it } from 'vitest';
import { runCodex, type RunCodexOptions } from '../../helpers/codex-cli';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import type { ReplyContext } from '../../simulator';

// The real Codex CLI (npm @openai/codex) using Codex Pool as its model provider, exactly as a user would
// configure it (PROTOCOL.md §13/§15). The CLI keeps its own ChatGPT login; the proxy must ignore it.
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function codexAgainst(p: PoolHarness): Pick<RunCodexOptions, 'baseUrl' | 'chatgptBaseUrl' | 'authJson'> {
  // The CLI's own login: a real-looking ChatGPT auth.json of an account that is NOT in the pool.
  const own = p.sim.addAccount({ email: 'cli-user@example.com', planType: 'plus' });
  return {
    baseUrl: `${p.core.url}/backend-api/codex`,
    chatgptBaseUrl: `${p.core.url}/backend-api/`,
    authJson: own.authJson(),
  };
}

const upstreamPosts = (p: PoolHarness) =>
  p.sim.requests.filter((r) => r.path === '/backend-api/codex/responses');

describe('Codex CLI through Codex Pool', () => {
  it('gets its answer from a pooled account, never forwarding its own credentials', async () => {
    pool = await startPool({ accounts: [{ email: 'pooled@example.com', planType: 'pro' }] });
    const options = codexAgainst(pool);
    const run = await runCodex({ ...options, prompt: 'Say hello' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from pooled@example.com');

    const posts = upstreamPosts(pool);
    expect(posts.length).toBeGreaterThan(0);
    const own = (options.authJson as { tokens: { access_token: string } }).tokens.access_token;
    for (const post of posts) {
      expect(post.headers.authorization).toBe(`Bearer ${pool.accounts[0]!.tokens.accessToken}`);
      expect(JSON.stringify(post.headers)).not.toContain(own);
    }
  });

  it('completes a tool-call turn through the proxy', async () => {
    pool = await startPool({ accounts: [{ email: 'tools@example.com', planType: 'plus' }] });
    pool.sim.queueReply(({ body }: ReplyContext) => {
      const names = new Set(((body['tools'] as { name?: string }[] | undefined) ?? []).map((t) => t.name));
      return names.has('exec_command')
        ? { type: 'tool_call', name: 'exec_command', arguments: { cmd: 'echo pool-tool-ok' } }
        : { type: 'tool_call', name: 'shell', arguments: { command: ['bash', '-lc', 'echo pool-tool-ok'] } };
    });
    pool.sim.queueReply(({ toolOutput }: ReplyContext) => ({
      type: 'text',
      text: toolOutput?.includes('pool-tool-ok') ? 'Tool said pool-tool-ok.' : `Unexpected: ${toolOutput}`,
    }));
    const run = await runCodex({ ...codexAgainst(pool), prompt: 'Run echo', allowCommands: true });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Tool said pool-tool-ok.');
    const posts = upstreamPosts(pool);
    expect(posts).toHaveLength(2);
    expect(JSON.stringify(posts[1]!.body)).toContain('function_call_output');
  });

  it('shows "try again at" with the reset time when every pooled account is exhausted', async () => {
    pool = await startPool({
      accounts: [
        { email: 'full-1@example.com', planType: 'plus', usage: { primary: 100 } },
        { email: 'full-2@example.com', planType: 'plus', usage: { primary: 100 } },
      ],
    });
    const run = await runCodex({ ...codexAgainst(pool), prompt: 'Say hello' });
    expect(run.exitCode).not.toBe(0);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).toMatch(/usage limit/i);
    expect(output).toMatch(/try again at/i);
    // Both accounts were tried once (failover), then the pool answered for all of them.
    expect(new Set(upstreamPosts(pool).map((r) => r.accountEmail))).toEqual(
      new Set(['full-1@example.com', 'full-2@example.com']),
    );
  });
});
