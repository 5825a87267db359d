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
});
