import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../../main/core/config';
import { createCore, type Core, type CoreDeps } from '../../../main/core/create-core';
import { silentLogger } from '../../../main/core/log';
import { startPool, type PoolHarness, type PoolHarnessOptions } from '../../helpers/pool-harness';
import type { Simulator } from '../../simulator';

import { TEST_TUNING } from '../../helpers/test-tuning';

export { TEST_TUNING };

/** A mutable epoch-seconds clock shared by the simulator and the core. */
export function testClock(start = Math.floor(Date.now() / 1000)): {
  now: () => number;
  advance(s: number): void;
} {
  let t = start;
  return { now: () => t, advance: (s) => void (t += s) };
}

/** {@link startPool} with the test tuning. */
export function startAccountsPool(options: PoolHarnessOptions = {}): Promise<PoolHarness> {
  return startPool({ ...options, deps: { accountsTuning: TEST_TUNING, ...options.deps } });
}

/** A core started by {@link startCoreOn}, with the harness's fetch helpers. */
export type RestartedCore = Core & {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  admin(path: string, init?: RequestInit): Promise<Response>;
};

/** Starts a second core on an existing data dir against the same simulator (a restart). */
export async function startCoreOn(
  dataDir: string,
  sim: Simulator,
  deps: CoreDeps = {},
): Promise<RestartedCore> {
  const config = resolveConfig({
    env: {
      CODEX_POOL_PORT: '0',
      CODEX_POOL_DATA_DIR: dataDir,
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: 'test-admin-token-0123456789',
    },
    defaultDataDir: dataDir,
  });
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

/** A fresh temp data dir and its remover. */
export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-pool-accounts-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Waits until `check` returns a value other than undefined (checked every 10 ms, up to `timeoutMs`). */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A Codex responses request body. */
export const RESPONSES_BODY = {
  model: 'gpt-5.5',
  input: [{ role: 'user', content: 'hi' }],
  stream: true,
  store: false,
};

/** Sends one Codex request through the proxy and reads it to the end. */
export async function codexRequest(pool: {
  fetch(path: string, init?: RequestInit): Promise<Response>;
}): Promise<{
  status: number;
  text: string;
}> {
  const res = await pool.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(RESPONSES_BODY),
  });
  return { status: res.status, text: await res.text() };
}

/** Follows the simulator's authorize redirect to our callback, as a browser would. */
export async function browseLogin(
  authorizeUrl: string,
): Promise<{ status: number; html: string; callbackUrl: string }> {
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (authorize.status !== 302 || !location) throw new Error(`authorize answered ${authorize.status}`);
  const callback = await fetch(location);
  return { status: callback.status, html: await callback.text(), callbackUrl: location };
}
