import { afterEach, describe, expect, it } from 'vitest';
import { accountListSchema, accountResultSchema, type AccountDto } from '../../../shared/api';
import { TokenService, type TokenSet } from '../../../main/core/accounts/token-service';
import { createKeyFileSecretBox } from '../../../main/core/secrets';
import { createUpstreamDispatcher, UpstreamClient } from '../../../main/core/upstream/client';
import { silentLogger } from '../../../main/core/log';
import type { Core } from '../../../main/core/create-core';
import type { PoolHarness } from '../../helpers/pool-harness';
import { CODEX_CLIENT_ID } from '../../simulator';
import { readSse } from '../../helpers/sse';
import {
  browseLogin,
  codexRequest,
  startAccountsPool,
  startCoreOn,
  waitFor,
  type RestartedCore,
} from './helpers';

let pool: PoolHarness | undefined;
let restarted: RestartedCore | undefined;
afterEach(async () => {
  await restarted?.stop();
  restarted = undefined;
  await pool?.close();
  pool = undefined;
});

/** The token set stored for an account, opened with the data dir's key file (what a restart would read). */
function storedTokens(core: Core, id: string): TokenSet {
  const record = core.store.accounts.get(id)!;
  return JSON.parse(createKeyFileSecretBox(core.config.dataDir).open(record.sealedTokens)) as TokenSet;
}

async function account(core: { admin(path: string): Promise<Response> }, id: string): Promise<AccountDto> {
  const list = accountListSchema.parse(await (await core.admin('/api/accounts')).json());
  return list.accounts.find((a) => a.id === id)!;
}

/**
 * A token service over the core's store whose persist step fails where a crash would cut it. It keeps the new set in
 * memory (as it must when a disk refuses it); the test then drops the service with that memory, as a crash would.
 */
function crashingTokenService(core: Core, authBaseUrl: string, when: 'before' | 'after'): TokenService {
  const store = core.store;
  return new TokenService({
    repo: {
      get: (id) => store.accounts.get(id),
      updateTokens: (id, sealed, exp, at) => {
        if (when === 'after') store.accounts.updateTokens(id, sealed, exp, at);
        throw new Error(`simulated crash ${when} the write`);
      },
    },
    secretBox: createKeyFileSecretBox(core.config.dataDir),
    auth: new UpstreamClient(createUpstreamDispatcher({}), authBaseUrl),
    now: () => Math.floor(Date.now() / 1000),
    log: silentLogger,
  });
}

const refreshCalls = (p: PoolHarness): number =>
  p.sim.requests.filter((r) => r.path === '/oauth/token' && r.status === 200).length;

