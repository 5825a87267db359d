import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small RAM file system a test can fill to the last byte, standing in for a full disk. */
export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the file system refuses another byte (ENOSPC). */
  fill(): void;
  /** Deletes the filler: the disk has room again. */
  free(): void;
  /** Remounts the file system read-only (`false`: read-write again). */
  readOnly(on: boolean): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `sizeBytes` on a fresh temp dir, or returns why it cannot (not root, no mount permission in
 * this container): the caller skips with that reason. Linux only.
 */
export function mountTmpfs(sizeBytes: number): Tmpfs | string {
  if (process.platform !== 'linux') return 'tmpfs needs Linux';
  const dir = mkdtempSync(join(tmpdir(), 'codex-pool-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (err) {
    rmdirSync(dir);
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        // Big chunks first, then single bytes for the last partial page.
        for (const size of [1 << 16, 512, 1]) {
          const chunk = Buffer.alloc(size, 1);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw err;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    readOnly(on) {
      execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir], { stdio: 'pipe' });
    },
    unmount() {
      try {
        unlinkSync(filler);
      } catch {
        // already freed
      }
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmdirSync(dir);
    },
  };
}
