import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Options of {@link ensureDataDir}. */
export interface EnsureDataDirOptions {
  log?: (msg: string) => void;
}

/**
 * Creates the data dir (and parents) with mode 0700 and returns its absolute path. An existing dir that
 * group or others can read is tightened on POSIX, since it holds the database, the key file and the
 * admin token.
 */
export function ensureDataDir(dir: string, options: EnsureDataDirOptions = {}): string {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stat = statSync(path);
  if (!stat.isDirectory()) throw new Error(`The data dir ${path} is not a directory.`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    chmodSync(path, 0o700);
    options.log?.(`Tightened permissions of the data dir ${path} to 0700.`);
  }
  return path;
}
