import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { connectResultSchema, errorEnvelopeSchema } from '../../../shared/api';
import { runCodex } from '../../helpers/codex-cli';
import { startConnectPool, type ConnectHarness } from './helpers';

// Issue 11: "connect" edits the user's real Codex config. The realistic file below has what people keep there
// (MCP servers, profiles, [features], comments, odd spacing, a multi-line array) plus the offline settings of
// PROTOCOL.md §15 so the real CLI never dials out. After connecting, only the provider table and the
// model_provider line differ, and the real `codex exec` answers through the pool.
let pool: ConnectHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const realisticConfig = (origin: string): string => `# My Codex setup — hand-edited, keep the comments!
model = "gpt-5.5"
model_reasoning_effort   =   "high"     # odd spacing on purpose
model_provider = "other-proxy"
approval_policy = "on-request"
chatgpt_base_url = "${origin}/backend-api/"
check_for_update_on_startup = false

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"

# MCP servers I use every day (disabled while travelling)
[mcp_servers.docs]
command = "node"
args = [
  "docs-server.js",   # a local script
  "--port", "0",
]
enabled = false

[profiles.deep]
model = "gpt-5.5"
model_reasoning_effort = "high"

[features]
apps = false
plugins = false
remote_plugin = false
plugin_sharing = false
tool_suggest = false
skill_mcp_dependency_install = false

[model_providers.other-proxy]
name = "other"
base_url = "http://127.0.0.1:9/v1"
wire_api = "responses"
experimental_bearer_token = "sk-other-proxy-0123456789abcdef"
`;

async function writeCodexHome(p: ConnectHarness, options: { loggedIn: boolean }): Promise<string> {
  await mkdir(p.codexHome, { recursive: true });
  const original = realisticConfig(p.core.url);
  await writeFile(join(p.codexHome, 'config.toml'), original, { mode: 0o644 });
  if (options.loggedIn) {
    // The CLI's own ChatGPT login, of an account that is not in the pool: the proxy must not use it.
    const own = p.sim.addAccount({ email: 'cli-user@example.com', planType: 'plus' });
    await writeFile(join(p.codexHome, 'auth.json'), JSON.stringify(own.authJson()), { mode: 0o600 });
  }
  return original;
}

const configText = (p: ConnectHarness): Promise<string> => readFile(join(p.codexHome, 'config.toml'), 'utf8');
/** Model calls upstream saw: HTTP POSTs, or WebSocket upgrades and the frames on them. */
const codexCalls = (p: ConnectHarness) =>
  p.sim.requests.filter((r) => r.path === '/backend-api/codex/responses');

