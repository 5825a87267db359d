import { createHash, randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  fchmodSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A config file as read: its bytes (as text), their hash, and its mode; null content when it does not exist. */
export interface ConfigSnapshot {
  path: string;
  content: string | null;
  /** The exact bytes (what a backup keeps), or null when there is no file. */
  bytes: Buffer | null;
  /** sha256 of the bytes, or null when there is no file. */
  hash: string | null;
  mode: number | null;
}

/** sha256 (hex) of a file's content. */
export function hashContent(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads a config file; a missing file is a snapshot with null content. */
export function readConfig(path: string): ConfigSnapshot {
  try {
    const bytes = readFileSync(path);
    return {
      path,
      content: bytes.toString('utf8'),
      bytes,
      hash: hashContent(bytes),
      mode: statSync(path).mode & 0o777,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { path, content: null, bytes: null, hash: null, mode: null };
    throw err;
  }
}

/** `config.toml.codex-pool-backup-20261201T221500Z`: sorts by time, and says who made it. */
export function backupPathFor(path: string, nowS: number): string {
  const stamp = new Date(nowS * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = `${path}.codex-pool-backup-${stamp}`;
  let candidate = base;
  for (let n = 2; existsSync(candidate); n += 1) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * Writes the bytes that were previewed beside the file, with its mode (a backup of a secret-bearing file stays
 * as private). Never overwrites: the name is new.
 */
export function writeBackup(snapshot: ConfigSnapshot & { bytes: Buffer }, nowS: number): string {
  const target = backupPathFor(snapshot.path, nowS);
  writeFileSync(target, snapshot.bytes, { mode: snapshot.mode ?? 0o600, flag: 'wx' });
  return target;
}

/**
 * Replaces a file atomically: a temp file in the same directory (same mode and owner), flushed to disk, then
 * renamed over the original, so a reader sees the old bytes or the new ones, never half of each.
 */
export function writeAtomic(linkOrPath: string, content: string | Buffer, mode: number): void {
  // A config kept in a dotfiles repo is often a symlink: replace the file it points to, not the link.
  const path = resolveLink(linkOrPath);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.codex-pool-${randomBytes(6).toString('hex')}.tmp`);
  let owner: { uid: number; gid: number } | null = null;
  try {
    const st = statSync(path);
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    owner = null;
  }
  const fd = openSync(temp, 'wx', mode);
  try {
    fchmodSync(fd, mode); // exactly the old mode: the umask applied at open may have narrowed it
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (owner && process.getuid?.() === 0) chownSync(temp, owner.uid, owner.gid);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  // The directory entry too: on a crash right after, the rename must not be lost.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename itself is still atomic there.
  }
}

function resolveLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // no file yet: it is created where asked
  }
}

/** The exact bytes of a backup, for undo. */
export function readBackup(path: string): Buffer {
  return readFileSync(path);
}

/** Deletes a file Codex Pool created (undo of a connect that started from no file). */
export function removeConfig(path: string): void {
  rmSync(path, { force: true });
}
