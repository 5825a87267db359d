/**
 * `codex-pool backup FILE` and `codex-pool restore FILE` (issue 10). Both go through the running server when one
 * answers (its pool changes at once), else work on the data dir. The passphrase comes from `--passphrase-file`,
 * `CODEX_POOL_BACKUP_PASSPHRASE`, or is asked on the terminal without echo; it is never stored or printed.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import {
  backupFileSchema,
  pauseAllResultSchema,
  restoreResultSchema,
  type RestorePlan,
} from '../../shared/api';
import type { CoreConfig } from '../core/config';
import { SINGLE_USE_WARNING } from '../core/backup/backup-file';
import { callRunningServer } from './running-server';
import { withOfflineServices } from './offline-services';
import { isYes, type Terminal } from './prompt';

type Out = (line: string) => void;

/** Flags of the backup commands. */
export interface BackupCliOptions {
  passphraseFile?: string | undefined;
  /** `backup --history`: include the request history. */
  includeHistory?: boolean;
  /** `backup --pause-after`: pause every account here once the file is on disk. */
  pauseAfter?: boolean;
  /** `restore --yes`: apply without asking. */
  yes?: boolean;
  env: Record<string, string | undefined>;
}

/** How long a call may take on the server: a key derivation or two, and a large restore. */
const SERVER_CALL_TIMEOUT_MS = 300_000;

/** A file's text, or an error naming the file and why it could not be read. */
function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code;
    throw new Error(`Cannot read ${what} ${path}: ${why ?? 'unknown error'}.`);
  }
}

async function readPassphrase(opts: BackupCliOptions, term: Terminal, twice: boolean): Promise<string> {
  if (opts.passphraseFile !== undefined) {
    // One trailing newline is what `echo … > file` adds; anything else is part of the passphrase.
    const value = readText(opts.passphraseFile, 'the passphrase file').replace(/\r?\n$/, '');
    if (value === '') throw new Error(`The passphrase file ${opts.passphraseFile} is empty.`);
    return value;
  }
  const fromEnv = opts.env.CODEX_POOL_BACKUP_PASSPHRASE;
  if (fromEnv) return fromEnv;
  if (!term.interactive) {
    throw new Error(
      'No passphrase: pass --passphrase-file FILE or set CODEX_POOL_BACKUP_PASSPHRASE (there is no terminal to ask on).',
    );
  }
  const first = await term.askHidden('Backup passphrase: ');
  if (twice && (await term.askHidden('Type it again: ')) !== first) {
    throw new Error('The two passphrases differ; nothing was written. Run the command again.');
  }
  return first;
}

/** True when a Codex Pool answers on the configured port (and we hold its admin token). */
async function serverRunning(config: CoreConfig): Promise<boolean> {
  return (await callRunningServer(config, '/api/health')) !== null;
}

async function postToServer(config: CoreConfig, path: string, body: unknown): Promise<unknown> {
  const res = await callRunningServer(config, path, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(SERVER_CALL_TIMEOUT_MS),
  });
  if (res === null) {
    throw new Error(
      'The running Codex Pool did not answer in time. Check `codex-pool accounts` before trying again.',
    );
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `The running server answered HTTP ${res.status}.`);
  return json;
}

/**
 * Writes the file so that it is either absent or complete: a temp file (mode 0600) is flushed to disk and then
 * linked under the final name, which fails rather than overwrite an existing backup.
 */
export function writeBackupFile(path: string, text: string): void {
  const temp = `${path}.partial-${process.pid}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${path} already exists; choose another file name or remove the old one first.`);
    }
    throw err;
  } finally {
    unlinkSync(temp);
  }
  try {
    const dir = openSync(dirname(path), 'r');
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // Some platforms cannot open a directory for fsync; the file itself is already on disk.
  }
}

