import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'codex-pool-serve-'));
}

describe('codex-pool serve', () => {
  it('prints its URLs, answers /api/health, guards the admin API and stops cleanly on SIGTERM', async () => {
    const dataDir = await tempDir();
    const cli = startCli(['serve', '--port', '0', '--data-dir', dataDir], {});
    const [, url] = await cli.waitForStdout(
      /Codex base_url:\s+(http:\/\/127\.0\.0\.1:\d+)\/backend-api\/codex/,
    );
    const [, loginUrl] = await cli.waitForStdout(/Dashboard login:\s+(\S+)/);

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, version: expect.any(String), demo: false });

    // The admin token was generated once, kept 0600 in the data dir, and is required by admin routes.
    const tokenFile = join(dataDir!, 'admin-token');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const token = (await readFile(tokenFile, 'utf8')).trim();
    expect(cli.stdout()).not.toContain(token);
    const settings = await fetch(`${url}/api/settings`);
    expect(settings.status).toBe(401);
    expect(((await settings.json()) as { error: { code: string } }).error.code).toBe('admin_auth_required');

    // The one-time login link trades its code for an HttpOnly session cookie, once.
    const login = await fetch(loginUrl!, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/^cp_session=[\w-]+; HttpOnly; SameSite=Strict/);
    expect((await fetch(loginUrl!, { redirect: 'manual' })).status).toBe(401);

    // The SQLite store was created in the data dir.
    await stat(join(dataDir!, 'codex-pool.sqlite'));

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a second server on the same port with a clear message', async () => {
    const first = startCli(['serve', '--port', '0', '--data-dir', await tempDir()], {});
    const [, port] = await first.waitForStdout(/http:\/\/127\.0\.0\.1:(\d+)\/backend-api/);
    const second = startCli(['serve', '--port', port!, '--data-dir', await tempDir()], {});
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain('the port is already in use');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
  });

  it('rejects bad configuration before touching anything', async () => {
    const cli = startCli(['serve', '--data-dir', await tempDir()], { CODEX_POOL_PORT: 'many' });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('The port must be a whole number');
  });
});
