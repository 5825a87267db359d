import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, ConfigError, type ConfigFlags, type CoreConfig } from './core/config';
import { strategyCommand } from './cli-commands/strategy';
import { loginCommand } from './cli-commands/login';
import { accountsCommand, importCommand } from './cli-commands/accounts';
import { serveCommand } from './cli-commands/serve';
import { demoCommand } from './cli-commands/demo';
import { backupCommand, restoreCommand, type BackupCliOptions } from './cli-commands/backup';
import { processTerminal } from './cli-commands/prompt';
import { connectCommand } from './cli-commands/connect';

const USAGE = `Usage: codex-pool <command> [options]

Commands:
  serve [--host H] [--port P] [--data-dir D]   run the proxy and dashboard without Electron
  demo [--port P]                              try everything against simulated accounts (no ChatGPT needed)
  strategy [NAME] [--data-dir D]               show the routing strategy, or set it
  login [--device]                             add a ChatGPT account (browser sign-in, or a device code)
  import FILE… | FOLDER [--data-dir D]         import auth.json files (Codex CLI or OpenCode shape; - for stdin)
  accounts [--data-dir D]                      table of accounts, status and quotas
  backup FILE [--history] [--pause-after]      write every account, setting and key to an encrypted file
  restore FILE [--yes]                         show what a backup would change here, then apply it
    (both: --passphrase-file F or CODEX_POOL_BACKUP_PASSPHRASE; on a terminal the passphrase is asked)
  connect codex|opencode [--profile] [--dry-run] [--undo]
                                               point a coding agent's config at the pool (shows the diff,
                                               keeps a backup); --profile: Codex's codex-pool profile only
  help                                         show this text

Environment: CODEX_POOL_HOST, CODEX_POOL_PORT, CODEX_POOL_DATA_DIR, CODEX_POOL_UPSTREAM_BASE_URL,
CODEX_POOL_AUTH_BASE_URL, CODEX_POOL_ADMIN_TOKEN, CODEX_POOL_LOG_LEVEL, CODEX_POOL_REQUEST_TIMEOUT_S,
CODEX_POOL_MAX_CONNECTIONS (see README.md).`;

/** The headless entry point. Returns the process exit code; long-running commands resolve on shutdown. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(configFrom(env, commandArgs(rest).flags));
      case 'demo':
        return await demoCommand(env, commandArgs(rest).flags);
      case 'strategy': {
        const { positionals, flags } = commandArgs(rest);
        return await strategyCommand(configFrom(env, flags), positionals[0], (line) =>
          process.stdout.write(line + '\n'),
        );
      }
      case 'import': {
        const { positionals, flags } = commandArgs(rest);
        return await importCommand(configFrom(env, flags), positionals, (line) =>
          process.stdout.write(line + '\n'),
        );
      }
      case 'login': {
        const { flags, device } = commandArgs(rest);
        return await loginCommand(configFrom(env, flags), device, (line) =>
          process.stdout.write(line + '\n'),
        );
      }
      case 'accounts': {
        const { flags } = commandArgs(rest);
        return await accountsCommand(configFrom(env, flags), (line) => process.stdout.write(line + '\n'));
      }
      case 'backup':
      case 'restore': {
        const { positionals, flags, backup } = commandArgs(rest);
        const run = command === 'backup' ? backupCommand : restoreCommand;
        return await run(
          configFrom(env, flags),
          positionals[0],
          { ...backup, env },
          processTerminal(),
          (line) => process.stdout.write(line + '\n'),
        );
      }
      case 'connect': {
        const { positionals, flags, profile, dryRun, undo } = commandArgs(rest);
        return await connectCommand(
          configFrom(env, flags),
          env,
          positionals[0],
          { profile, dryRun, undo },
          (line) => process.stdout.write(line + '\n'),
        );
      }
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

/** Parses the flags every command shares (`--host`, `--port`, `--data-dir`) and the positionals. */
function commandArgs(args: string[]): {
  flags: ConfigFlags;
  positionals: string[];
  device: boolean;
  backup: Omit<BackupCliOptions, 'env'>;
  profile: boolean;
  dryRun: boolean;
  undo: boolean;
} {
  const { values, positionals } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      device: { type: 'boolean', default: false },
      'passphrase-file': { type: 'string' },
      history: { type: 'boolean', default: false },
      'pause-after': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      profile: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      undo: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  return {
    flags: { host: values.host, port: values.port, dataDir: values['data-dir'] },
    positionals,
    device: values.device === true,
    backup: {
      passphraseFile: values['passphrase-file'],
      includeHistory: values.history === true,
      pauseAfter: values['pause-after'] === true,
      yes: values.yes === true,
    },
    profile: values.profile === true,
    dryRun: values['dry-run'] === true,
    undo: values.undo === true,
  };
}

function configFrom(env: NodeJS.ProcessEnv, flags: ConfigFlags): CoreConfig {
  return resolveConfig({ env, flags, defaultDataDir: join(homedir(), '.codex-pool') });
}

function describeError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') return `the port is already in use (${e.message}). Pick another with --port.`;
  if (e?.code === 'EACCES') return `permission denied: ${e.message}`;
  return e instanceof Error ? e.message : String(err);
}
