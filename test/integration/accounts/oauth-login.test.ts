import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accountListSchema,
  deviceStartResultSchema,
  oauthStartResultSchema,
  oauthStatusSchema,
  type OAuthStatus,
} from '../../../shared/api';
import type { PoolHarness } from '../../helpers/pool-harness';
import { browseLogin, codexRequest, startAccountsPool, TEST_TUNING, waitFor } from './helpers';

let pool: PoolHarness | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  if (blocker) await new Promise((r) => blocker!.close(r));
  blocker = undefined;
});

async function start(p: PoolHarness): Promise<{ loginId: string; authorizeUrl: string }> {
  const res = await p.admin('/api/oauth/start', { method: 'POST' });
  expect(res.status).toBe(200);
  return oauthStartResultSchema.parse(await res.json());
}

async function status(p: PoolHarness, loginId: string): Promise<OAuthStatus> {
  const res = await p.admin(`/api/oauth/status?loginId=${loginId}`);
  return oauthStatusSchema.parse(await res.json());
}

const finished = (p: PoolHarness, loginId: string): Promise<OAuthStatus> =>
  waitFor(async () => {
    const s = await status(p, loginId);
    return s.state === 'pending' ? undefined : s;
  });

describe('browser login (PKCE)', () => {
  it('logs in through the callback server, adds the account, and the account serves requests', async () => {
    pool = await startAccountsPool();
    pool.sim.setNextLogin({ email: 'new@example.com', planType: 'pro' });
    const { loginId, authorizeUrl } = await start(pool);

    const url = new URL(authorizeUrl);
    expect(url.origin + url.pathname).toBe(`${pool.sim.authBaseUrl}/oauth/authorize`);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/auth\/callback$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toContain('offline_access');
    expect((await status(pool, loginId)).state).toBe('pending');

    const page = await browseLogin(authorizeUrl);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Signed in to Codex Pool');
    expect(page.html).not.toMatch(/<script|https?:\/\//);

    const done = await finished(pool, loginId);
    expect(done).toMatchObject({ state: 'success', created: true, account: { email: 'new@example.com' } });
    expect(done.account?.planType).toBe('pro');

    const list = accountListSchema.parse(await (await pool.admin('/api/accounts')).json());
    expect(list.accounts.map((a) => a.email)).toEqual(['new@example.com']);
    expect((await codexRequest(pool)).status).toBe(200);

    // The callback server closed after use.
    await expect(fetch(page.callbackUrl.replace('localhost', '127.0.0.1'))).rejects.toThrow();
  });

  it('updates an account that logs in again instead of duplicating it', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    pool.sim.setNextLogin(pool.accounts[0]!);
    const { loginId, authorizeUrl } = await start(pool);
    await browseLogin(authorizeUrl);
    const done = await finished(pool, loginId);
    expect(done).toMatchObject({ state: 'success', created: false, account: { id: pool.ids[0] } });
    const list = accountListSchema.parse(await (await pool.admin('/api/accounts')).json());
    expect(list.accounts).toHaveLength(1);
  });

  it('answers a callback with the wrong state 400 "State mismatch" and keeps waiting for the real one', async () => {
    pool = await startAccountsPool();
    pool.sim.setNextLogin({ email: 'b@example.com' });
    const { loginId, authorizeUrl } = await start(pool);
    const redirect = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri')!);
    const forged = await fetch(`http://127.0.0.1:${redirect.port}/auth/callback?code=ac_forged&state=wrong`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('State mismatch');
    expect((await status(pool, loginId)).state).toBe('pending');

    await browseLogin(authorizeUrl);
    expect((await finished(pool, loginId)).state).toBe('success');
  });

  it('says clearly when Codex is not enabled for the workspace', async () => {
    pool = await startAccountsPool();
    pool.sim.denyNextLogin();
    const { loginId, authorizeUrl } = await start(pool);
    const page = await browseLogin(authorizeUrl);
    expect(page.html).toContain('Codex is not enabled for this workspace');
    const done = await finished(pool, loginId);
    expect(done.state).toBe('error');
    expect(done.message).toContain('Codex is not enabled for this workspace');
  });

  it('asks the holder of the first port to cancel, then falls back to the second port', async () => {
    // Something that holds the port and ignores /cancel (like a stuck process).
    let cancelled = false;
    blocker = createServer((req, res) => {
      if (req.url === '/cancel') cancelled = true;
      res.end('busy');
    });
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as AddressInfo).port;
    pool = await startAccountsPool({
      deps: { accountsTuning: { ...TEST_TUNING, oauthCallbackPorts: [busy, 0], oauthBindRetries: 2 } },
    });
    const { authorizeUrl } = await start(pool);
    const redirect = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri')!);
    expect(cancelled).toBe(true);
    expect(Number(redirect.port)).not.toBe(busy);
  });

  it('a second login takes over the port from a pending one, which ends as cancelled', async () => {
    pool = await startAccountsPool();
    const first = await start(pool);
    const second = await start(pool);
    expect((await status(pool, first.loginId)).state).toBe('error');
    expect((await status(pool, second.loginId)).state).toBe('pending');
    await browseLogin(second.authorizeUrl);
    expect((await finished(pool, second.loginId)).state).toBe('success');
  });

  it('404s an unknown login id and 400s a missing one', async () => {
    pool = await startAccountsPool();
    expect((await pool.admin('/api/oauth/status?loginId=nope')).status).toBe(404);
    expect((await pool.admin('/api/oauth/status')).status).toBe(400);
  });
});

describe('device-code login', () => {
  it('shows a code, polls until it is approved, and adds the account', async () => {
    pool = await startAccountsPool();
    const res = await pool.admin('/api/oauth/device/start', { method: 'POST' });
    expect(res.status).toBe(200);
    const device = deviceStartResultSchema.parse(await res.json());
    expect(device.verificationUrl).toBe(`${pool.sim.authBaseUrl}/codex/device`);
    expect((await status(pool, device.loginId)).state).toBe('pending');

    pool.sim.approveDevice(device.userCode, { email: 'device@example.com', planType: 'team' });
    const done = await finished(pool, device.loginId);
    expect(done).toMatchObject({
      kind: 'device',
      state: 'success',
      account: { email: 'device@example.com' },
    });
    expect((await codexRequest(pool)).status).toBe(200);
  });
});
