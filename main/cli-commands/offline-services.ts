import { join } from 'node:path';
import type { CoreConfig } from '../core/config';
import { silentLogger } from '../core/log';
import { DATABASE_FILE_NAME, openStore } from '../core/store';
import { createKeyFileSecretBox, ensureDataDir } from '../core/secrets';
import { buildServices, type Services } from '../core/services';

/**
 * The core's services over the data dir, without a server or timers: what the CLI uses when no Codex Pool is
 * running. Tokens are sealed with the data dir's key file, as `codex-pool serve` does. SQLite's WAL lets this
 * run beside a server holding the same file, but that server would not see the change until it restarts,
 * which is why commands try the running server first.
 */
export async function withOfflineServices<T>(
  config: CoreConfig,
  fn: (services: Services) => T | Promise<T>,
  /** The process environment, for commands that read it (`connect` finds CODEX_HOME there). */
  env: Record<string, string | undefined> = {},
): Promise<T> {
  ensureDataDir(config.dataDir);
  const store = openStore({ path: join(config.dataDir, DATABASE_FILE_NAME) });
  const services = buildServices({
    config,
    store,
    secretBox: createKeyFileSecretBox(config.dataDir),
    log: silentLogger,
    now: () => Math.floor(Date.now() / 1000),
    random: Math.random,
    env,
    hostGuard: { boundHost: config.host, port: () => config.port }, // no server: nothing is served
  });
  try {
    return await fn(services);
  } finally {
    await services.stop();
    store.close();
  }
}
