import { chmodSync, closeSync, openSync } from 'node:fs';

/** The files SQLite keeps for a WAL database, next to the main file. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Makes the database private before anything is written to it: the main file is created 0600 when missing and
 * tightened when it exists, so the tokens' ciphertext and the request history are never readable by other users
 * (issue 8). SQLite creates `-wal` and `-shm` with the main file's mode, and we tighten leftovers from older
 * builds too. POSIX only: Windows has no mode bits, the data dir's ACL protects it there.
 */
export function makeDatabasePrivate(path: string): void {
  if (process.platform === 'win32') return;
  closeSync(openSync(path, 'a', 0o600));
  for (const file of databaseFiles(path)) chmodPrivate(file);
}

/** `chmod 0600`, ignoring a file that does not exist. */
export function chmodPrivate(file: string): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
