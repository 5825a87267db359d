import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { healthSchema } from '../../../shared/api';
import { startCli } from '../../helpers/cli-process';

// Issue 8: bound to 0.0.0.0 the server must say it is reachable from the network, and never answer 200 to a setting
// (requireApiKey: false) that cannot hold there.
describe('serve --host 0.0.0.0', () => {
  it('says it is reachable from the network, enforces keys, and refuses to turn them off', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-bind-'));
    const token = 'network-bind-admin-token';
    const cli = startCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir], {
      CODEX_POOL_ADMIN_TOKEN: token,
    });
    try {
      const [, port] = await cli.waitForStdout(/OpenAI base URL:\s+http:\/\/0\.0\.0\.0:(\d+)\/v1/);
      await cli.waitForStdout(/Press Ctrl\+C/);
      expect(cli.stdout()).toMatch(/bound to 0\.0\.0\.0, so this server is REACHABLE FROM THE NETWORK/);
      expect(cli.stdout()).toMatch(/Proxy API keys are enforced for every client/);
      const url = `http://127.0.0.1:${port}`;
      const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

      const health = healthSchema.parse(await (await fetch(`${url}/api/health`)).json());
      expect(health.networkExposed).toBe(true);

      const refused = await fetch(`${url}/api/settings`, {
        method: 'PATCH',
        headers: admin,
        body: '{"requireApiKey":false}',
      });
      expect(refused.status).toBe(409);
      const { error } = (await refused.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('setting_enforced');
      expect(error.message).toMatch(/reachable from the network/);
      // What the dashboard shows is what holds.
      const settings = (await (await fetch(`${url}/api/settings`, { headers: admin })).json()) as {
        requireApiKey: boolean;
      };
      expect(settings.requireApiKey).toBe(true);
      const client = await fetch(`${url}/v1/models`);
      expect(client.status).toBe(401);
      // Other settings still save.
      const ok = await fetch(`${url}/api/settings`, {
        method: 'PATCH',
        headers: admin,
        body: '{"stickySessions":false}',
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ stickySessions: false, requireApiKey: true });
    } finally {
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
  });

  it('prints no network notice on loopback', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-bind-'));
    const cli = startCli(['serve', '--port', '0', '--data-dir', dataDir], {});
    const [, url] = await cli.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
    await cli.waitForStdout(/Press Ctrl\+C/);
    expect(cli.stdout()).not.toMatch(/REACHABLE FROM THE NETWORK/);
    expect(healthSchema.parse(await (await fetch(`${url}/api/health`)).json()).networkExposed).toBe(false);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
