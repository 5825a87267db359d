import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'jsonc-parser';
import { connectTestResultSchema } from '../../../shared/api';
import { startConnectPool, type ConnectHarness } from './helpers';

const exec = promisify(execFile);
let pool: ConnectHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const JSONC = `{
  "$schema": "https://opencode.ai/config.json",
  // My theme — keep this comment
  "theme": "tokyonight",
  /* block comment about MCP */
  "mcp": {
    "docs": { "type": "local", "command": ["node", "docs.js"], "enabled": false }, // trailing
  },
}
`;

describe('codex-pool connect opencode', () => {
  it('points the openai provider at /v1 with the pool models, keeping every comment, and undo restores the bytes', async () => {
    pool = await startConnectPool();
    const dir = join(pool.home, '.config', 'opencode');
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'opencode.jsonc');
    await writeFile(path, JSONC);

    const shown = await pool.preview('opencode');
    expect(shown.configPath).toBe(path);
    expect(shown.diff).toContain(`+        "baseURL": "${pool.core.url}/v1"`);
    expect(shown.diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    await pool.apply('opencode');

    const after = await readFile(path, 'utf8');
    for (const comment of [
      '// My theme — keep this comment',
      '/* block comment about MCP */',
      '// trailing',
    ]) {
      expect(after).toContain(comment);
    }
    const doc = parse(after) as {
      theme: string;
      provider: { openai: { options: Record<string, string>; models: Record<string, unknown> } };
    };
    expect(doc.theme).toBe('tokyonight');
    expect(doc.provider.openai.options).toEqual({ baseURL: `${pool.core.url}/v1`, apiKey: 'codex-pool' });
    expect(Object.keys(doc.provider.openai.models)).toEqual([
      'gpt-5.5',
      'gpt-5.4',
      'gpt-5.4-mini',
      'gpt-5.3-codex',
      'gpt-5.3-codex-spark',
    ]);
    expect((await pool.overview()).clients[1]).toMatchObject({
      client: 'opencode',
      state: 'connected',
      canUndo: true,
    });
    expect((await pool.preview('opencode')).changes).toBe(false);

    expect((await pool.undoRaw('opencode')).status).toBe(200);
    expect(await readFile(path, 'utf8')).toBe(JSONC);
  });

  it('says when OpenCode points at a different Codex Pool port', async () => {
    pool = await startConnectPool();
    const dir = join(pool.home, '.config', 'opencode');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'opencode.json'),
      '{"provider":{"openai":{"options":{"baseURL":"http://127.0.0.1:2999/v1"}}}}\n',
    );
    const status = (await pool.overview()).clients[1]!;
    expect(status).toMatchObject({ state: 'other_proxy' });
    expect(status.detail).toContain('a Codex Pool on port 2999');
    expect((await pool.preview('opencode')).notes.join(' ')).toContain(`changes it to ${pool.core.url}/v1`);

    // OpenCode's own OpenAI login would win over the base URL (PROTOCOL.md §13): the preview says so.
    const data = join(pool.home, '.local', 'share', 'opencode');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'auth.json'), JSON.stringify({ openai: { type: 'oauth', refresh: 'x' } }));
    expect((await pool.preview('opencode')).notes.join(' ')).toMatch(
      /own OpenAI login .*opencode auth logout/,
    );
  });
});

describe('any other client', () => {
  it('the curl line the dashboard shows works exactly as shown', async () => {
    pool = await startConnectPool();
    const { snippets } = await pool.overview();
    expect(snippets.env).toBe(`export OPENAI_BASE_URL=${pool.core.url}/v1\nexport OPENAI_API_KEY=codex-pool`);
    const { stdout } = await exec('sh', ['-c', snippets.curl]);
    expect(stdout).toContain('Hello from pooled@example.com');
    expect((await pool.overview()).otherLastRequestAt).not.toBeNull();
  });

  it('the Test button answers through the pool and names the account, also when proxy keys are required', async () => {
    pool = await startConnectPool();
    await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ requireApiKey: true }) });
    for (let run = 0; run < 2; run += 1) {
      const res = await pool.admin('/api/connect/test', { method: 'POST', body: '{}' });
      const result = connectTestResultSchema.parse(await res.json());
      expect(result).toMatchObject({ ok: true, accountEmail: 'pooled@example.com', accountId: pool.ids[0] });
      expect(result.message).toContain('Hello from pooled@example.com');
    }
    // The test's own request is not counted as a client of the user's.
    expect((await pool.overview()).otherLastRequestAt).toBeNull();
    expect((await pool.overview()).snippets).toMatchObject({ keyRequired: true });
  });

  it('the Test button says what went wrong when no account can answer', async () => {
    pool = await startConnectPool({ accounts: [] });
    const result = connectTestResultSchema.parse(
      await (await pool.admin('/api/connect/test', { method: 'POST', body: '{}' })).json(),
    );
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/account/i);
  });
});
