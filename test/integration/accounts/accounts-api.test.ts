import { afterEach, describe, expect, it } from 'vitest';
import {
  accountImportResultSchema,
  accountListSchema,
  accountResultSchema,
  type AccountDto,
} from '../../../shared/api';
import type { PoolHarness } from '../../helpers/pool-harness';
import { readSse } from '../../helpers/sse';
import { codexRequest, startAccountsPool } from './helpers';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function list(p: PoolHarness): Promise<AccountDto[]> {
  return accountListSchema.parse(await (await p.admin('/api/accounts')).json()).accounts;
}

const post = (p: PoolHarness, path: string, body?: unknown): Promise<Response> =>
  p.admin(path, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

describe('import', () => {
  it('imports a Codex CLI auth.json with the shared-login warning; re-import updates, never duplicates', async () => {
    pool = await startAccountsPool();
    const sim = pool.sim.addAccount({ email: 'a@example.com', planType: 'plus' });
    const first = await post(pool, '/api/accounts/import', sim.authJson());
    expect(first.status).toBe(201);
    const created = accountImportResultSchema.parse(await first.json());
    expect(created).toMatchObject({ created: true, format: 'codex', account: { email: 'a@example.com' } });
    expect(created.warning).toContain('whichever refreshes second is signed out');

    // Pasted text works too, and the same login updates the same account.
    const again = await post(pool, '/api/accounts/import', JSON.stringify(sim.authJson()));
    expect(again.status).toBe(200);
    expect(accountImportResultSchema.parse(await again.json())).toMatchObject({
      created: false,
      account: { id: created.account.id },
    });
    expect(await list(pool)).toHaveLength(1);
  });

  it('imports the OpenCode shape without the warning', async () => {
    pool = await startAccountsPool();
    const sim = pool.sim.addAccount({ email: 'o@example.com', planType: 'pro' });
    const res = await post(pool, '/api/accounts/import', sim.openCodeAuth());
    const body = accountImportResultSchema.parse(await res.json());
    expect(body).toMatchObject({ created: true, format: 'opencode', account: { planType: 'pro' } });
    expect(body.warning).toBeUndefined();
  });

  it('answers 400 with the parser’s message for anything that is not a ChatGPT login', async () => {
    pool = await startAccountsPool();
    for (const bad of [{ OPENAI_API_KEY: 'sk-test-1234567890' }, { tokens: {} }, 'not json', [1, 2]]) {
      const res = await post(pool, '/api/accounts/import', bad);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message.length).toBeGreaterThan(5);
      expect(error.message).not.toContain('sk-test');
    }
  });
});