describe('token refresh', () => {
  it('refreshes proactively near exp, persists the rotated set, and keeps the chain across a restart', async () => {
    pool = await startAccountsPool();
    pool.sim.setAccessTokenTtl(120); // inside the 5-minute margin: every use refreshes first
    const { id, sim: simAccount } = pool.addAccount({ email: 'a@example.com', planType: 'plus' });
    const original = { ...simAccount.tokens };

    expect((await codexRequest(pool)).status).toBe(200);
    expect(refreshCalls(pool)).toBe(1);
    const rotated = storedTokens(pool.core, id);
    expect(rotated.refreshToken).not.toBe(original.refreshToken);
    expect(rotated).toEqual(simAccount.tokens);

    await pool.core.stop();
    restarted = await startCoreOn(pool.core.config.dataDir, pool.sim);
    expect((await codexRequest(restarted)).status).toBe(200);
    expect(refreshCalls(pool)).toBe(2); // the persisted refresh token was the live one: no reuse
    expect((await account(restarted, id)).status).toBe('active');
  });

  it('single-flights concurrent refreshes of one account', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const tokens = pool.core.services.tokens;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => tokens.refresh(pool!.ids[0]!)));
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(refreshCalls(pool)).toBe(1);
  });

  it('crash after upstream rotated but before the write: the stored set is wholly old, the account is kept and asks for a new login', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const [idA] = pool.ids;
    const original = { ...pool.accounts[0]!.tokens };
    const crashing = crashingTokenService(pool.core, pool.sim.authBaseUrl, 'before');
    await crashing.refresh(idA!);
    expect(pool.accounts[0]!.tokens.refreshToken).not.toBe(original.refreshToken); // upstream did rotate

    await pool.core.stop();
    restarted = await startCoreOn(pool.core.config.dataDir, pool.sim);
    expect(storedTokens(restarted, idA!)).toEqual(original); // wholly old, never a mix

    // The simulator, like a strict upstream, revoked the old access token at rotation: the poller's 401 leads to a
    // refresh with the spent token, which upstream reports reused. The account is kept, with a human reason.
    const poll = await restarted.services.poller.pollAccount(idA!);
    expect(poll).toMatchObject({ kind: 'failed', code: 'refresh_token_reused' });
    const a = await account(restarted, idA!);
    expect(a.status).toBe('reauth_required');
    expect(a.lastError).toMatch(/Sign in again.*refresh_token_reused/);
    // The pool keeps serving through the other account.
    expect((await codexRequest(restarted)).status).toBe(200);

    // A new login brings the same account back.
    pool.sim.setNextLogin(pool.accounts[0]!);
    const start = (await (await restarted.admin('/api/oauth/start', { method: 'POST' })).json()) as {
      authorizeUrl: string;
    };
    await browseLogin(start.authorizeUrl);
    await waitFor(async () => ((await account(restarted!, idA!)).status === 'active' ? true : undefined));
  });

  it('crash after the write but before use: the account keeps working after restart with the new set', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    const crashing = crashingTokenService(pool.core, pool.sim.authBaseUrl, 'after');
    await crashing.refresh(id!);

    await pool.core.stop();
    restarted = await startCoreOn(pool.core.config.dataDir, pool.sim);
    expect(storedTokens(restarted, id!)).toEqual(pool.accounts[0]!.tokens); // wholly new
    expect((await codexRequest(restarted)).status).toBe(200);
    const used = pool.sim.requests.filter((r) => r.path === '/backend-api/codex/responses').at(-1);
    expect(used?.headers.authorization).toBe(`Bearer ${pool.accounts[0]!.tokens.accessToken}`);
    expect((await account(restarted, id!)).status).toBe('active');
  });

  it('refresh-token reuse (the Codex CLI refreshed the shared login first) → reauth_required, with an event', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    const events = await pool.admin('/api/events');
    const reader = readSse(events.body!);

    // The Codex CLI that shares this auth.json refreshes first.
    const cli = await fetch(pool.sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_token: pool.accounts[0]!.authJson().tokens.refresh_token,
      }),
    });
    expect(cli.status).toBe(200);

    const res = await pool.admin(`/api/accounts/${id}/refresh`, {
      method: 'POST',
      body: JSON.stringify({ tokens: true }),
    });
    expect(res.status).toBe(200);
    const { account: a } = accountResultSchema.parse(await res.json());
    expect(a.status).toBe('reauth_required');
    expect(a.lastError).toContain(
      'Another app (often the Codex CLI sharing this auth.json) refreshed it first',
    );

    for (;;) {
      const { value } = await reader.next();
      if (value?.data.type === 'account_status') {
        expect(value.data).toMatchObject({
          accountId: id,
          to: 'reauth_required',
          transition: 'reauth_required',
        });
        break;
      }
    }
    // Accounts needing a login are not polled.
    const round = await pool.core.services.poller.pollNow();
    expect(round.has(id!)).toBe(false);
  });

  it('a permanent refresh failure met by the usage poller lands on the account too', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    pool.accounts[0]!.expireAccessToken(); // upstream answers 401; we refresh, and the refresh is refused
    pool.sim.injectFault({ kind: 'invalid_grant', route: 'token' });
    const result = await pool.core.services.poller.pollAccount(id!);
    expect(result.kind).toBe('failed');
    expect((await account(pool, id!)).status).toBe('reauth_required');
  });
});
