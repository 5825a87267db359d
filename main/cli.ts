import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, ConfigError, type ConfigFlags } from './core/config';
import { createCore, type Core } from './core/create-core';

const USAGE = `Usage: codex-pool <command> [options]

Commands:
  serve [--host H] [--port P] [--data-dir D]   run the proxy and dashboard without Electron
  help                                         show this text

Environment: CODEX_POOL_HOST, CODEX_POOL_PORT, CODEX_POOL_DATA_DIR, CODEX_POOL_UPSTREAM_BASE_URL,
CODEX_POOL_AUTH_BASE_URL, CODEX_POOL_ADMIN_TOKEN, CODEX_POOL_LOG_LEVEL (see README.md).`;

/** The headless entry point. Returns the process exit code; long-running commands resolve on shutdown. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, env);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`codex-pool: ${describeError(err)}\n`);
    return 1;
  }
}

function serverFlags(args: string[]): ConfigFlags {
  const { values } = parseArgs({
    args,
    options: { host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  return { host: values.host, port: values.port, dataDir: values['data-dir'] };
}

async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const config = resolveConfig({
    env,
    flags: serverFlags(args),
    defaultDataDir: join(homedir(), '.codex-pool'),
  });
  const core = createCore(config);
  await core.start();
  printBanner(core);
  await untilSignal();
  await core.stop();
  return 0;
}

function printBanner(core: Core): void {
  const lines = [
    `Codex Pool is running${core.config.demo ? ' in DEMO mode (simulated accounts, no real ChatGPT traffic)' : ''}.`,
    `  Codex base_url:   ${core.url}/backend-api/codex`,
    `  OpenAI base URL:  ${core.url}/v1`,
    `  Dashboard login:  ${core.createLoginUrl()}  (one-time link, valid 10 minutes)`,
    `  Data directory:   ${core.config.dataDir}`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

function describeError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') return `the port is already in use (${e.message}). Pick another with --port.`;
  if (e?.code === 'EACCES') return `permission denied: ${e.message}`;
  return e instanceof Error ? e.message : String(err);
}
