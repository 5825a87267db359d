import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreConfig } from '../core/config';
import { ADMIN_TOKEN_FILE } from '../core/admin/admin-token';

/**
 * Calls the admin API of a Codex Pool already running on the configured host and port, so CLI changes take
 * effect at once instead of waiting for a restart. Resolves null when nothing answers there (the caller then
 * works on the data dir directly) or when no admin token can be found.
 */
export async function callRunningServer(
  config: CoreConfig,
  path: string,
  init: RequestInit = {},
): Promise<Response | null> {
  const token = config.adminToken ?? readToken(config.dataDir);
  if (token === undefined || config.port === 0) return null;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  try {
    return await fetch(origin + path, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      // A caller doing slow work on the server (a backup's key derivation) passes its own, longer signal.
      signal: init.signal ?? AbortSignal.timeout(5_000),
    });
  } catch {
    return null;
  }
}

function readToken(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