describe('export', () => {
  it('round-trips both shapes: export, delete, import the export → the same login', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const tokens = { ...pool.accounts[0]!.tokens };
    for (const format of ['codex', 'opencode'] as const) {
      const [account] = await list(pool);
      const exported = await pool.admin(`/api/accounts/${account!.id}/export?format=${format}`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toContain('attachment');
      const doc = (await exported.json()) as Record<string, unknown>;
      if (format === 'codex') {
        expect(doc).toMatchObject({
          auth_mode: 'chatgpt',
          OPENAI_API_KEY: null,
          tokens: {
            id_token: tokens.idToken,
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            account_id: account!.chatgptAccountId,
          },
        });
        expect(doc.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      } else {
        expect(doc).toEqual({
          openai: {
            type: 'oauth',
            refresh: tokens.refreshToken,
            access: tokens.accessToken,
            expires: expect.any(Number),
            accountId: account!.chatgptAccountId,
          },
        });
      }
      expect((await pool.admin(`/api/accounts/${account!.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(await list(pool)).toHaveLength(0);
      const back = accountImportResultSchema.parse(
        await (await post(pool, '/api/accounts/import', doc)).json(),
      );
      expect(back.account).toMatchObject({
        email: 'a@example.com',
        chatgptAccountId: account!.chatgptAccountId,
      });
      expect((await codexRequest(pool)).status).toBe(200);
    }
  });

  it('refuses a Codex CLI export of an OpenCode login that has no id token yet (409)', async () => {
    pool = await startAccountsPool();
    const sim = pool.sim.addAccount({ email: 'o@example.com' });
    const { account } = accountImportResultSchema.parse(
      await (await post(pool, '/api/accounts/import', sim.openCodeAuth())).json(),
    );
    expect((await pool.admin(`/api/accounts/${account.id}/export?format=codex`)).status).toBe(409);
    expect((await pool.admin(`/api/accounts/${account.id}/export?format=zip`)).status).toBe(400);
  });
});

describe('account actions', () => {
  it('pause takes an account out of routing and polling; resume puts it back', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    const paused = accountResultSchema.parse(await (await post(pool, `/api/accounts/${id}/pause`)).json());
    expect(paused.account.status).toBe('paused');
    expect((await codexRequest(pool)).status).toBe(503);
    expect(pool.core.store.accounts.get(id!)).toBeDefined();

    const resumed = accountResultSchema.parse(await (await post(pool, `/api/accounts/${id}/resume`)).json());
    expect(resumed.account.status).toBe('active');
    expect((await codexRequest(pool)).status).toBe(200);
    // Resuming an active account is a no-op; a paused status survives a flush to disk.
    expect((await post(pool, `/api/accounts/${id}/resume`)).status).toBe(200);
    await post(pool, `/api/accounts/${id}/pause`);
    pool.core.services.queue.flush();
    expect(pool.core.store.accounts.get(id!)?.status).toBe('paused');
  });

  it('sets the routing policy and label; validates them', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    const res = await pool.admin(`/api/accounts/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ routingPolicy: 'burn_first', label: 'Work' }),
    });
    expect(accountResultSchema.parse(await res.json()).account).toMatchObject({
      routingPolicy: 'burn_first',
      label: 'Work',
    });
    expect(pool.core.services.pool.state(id!)?.routingPolicy).toBe('burn_first');
    const bad = await pool.admin(`/api/accounts/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ routingPolicy: 'greedy' }),
    });
    expect(bad.status).toBe(400);
  });

  it('refresh polls the usage endpoint now', async () => {
    pool = await startAccountsPool({
      accounts: [{ email: 'a@example.com', usage: { primary: 12, secondary: 34 } }],
    });
    const res = await post(pool, `/api/accounts/${pool.ids[0]}/refresh`);
    expect(res.status).toBe(200);
    expect(accountResultSchema.parse(await res.json()).account.quota.primary?.usedPercent).toBe(12);
  });

  it('404s unknown ids on every account route', async () => {
    pool = await startAccountsPool();
    for (const [method, path] of [
      ['POST', '/api/accounts/acc_nope/pause'],
      ['POST', '/api/accounts/acc_nope/resume'],
      ['POST', '/api/accounts/acc_nope/refresh'],
      ['DELETE', '/api/accounts/acc_nope'],
      ['PATCH', '/api/accounts/acc_nope'],
      ['GET', '/api/accounts/acc_nope/export'],
    ] as const) {
      const res = await pool.admin(path, {
        method,
        ...(method === 'PATCH' ? { body: '{"label":"x"}' } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it('needs the admin credentials', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    expect((await pool.fetch('/api/accounts')).status).toBe(401);
    expect((await pool.fetch(`/api/accounts/${pool.ids[0]}/export`)).status).toBe(401);
  });
});

describe('event stream', () => {
  it('streams account, status and settings events, and ends when the core stops', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const res = await pool.admin('/api/events');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = readSse(res.body!);
    await post(pool, `/api/accounts/${pool.ids[0]}/pause`);
    await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ stickySessions: false }) });
    const seen: string[] = [];
    for await (const e of events) {
      seen.push(e.event!);
      if (e.event === 'account_status') expect(e.data).toMatchObject({ to: 'paused', transition: 'paused' });
      if (e.event === 'settings') break;
    }
    expect(seen).toEqual(expect.arrayContaining(['account', 'account_status', 'settings']));

    const stream = await pool.admin('/api/events');
    const started = Date.now();
    await pool.core.stop();
    expect(await stream.text()).toContain(': connected');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
