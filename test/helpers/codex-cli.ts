import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The npm launcher of the real Codex CLI; it finds the platform binary of `@openai/codex-<os>-<arch>`. */
export const CODEX_JS = join(repoRoot, 'node_modules/@openai/codex/bin/codex.js');

export interface CodexConfigOptions {
  /** Provider base, e.g. `http://127.0.0.1:PORT/backend-api/codex`; Codex POSTs `{baseUrl}/responses`. */
  baseUrl: string;
  /** Side APIs (`wham/*`) base, e.g. `http://127.0.0.1:PORT/backend-api/`. Without it Codex dials chatgpt.com. */
  chatgptBaseUrl: string;
  /** Default `gpt-5.5`. */
  model?: string;
  /** The provider's `supports_websockets` (default false: HTTP SSE only). */
  supportsWebsockets?: boolean;
  /** Extra TOML appended verbatim (top-level keys must come before tables, so prefer `-c` args for those). */
  extraToml?: string;
}

const q = (s: string): string => JSON.stringify(s);

/** The offline config of PROTOCOL.md §15: a custom `openai`-named provider, no telemetry, no plugins. */
export function codexConfigToml(o: CodexConfigOptions): string {
  return `model = ${q(o.model ?? 'gpt-5.5')}
model_provider = "pool"
chatgpt_base_url = ${q(o.chatgptBaseUrl)}
check_for_update_on_startup = false

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"

[features]
apps = false
plugins = false
remote_plugin = false
plugin_sharing = false
tool_suggest = false
skill_mcp_dependency_install = false

[model_providers.pool]
name = "openai"
base_url = ${q(o.baseUrl)}
wire_api = "responses"
requires_openai_auth = true
supports_websockets = ${o.supportsWebsockets === true}
${o.extraToml ?? ''}`;
}

export interface RunCodexOptions extends CodexConfigOptions {
  /** Written to `$CODEX_HOME/auth.json` (Codex CLI shape, PROTOCOL.md §2); null writes none (never logged in). */
  authJson: unknown;
  /**
   * Run in this CODEX_HOME exactly as it is (its config.toml and auth.json untouched, kept afterwards) instead of
   * a throwaway one written from the options; `baseUrl`/`chatgptBaseUrl` are then ignored.
   */
  existingHome?: string;
  prompt: string;
  /** Token endpoint for `CODEX_REFRESH_TOKEN_URL_OVERRIDE` (e.g. `sim.tokenUrl`). */
  refreshTokenUrl?: string;
  /** Extra environment variables (e.g. `RUST_LOG: 'debug'`); the rest of the caller's environment is not passed. */
  env?: Record<string, string>;
  /** Arguments placed after `exec` and before the prompt. */
  args?: string[];
  /** Let Codex run tool calls without approval or sandbox (`--dangerously-bypass-approvals-and-sandbox`). */
  allowCommands?: boolean;
  /** Kill the process after this long (default 60 s). */
  timeoutMs?: number;
  /** Keep the temp CODEX_HOME and workdir (for debugging); default false. */
  keepHome?: boolean;
}

export interface CodexRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  /** `$CODEX_HOME/auth.json` after the run (shows whether Codex refreshed its tokens). */
  authJsonAfter: unknown;
  codexHome: string;
  workdir: string;
}

/**
 * Run `codex exec` once in a throwaway CODEX_HOME and working directory, stdin closed, and collect its
 * output. Works against the simulator or the proxy: only the base URLs differ.
 */
export async function runCodex(o: RunCodexOptions): Promise<CodexRun> {
  const codexHome = o.existingHome ?? (await mkdtemp(join(tmpdir(), 'codex-home-')));
  const workdir = await mkdtemp(join(tmpdir(), 'codex-work-'));
  if (o.existingHome === undefined) {
    await writeFile(join(codexHome, 'config.toml'), codexConfigToml(o));
    if (o.authJson !== null) {
      await writeFile(join(codexHome, 'auth.json'), JSON.stringify(o.authJson, null, 2), { mode: 0o600 });
    }
  }
  const args = [
    CODEX_JS,
    'exec',
    '--skip-git-repo-check',
    '--ephemeral',
    ...(o.allowCommands ? ['--dangerously-bypass-approvals-and-sandbox'] : []),
    ...(o.args ?? []),
    o.prompt,
  ];
  const child = spawn(process.execPath, args, {
    cwd: workdir,
    // Own process group so a timeout can stop the launcher and the native binary it spawned.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A minimal environment: the caller's OPENAI_API_KEY, proxies or ~/.codex must not leak into the run.
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
      CODEX_HOME: codexHome,
      HOME: codexHome,
      NO_COLOR: '1',
      ...(o.refreshTokenUrl ? { CODEX_REFRESH_TOKEN_URL_OVERRIDE: o.refreshTokenUrl } : {}),
      ...o.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, o.timeoutMs ?? 60_000);
  const exitCode = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done(code));
  }).finally(() => clearTimeout(timer));
  let authJsonAfter: unknown;
  try {
    authJsonAfter = JSON.parse(await readFile(join(codexHome, 'auth.json'), 'utf8'));
  } catch {
    authJsonAfter = undefined;
  }
  if (!o.keepHome) {
    await Promise.all([
      o.existingHome === undefined ? rm(codexHome, { recursive: true, force: true }) : Promise.resolve(),
      rm(workdir, { recursive: true, force: true }),
    ]);
  }
  return { stdout, stderr, exitCode, timedOut, authJsonAfter, codexHome, workdir };
}