describe('codex-pool connect codex', () => {
  it('changes only the provider and model_provider, and the real Codex CLI then answers through the pool', async () => {
    pool = await startConnectPool();
    const original = await writeCodexHome(pool, { loggedIn: true });

    const before = await pool.overview();
    expect(before.clients[0]).toMatchObject({ client: 'codex', state: 'other_proxy', canUndo: false });
    const shown = await pool.preview('codex');
    expect(shown.notes.join(' ')).toContain('"other-proxy" (http://127.0.0.1:9/v1)');
    // The other provider's key sits in the diff's context lines: it is masked, never shown.
    expect(shown.diff).toContain('experimental_bearer_token = "••••••••"');
    expect(shown.diff).not.toContain('sk-other-proxy');
    const changed = shown.diff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l));
    expect(changed).toEqual([
      '-model_provider = "other-proxy"',
      '+model_provider = "codex-pool"',
      '+',
      '+[model_providers.codex-pool]',
      '+name = "openai"',
      `+base_url = "${pool.core.url}/backend-api/codex"`,
      '+wire_api = "responses"',
      '+requires_openai_auth = true',
      '+supports_websockets = true',
    ]);
    const applied = connectResultSchema.parse(await (await pool.applyRaw('codex', shown.baseHash)).json());
    expect(applied.changed).toBe(true);

    const after = await configText(pool);
    expect(after).toBe(
      original.replace('model_provider = "other-proxy"', 'model_provider = "codex-pool"') +
        `\n[model_providers.codex-pool]\nname = "openai"\nbase_url = "${pool.core.url}/backend-api/codex"\nwire_api = "responses"\nrequires_openai_auth = true\nsupports_websockets = true\n`,
    );
    expect((await stat(join(pool.codexHome, 'config.toml'))).mode & 0o777).toBe(0o644);
    expect(applied.backupPath).toMatch(/config\.toml\.codex-pool-backup-\d{8}T\d{6}Z$/);
    expect(await readFile(applied.backupPath!, 'utf8')).toBe(original);

    const run = await runCodex({
      existingHome: pool.codexHome,
      authJson: undefined,
      baseUrl: '',
      chatgptBaseUrl: '',
      prompt: 'Say hello',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from pooled@example.com');
    expect(codexCalls(pool).every((r) => r.accountEmail === 'pooled@example.com')).toBe(true);
    // The pool serves WebSocket, so the connected CLI keeps one socket and sends only new items.
    expect(codexCalls(pool).some((r) => r.frameType === 'response.create')).toBe(true);

    const now = await pool.overview();
    expect(now.clients[0]).toMatchObject({ state: 'connected', profile: false, canUndo: true });
    expect(now.clients[0]!.lastRequestAt).not.toBeNull();
  });

  it('works for a Codex that was never logged in (no auth.json): no login is required', async () => {
    pool = await startConnectPool();
    await writeCodexHome(pool, { loggedIn: false });
    const shown = await pool.preview('codex');
    expect(shown.notes.join(' ')).toMatch(/no login here/);
    await pool.apply('codex');
    const doc = parse(await configText(pool)) as { model_providers: Record<string, Record<string, unknown>> };
    expect(doc.model_providers['codex-pool']).not.toHaveProperty('requires_openai_auth');

    const run = await runCodex({
      existingHome: pool.codexHome,
      authJson: null,
      baseUrl: '',
      chatgptBaseUrl: '',
      prompt: 'Say hello',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from pooled@example.com');
  });

  it('works for a Codex in API-key mode: its OpenAI key is never forwarded', async () => {
    pool = await startConnectPool();
    await writeCodexHome(pool, { loggedIn: false });
    const apiKey = 'sk-user-own-openai-key-0123456789';
    await writeFile(
      join(pool.codexHome, 'auth.json'),
      JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: apiKey }),
      {
        mode: 0o600,
      },
    );
    await pool.apply('codex');
    const run = await runCodex({
      existingHome: pool.codexHome,
      authJson: undefined,
      baseUrl: '',
      chatgptBaseUrl: '',
      prompt: 'Say hello',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from pooled@example.com');
    for (const call of codexCalls(pool)) expect(JSON.stringify(call.headers)).not.toContain(apiKey);
  });

  it('running it twice changes nothing the second time, and undo restores the original bytes', async () => {
    pool = await startConnectPool();
    const original = await writeCodexHome(pool, { loggedIn: true });
    await pool.apply('codex');
    const once = await configText(pool);

    const again = await pool.preview('codex');
    expect(again).toMatchObject({ changes: false, diff: '' });
    expect((await pool.apply('codex')).changed).toBe(false);
    expect(await configText(pool)).toBe(once);
    expect((await readdir(pool.codexHome)).filter((f) => f.includes('backup'))).toHaveLength(1);

    const undone = await pool.undoRaw('codex');
    expect(undone.status).toBe(200);
    expect(await configText(pool)).toBe(original);
    expect((await pool.overview()).clients[0]).toMatchObject({ state: 'other_proxy', canUndo: false });
    const twice = await pool.undoRaw('codex');
    expect(twice.status).toBe(409);
    expect(errorEnvelopeSchema.parse(await twice.json()).error.code).toBe('nothing_to_undo');
  });

  it('a profile leaves config.toml byte for byte and answers with --profile codex-pool', async () => {
    pool = await startConnectPool();
    const original = await writeCodexHome(pool, { loggedIn: true });
    const applied = await pool.apply('codex', true);
    // Codex 0.169 refuses --profile for a [profiles.x] table in config.toml; it reads <name>.config.toml.
    expect(applied.configPath).toBe(join(pool.codexHome, 'codex-pool.config.toml'));
    expect(await configText(pool)).toBe(original);
    expect(await readFile(applied.configPath, 'utf8')).toBe(
      `model_provider = "codex-pool"\n\n[model_providers.codex-pool]\nname = "openai"\nbase_url = "${pool.core.url}/backend-api/codex"\nwire_api = "responses"\nrequires_openai_auth = true\nsupports_websockets = true\n`,
    );
    expect((await pool.overview()).clients[0]).toMatchObject({
      state: 'connected',
      profile: true,
      canUndo: true,
    });

    const run = await runCodex({
      existingHome: pool.codexHome,
      authJson: undefined,
      baseUrl: '',
      chatgptBaseUrl: '',
      prompt: 'Say hello',
      args: ['--profile', 'codex-pool'],
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from pooled@example.com');

    expect((await pool.undoRaw('codex', true)).status).toBe(200);
    expect(await readdir(pool.codexHome)).not.toContain('codex-pool.config.toml');
    expect(await configText(pool)).toBe(original);
  });

  it('with proxy keys required, writes a dedicated key (never shown in the diff) into a 0600 file, and Codex uses it', async () => {
    pool = await startConnectPool();
    await writeCodexHome(pool, { loggedIn: true });
    await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ requireApiKey: true }) });

    const shown = await pool.preview('codex');
    expect(shown.notes.join(' ')).toContain('Codex CLI (connect)');
    expect(shown.diff).not.toMatch(/cp-[A-Za-z0-9_-]{20,}/);
    await pool.apply('codex');
    const text = await configText(pool);
    expect(text).toMatch(/experimental_bearer_token = "cp-[A-Za-z0-9_-]{20,}"/);
    expect((await stat(join(pool.codexHome, 'config.toml'))).mode & 0o777).toBe(0o600);
    const keys = (await (await pool.admin('/api/keys')).json()) as { keys: { name: string }[] };
    expect(keys.keys.map((k) => k.name)).toEqual(['Codex CLI (connect)']);

    // The key already in the file is reused: no second key, no change.
    const again = await pool.preview('codex');
    expect(again.changes).toBe(false);
    expect(again.diff).not.toContain('cp-');

    const run = await runCodex({
      existingHome: pool.codexHome,
      authJson: undefined,
      baseUrl: '',
      chatgptBaseUrl: '',
      prompt: 'Say hello',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from pooled@example.com');
  });

  it('refuses a config that does not parse and leaves it untouched', async () => {
    pool = await startConnectPool();
    await mkdir(pool.codexHome, { recursive: true });
    const broken = 'model = "gpt-5.5"\n[mcp_servers.docs\ncommand = "node"\n';
    await writeFile(join(pool.codexHome, 'config.toml'), broken);
    const mtime = (await stat(join(pool.codexHome, 'config.toml'))).mtimeMs;

    expect((await pool.overview()).clients[0]).toMatchObject({ state: 'invalid' });
    const res = await pool.admin('/api/connect/codex/preview', { method: 'POST', body: '{}' });
    expect(res.status).toBe(422);
    const envelope = errorEnvelopeSchema.parse(await res.json());
    expect(envelope.error.code).toBe('invalid_config');
    expect(envelope.error.message).toMatch(/does not parse/);
    const applied = await pool.applyRaw('codex', null);
    expect(applied.status).toBe(409); // the hash of a file that exists is never null
    expect(await configText(pool)).toBe(broken);
    expect((await stat(join(pool.codexHome, 'config.toml'))).mtimeMs).toBe(mtime);
    expect(await readdir(pool.codexHome)).toEqual(['config.toml']);
  });

  it('refuses to apply when the file changed after the preview', async () => {
    pool = await startConnectPool();
    const original = await writeCodexHome(pool, { loggedIn: true });
    const shown = await pool.preview('codex');
    const edited = original + '\n# added by the user after the preview\n';
    await writeFile(join(pool.codexHome, 'config.toml'), edited);

    const res = await pool.applyRaw('codex', shown.baseHash);
    expect(res.status).toBe(409);
    const envelope = errorEnvelopeSchema.parse(await res.json());
    expect(envelope.error.code).toBe('config_changed');
    expect(envelope.error.message).toMatch(/Preview again/);
    expect(await configText(pool)).toBe(edited);
    expect((await readdir(pool.codexHome)).filter((f) => f.includes('backup'))).toEqual([]);
  });

  it('creates config.toml when there is none, and undo removes it again', async () => {
    pool = await startConnectPool();
    expect((await pool.overview()).clients[0]).toMatchObject({ state: 'missing' });
    const applied = await pool.apply('codex');
    expect(applied.backupPath).toBeNull();
    expect(await configText(pool)).toContain(
      'model_provider = "codex-pool"\n\n[model_providers.codex-pool]\n',
    );
    expect((await pool.undoRaw('codex')).status).toBe(200);
    expect(await readdir(pool.codexHome)).toEqual([]);
  });
});
