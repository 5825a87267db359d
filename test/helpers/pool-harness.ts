import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../main/core/config';
import { createCore, type Core, type CoreDeps } from '../../main/core/create-core';
import { silentLogger } from '../../main/core/log';
import { TEST_TUNING } from './test-tuning';
import { createSimulator, type AccountInit, type Simulator, type SimAccountView } from '../simulator';

/** A running proxy core wired to a running simulator, with a fresh data dir. */
export interface PoolHarness {
  core: Core;
  sim: Simulator;
  /** Simulated accounts in the order they were added; `ids[i]` is the pool's id for `accounts[i]`. */
  accounts: SimAccountView[];
  ids: string[];
  /** Adds a simulated account and imports its auth.json into the pool. */
  addAccount(init: AccountInit): { sim: SimAccountView; id: string };
  /** `fetch` against the proxy. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** `fetch` against the admin API with the admin token. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Options of {@link startPool}. */
export interface PoolHarnessOptions {
  accounts?: AccountInit[];
  env?: Record<string, string>;
  deps?: CoreDeps;
  now?: () => number;
}

/** Starts a simulator and a core on port 0 against it, and imports the given accounts. */
export async function startPool(options: PoolHarnessOptions = {}): Promise<PoolHarness> {
  const sim = await createSimulator(options.now ? { now: options.now } : {});
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-test-'));
  const config = resolveConfig({
    env: {
      CODEX_POOL_PORT: '0',
      CODEX_POOL_DATA_DIR: dataDir,
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: 'test-admin-token-0123456789',
      ...options.env,
    },
    defaultDataDir: dataDir,
  });
  const core = createCore(config, {
    log: silentLogger,
    env: {},
    // Tests drive pollers by hand and bind callback listeners on free ports.
    accountsTuning: TEST_TUNING,
    ...(options.now ? { now: options.now } : {}),
    ...options.deps,
  });
  await core.start();
  const accounts: SimAccountView[] = [];
  const ids: string[] = [];
  const addAccount = (init: AccountInit): { sim: SimAccountView; id: string } => {
    const account = sim.addAccount(init);
    const { account: record } = core.services.accounts.importAuthJson(account.authJson());
    accounts.push(account);
    ids.push(record.id);
    return { sim: account, id: record.id };
  };
  for (const init of options.accounts ?? []) addAccount(init);
  return {
    core,
    sim,
    accounts,
    ids,
    addAccount,
    fetch: (path, init) => fetch(core.url + path, init),
    admin: (path, init) =>
      fetch(core.url + path, {
        ...init,
        headers: {
          authorization: `Bearer ${core.adminToken}`,
          'content-type': 'application/json',
          ...init?.headers,
        },
      }),
    async close() {
      await core.stop();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
