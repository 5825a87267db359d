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

/** A started core with `fetch` helpers for the proxy and the admin API. */
export type TestCore = Core & {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  admin(path: string, init?: RequestInit): Promise<Response>;
};

/**
 * Starts a core on port 0 over `dataDir` against a simulator: the test configuration every harness shares.
 * Calling it again on the same data dir is a restart.
 */
export async function startCoreOn(
  dataDir: string,
  sim: Simulator,
  deps: CoreDeps = {},
  env: Record<string, string> = {},
): Promise<TestCore> {
  const config = resolveConfig({
    env: {
      CODEX_POOL_PORT: '0',
      CODEX_POOL_DATA_DIR: dataDir,
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: 'test-admin-token-0123456789',
      ...env,
    },
    defaultDataDir: dataDir,
  });
  // Tests drive pollers by hand and bind callback listeners on free ports.
  const core = createCore(config, { log: silentLogger, env: {}, accountsTuning: TEST_TUNING, ...deps });
  await core.start();
  return Object.assign(core, {
    fetch: (path: string, init?: RequestInit) => fetch(core.url + path, init),
    admin: (path: string, init?: RequestInit) =>
      fetch(core.url + path, {
        ...init,
        headers: {
          authorization: `Bearer ${core.adminToken}`,
          'content-type': 'application/json',
          ...init?.headers,
        },
      }),
  });
}

/** Starts a simulator and a core on port 0 against it, and imports the given accounts. */
export async function startPool(options: PoolHarnessOptions = {}): Promise<PoolHarness> {
  const sim = await createSimulator(options.now ? { now: options.now } : {});
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-test-'));
  const core = await startCoreOn(
    dataDir,
    sim,
    { ...(options.now ? { now: options.now } : {}), ...options.deps },
    options.env,
  );
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
    fetch: core.fetch,
    admin: core.admin,
    async close() {
      await core.stop();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
