import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Options of {@link ensureDataDir}. */
export interface EnsureDataDirOptions {
  log?: (msg: string) => void;
}

/**
 * Creates the data dir (and parents) with mode 0700 and returns its absolute path. An existing dir that
 * group or others can read is tightened on POSIX, since it holds the database, the key file and the
 * admin token. A dir that cannot be written (a read-only mount) is refused here with a message that says so,
 * rather than later with an obscure SQLite error (issue 8).
 */
export function ensureDataDir(dir: string, options: EnsureDataDirOptions = {}): string {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stat = statSync(path);
  if (!stat.isDirectory()) throw new Error(`The data dir ${path} is not a directory.`);
  try {
    accessSync(path, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(
      `The data dir ${path} is read-only (${code}): Codex Pool keeps its database, key file and admin token there ` +
        'and must be able to write to it. Make it writable (remount read-write, fix its owner) or choose another ' +
        'with --data-dir or CODEX_POOL_DATA_DIR.',
    );
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    chmodSync(path, 0o700);
    options.log?.(`Tightened permissions of the data dir ${path} to 0700.`);
  }
  return path;
}
