import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startCoreOn,
  startPool,
  type PoolHarness,
  type PoolHarnessOptions,
  type TestCore,
} from '../../helpers/pool-harness';

export { startCoreOn };

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

/** A core started by {@link startCoreOn}. */
export type RestartedCore = TestCore;

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