/** `codex-pool backup FILE [--history] [--pause-after]`. */
export async function backupCommand(
  config: CoreConfig,
  file: string | undefined,
  opts: BackupCliOptions,
  term: Terminal,
  out: Out,
): Promise<number> {
  if (file === undefined) throw new Error('Usage: codex-pool backup FILE [--history] [--pause-after]');
  // Before the passphrase is typed: finding out afterwards would waste the user's time.
  if (existsSync(file))
    throw new Error(`${file} already exists; choose another file name or remove the old one first.`);
  out(`Warning: ${SINGLE_USE_WARNING}`);
  const passphrase = await readPassphrase(opts, term, true);
  const includeHistory = opts.includeHistory === true;
  const online = await serverRunning(config);
  const made = online
    ? backupFileSchema.parse(await postToServer(config, '/api/backup', { passphrase, includeHistory }))
    : await withOfflineServices(config, async (s) => {
        const created = await s.backup.create(passphrase, { includeHistory });
        return { backup: created.text, accounts: created.accounts, requests: created.requests };
      });
  writeBackupFile(file, made.backup);
  out(
    `Backup written to ${file}: ${made.accounts} account${made.accounts === 1 ? '' : 's'}, settings, API keys, ` +
      `gated-model registry${made.requests === null ? '' : `, ${made.requests} logged requests`}.`,
  );

  const pause =
    opts.pauseAfter === true ||
    (term.interactive &&
      isYes(await term.ask('Pause every account here now, so only the new machine uses them? [y/N] ')));
  if (pause) {
    const paused = online
      ? pauseAllResultSchema.parse(await postToServer(config, '/api/accounts/pause-all', {})).paused
      : await withOfflineServices(config, (s) => s.accounts.pauseAll());
    out(
      `Paused ${paused} account${paused === 1 ? '' : 's'} here. Resume them from the dashboard to use them here again.`,
    );
  }
  return 0;
}

/** The plan as lines for the terminal. Pure. */
export function formatPlan(plan: RestorePlan): string[] {
  const lines = [`Backup made ${plan.createdAt} by ${plan.app}:`];
  lines.push(
    `  ${plan.accounts.length} account${plan.accounts.length === 1 ? '' : 's'}: ${plan.created} new, ` +
      `${plan.updated} updated (matched by workspace and user, never duplicated)`,
  );
  for (const a of plan.accounts) {
    const name = `${a.email ?? a.backupId}${a.label ? ` (${a.label})` : ''}, ${a.planType ?? 'unknown plan'}`;
    lines.push(
      a.action === 'create'
        ? `    + ${name}: new, as ${a.targetId}`
        : `    ~ ${name}: updates ${a.targetId}` +
            (a.tokens === 'kept' ? ", keeps this machine's tokens (its login is newer)" : ''),
    );
  }
  lines.push(
    plan.settings.length === 0
      ? '  Settings: same as here'
      : `  Settings that change: ${plan.settings.map((c) => `${c.key} ${JSON.stringify(c.current)} → ${JSON.stringify(c.backup)}`).join(', ')}`,
  );
  lines.push(`  API keys: ${plan.apiKeys.added} new, ${plan.apiKeys.present} already here`);
  lines.push(
    `  Gated-model registry: ${plan.registry.added} new, ${plan.registry.changed} changed, ${plan.registry.unchanged} unchanged`,
  );
  lines.push(
    plan.requests === null
      ? '  Request history: not in this backup'
      : `  Request history: ${plan.requests} requests (ones already here are skipped)`,
  );
  return lines;
}

/** `codex-pool restore FILE [--yes]`: shows the plan, asks (or takes `--yes`), applies it in one transaction. */
export async function restoreCommand(
  config: CoreConfig,
  file: string | undefined,
  opts: BackupCliOptions,
  term: Terminal,
  out: Out,
): Promise<number> {
  if (file === undefined) throw new Error('Usage: codex-pool restore FILE [--yes]');
  const backup = readText(file, 'the backup file');
  const passphrase = await readPassphrase(opts, term, false);
  const online = await serverRunning(config);
  // The apply carries the preview's digest: if the pool changed while the user read the plan, nothing is applied.
  const run = async (expectDigest?: string): Promise<RestorePlan> => {
    const apply = expectDigest !== undefined;
    if (online) {
      const body = { backup, passphrase, apply, ...(apply ? { expectDigest } : {}) };
      return restoreResultSchema.parse(await postToServer(config, '/api/backup/restore', body)).plan;
    }
    return withOfflineServices(config, (s) =>
      apply ? s.backup.restore(backup, passphrase, expectDigest) : s.backup.preview(backup, passphrase),
    );
  };

  const preview = await run();
  for (const line of formatPlan(preview)) out(line);
  out(`Warning: ${preview.warning}`);
  if (opts.yes !== true) {
    if (!term.interactive) {
      out('Nothing was changed. Run again with --yes to apply this restore.');
      return 1;
    }
    if (!isYes(await term.ask('Apply this restore? [y/N] '))) {
      out('Nothing was changed.');
      return 1;
    }
  }
  const done = await run(preview.digest);
  out(
    `Restored: ${done.created} account${done.created === 1 ? '' : 's'} added, ${done.updated} updated` +
      (online ? '; the running Codex Pool uses them now.' : '.'),
  );
  return 0;
}
