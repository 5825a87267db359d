import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';
import { createSimulator, type Simulator } from '../../simulator';

// `kill -9` in the middle of traffic must never lose an account, a setting or the database.
let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator();
});
afterAll(() => sim.close());

describe('a hard crash', () => {
  it('keeps accounts, settings and a healthy database across kill -9 during traffic', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-crash-'));
    const env = {
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: 'crash-test-admin-token-123',
    };
    const admin = { authorization: 'Bearer crash-test-admin-token-123', 'content-type': 'application/json' };
    const first = startCli(['serve', '--port', '0', '--data-dir', dataDir], env);
    const [, url] = await first.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
    for (const email of ['crash-a@example.com', 'crash-b@example.com']) {
      const res = await fetch(`${url}/api/accounts/import`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify(sim.addAccount({ email, planType: 'plus' }).authJson()),
      });
      expect(res.status).toBe(201);
    }
    await fetch(`${url}/api/settings`, {
      method: 'PATCH',
      headers: admin,
      body: '{"routingStrategy":"fill_first"}',
    });
    // Traffic in flight when the process dies.
    const traffic = Array.from({ length: 20 }, () =>
      fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
      })
        .then((r) => r.text())
        .catch(() => 'cut'),
    );
    await sim.waitForRequest((r) => r.path === '/backend-api/codex/responses');
    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(traffic);

    const second = startCli(['serve', '--port', '0', '--data-dir', dataDir], env);
    const [, url2] = await second.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
    try {
      const { accounts } = (await (await fetch(`${url2}/api/accounts`, { headers: admin })).json()) as {
        accounts: Array<{ email: string; status: string }>;
      };
      expect(accounts.map((a) => a.email).sort()).toEqual(['crash-a@example.com', 'crash-b@example.com']);
      const settings = (await (await fetch(`${url2}/api/settings`, { headers: admin })).json()) as {
        routingStrategy: string;
      };
      expect(settings.routingStrategy).toBe('fill_first');
      const res = await fetch(`${url2}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
      });
      expect(res.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('keeps every change answered 200 when kill -9 follows the answer at once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-crash-'));
    const env = {
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: 'crash-test-admin-token-123',
    };
    const admin = { authorization: 'Bearer crash-test-admin-token-123', 'content-type': 'application/json' };
    const serve = async (): Promise<{ url: string; kill: () => Promise<void> }> => {
      const cli = startCli(['serve', '--port', '0', '--data-dir', dataDir], env);
      const [, url] = await cli.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
      return {
        url: url!,
        kill: async () => {
          cli.child.kill('SIGKILL');
          await cli.exited;
        },
      };
    };
    const call = async (url: string, method: string, path: string, body?: unknown): Promise<unknown> => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: admin,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return res.status === 204 ? null : res.json();
    };
    type Listed = {
      accounts: Array<{
        id: string;
        email: string;
        status: string;
        label: string | null;
        routingPolicy: string;
      }>;
    };

    let server = await serve();
    const ids: string[] = [];
    for (const email of ['keep-a@example.com', 'keep-b@example.com', 'keep-c@example.com']) {
      const body = (await call(
        server.url,
        'POST',
        '/api/accounts/import',
        sim.addAccount({ email }).authJson(),
      )) as {
        account: { id: string };
      };
      ids.push(body.account.id);
    }
    const [a, b, c] = ids as [string, string, string];
    // Each change is the last thing before a kill in some round, so no flush timer can rescue it.
    await call(server.url, 'PATCH', `/api/accounts/${b}`, { routingPolicy: 'burn_first', label: 'spare' });
    await call(server.url, 'PATCH', '/api/settings', {
      routingStrategy: 'single_account',
      pinnedAccountId: b,
    });
    const { apiKey } = (await call(server.url, 'POST', '/api/keys', { name: 'ci' })) as {
      apiKey: { id: string };
    };
    await call(server.url, 'DELETE', `/api/accounts/${c}`);
    await call(server.url, 'POST', `/api/accounts/${a}/pause`);
    await server.kill();

    server = await serve();
    const listed = (await call(server.url, 'GET', '/api/accounts')) as Listed;
    expect(listed.accounts.map((x) => [x.email, x.status, x.label, x.routingPolicy])).toEqual([
      ['keep-a@example.com', 'paused', null, 'normal'],
      ['keep-b@example.com', 'active', 'spare', 'burn_first'],
    ]);
    expect(await call(server.url, 'GET', '/api/settings')).toMatchObject({
      routingStrategy: 'single_account',
      pinnedAccountId: b,
    });
    const { keys } = (await call(server.url, 'GET', '/api/keys')) as { keys: Array<{ id: string }> };
    expect(keys.map((k) => k.id)).toEqual([apiKey.id]);

    await call(server.url, 'DELETE', `/api/keys/${apiKey.id}`);
    await call(server.url, 'POST', `/api/accounts/${a}/resume`);
    await server.kill();

    server = await serve();
    try {
      const again = (await call(server.url, 'GET', '/api/accounts')) as Listed;
      expect(again.accounts.find((x) => x.id === a)?.status).toBe('active');
      const after = (await call(server.url, 'GET', '/api/keys')) as {
        keys: Array<{ revokedAt: number | null }>;
      };
      expect(after.keys[0]?.revokedAt).not.toBeNull();
    } finally {
      await server.kill();
    }
  });
});
