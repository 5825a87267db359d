import { statfsSync } from 'node:fs';

/** What can go wrong with the disk under the data dir, as far as a user can act on it. */
export type StorageProblemCode = 'disk_full' | 'read_only' | 'io_error';

/** A storage problem in force: what, since when (epoch s), and a message for people (no paths, no secrets). */
export interface StorageProblem {
  code: StorageProblemCode;
  message: string;
  since: number;
}

/**
 * Recognises a failed write by its cause: SQLite's result codes (better-sqlite3 puts them in `code`) and the
 * errno of a file write, looking through `cause` chains (the write queue wraps what failed). Null for anything
 * that is not about the disk, such as a constraint violation.
 */
export function classifyStorageError(err: unknown): StorageProblemCode | null {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
      if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read_only';
      if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
        // SQLite reports a full disk met while writing the WAL as an I/O error on some systems.
        return /full|no space/i.test(String((e as { message?: unknown }).message)) ? 'disk_full' : 'io_error';
      }
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** What happened, as a phrase ("the disk holding the data dir is full"), and what the user can do about it. */
export function describeStorageProblem(code: StorageProblemCode): { reason: string; fix: string } {
  switch (code) {
    case 'disk_full':
      return { reason: 'the disk holding the data dir is full', fix: 'Free some space' };
    case 'read_only':
      return { reason: 'the data dir has become read-only', fix: 'Make it writable again' };
    case 'io_error':
      return { reason: 'writing to the data dir failed with an I/O error', fix: 'Check the disk' };
  }
}

function healthMessage(code: StorageProblemCode): string {
  const { reason, fix } = describeStorageProblem(code);
  return `Changes cannot be saved: ${reason}. ${fix}; renewed logins are kept in memory and saved as soon as the disk allows.`;
}

/** Free space below which a full disk is not considered recovered (a few WAL frames and a token row). */
const RECOVERED_FREE_BYTES = 1024 * 1024;

/**
 * The storage problem the core is living with, if any: set by any write that failed for a disk reason, cleared
 * by the next one that succeeds (or, for a full disk with nothing left to write, by free space coming back).
 * `/api/health` reports it, so a full disk is visible before the user wonders why a change did not stick.
 */
export class StorageHealth {
  private problem: StorageProblem | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number,
  ) {}

  /** Records a failed write; returns the problem when it is a disk problem (else null: not ours to report). */
  failed(err: unknown): StorageProblem | null {
    const code = classifyStorageError(err);
    if (code === null) return null;
    if (this.problem?.code !== code) {
      this.problem = { code, message: healthMessage(code), since: this.now() };
    }
    return this.problem;
  }

  /** A write reached the disk. */
  succeeded(): void {
    this.problem = null;
  }

  /** The problem in force, or null. */
  current(): StorageProblem | null {
    return this.problem;
  }

  /** With nothing waiting to be written, a full disk counts as recovered once there is room again. */
  recheckFreeSpace(): void {
    if (this.problem?.code !== 'disk_full') return;
    try {
      const fs = statfsSync(this.dataDir);
      if (fs.bavail * fs.bsize >= RECOVERED_FREE_BYTES) this.problem = null;
    } catch {
      // Cannot tell: keep reporting the problem rather than claim a recovery.
    }
  }
}
