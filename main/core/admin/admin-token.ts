import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** File in the data dir that keeps the generated admin token (mode 0600). */
export const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * Returns the admin token: the one from the environment when set, else the one kept in the data dir,
 * creating it (32 random bytes, mode 0600) on first start. Start-up only: synchronous I/O is fine here.
 */
export function loadAdminToken(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv !== undefined) return fromEnv;
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) {
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return existing;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = `cpa_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

/** Compares a presented secret with the expected one in constant time. */
export function secretEquals(presented: string, expected: string): boolean {
  // Hash both sides so the comparison length never depends on the secret's length.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
