import { afterEach, describe, expect, it } from 'vitest';
import { logoutResultSchema } from '../../../shared/api';
import { startCoreOn, startPool, type PoolHarness, type TestCore } from '../../helpers/pool-harness';

// Issue 8: a dashboard session can be ended, and no session outlives the admin token it was opened under.
let pool: PoolHarness | undefined;
let restarted: TestCore | undefined;
afterEach(async () => {
  await restarted?.stop();
  restarted = undefined;
  await pool?.close();
  pool = undefined;
});

/** Opens a one-time login link and returns the session cookie it sets (`cp_session=…`). */
async function signIn(core: { createLoginUrl(): string }): Promise<string> {
  const res = await fetch(core.createLoginUrl(), { redirect: 'manual' });
  expect(res.status).toBe(303);
  return /^(cp_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
}

describe('dashboard sessions', () => {
  it('end on logout: the cookie is cleared and the session no longer opens the admin API', async () => {
    pool = await startPool();
    const cookie = await signIn(pool.core);
    expect((await pool.fetch('/api/accounts', { headers: { cookie } })).status).toBe(200);
    const other = await signIn(pool.core); // another browser stays signed in

    const out = await pool.fetch('/api/session/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(logoutResultSchema.parse(await out.json())).toEqual({ signedOut: true });
    expect(out.headers.get('set-cookie')).toMatch(/^cp_session=; .*Max-Age=0/);
    const after = await pool.fetch('/api/accounts', { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('admin_auth_required');
    expect((await pool.fetch('/api/accounts', { headers: { cookie: other } })).status).toBe(200);

    // Signing out again is harmless; another site cannot sign the user out.
    expect((await pool.fetch('/api/session/logout', { method: 'POST', headers: { cookie } })).status).toBe(
      200,
    );
    const cross = await pool.fetch('/api/session/logout', {
      method: 'POST',
      headers: { cookie: other, 'sec-fetch-site': 'cross-site' },
    });
    expect(cross.status).toBe(403);
    expect((await pool.fetch('/api/accounts', { headers: { cookie: other } })).status).toBe(200);
  });

  it('end when the admin token changes', async () => {
    pool = await startPool();
    const cookie = await signIn(pool.core);
    const dataDir = pool.core.config.dataDir;
    await pool.core.stop();
    restarted = await startCoreOn(
      dataDir,
      pool.sim,
      {},
      { CODEX_POOL_ADMIN_TOKEN: 'a-new-admin-token-0123456789' },
    );
    expect((await restarted.fetch('/api/accounts', { headers: { cookie } })).status).toBe(401);
    const fresh = await signIn(restarted);
    expect((await restarted.fetch('/api/accounts', { headers: { cookie: fresh } })).status).toBe(200);
  });
});
