import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { healthSchema } from '../../../shared/api';
import { startCoreOn, startPool, type PoolHarness, type TestCore } from '../../helpers/pool-harness';
import { startCli } from '../../helpers/cli-process';

// Issue 8: a key file replaced (or restored apart from its database) must be named in the error a client gets.
let pool: PoolHarness | undefined;
let restarted: TestCore | undefined;
afterEach(async () => {
  await restarted?.stop();
  restarted = undefined;
  await pool?.close();
  pool = undefined;
});

describe('the key file', () => {
  it('replaced: requests fail with a message that names the key file, not internal_error', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const dataDir = pool.core.config.dataDir;
    await pool.core.stop();
    writeFileSync(join(dataDir, 'secret.key'), randomBytes(32), { mode: 0o600 });
    restarted = await startCoreOn(dataDir, pool.sim);

    for (const [path, body] of [
      ['/v1/responses', { model: 'gpt-5.5', input: 'hi' }],
      ['/backend-api/codex/responses', { model: 'gpt-5.5', input: [], stream: true, store: false }],
    ] as const) {
      const res = await restarted.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBeGreaterThanOrEqual(500);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code, path).not.toBe('internal_error');
      expect(error.message, path).toContain(join(dataDir, 'secret.key'));
    }
    // The dashboard says so too: on the accounts (with the path) and in health (public: without it).
    const list = (await (await restarted.admin('/api/accounts')).json()) as {
      accounts: Array<{ lastError: string | null }>;
    };
    expect(list.accounts.map((a) => a.lastError)).toEqual([
      expect.stringContaining(join(dataDir, 'secret.key')),
      expect.stringContaining(join(dataDir, 'secret.key')),
    ]);
    const health = healthSchema.parse(await (await restarted.fetch('/api/health')).json());
    expect(health.ok).toBe(false);
    expect(health.problems).toMatchObject([
      {
        code: 'logins_unreadable',
        message: expect.stringMatching(/^2 saved logins cannot be opened with the key file/),
      },
    ]);
    expect(JSON.stringify(health)).not.toContain(dataDir);

    const exported = await restarted.admin(`/api/accounts/${pool.ids[0]}/export?format=codex`);
    expect(exported.status).toBe(503);
    expect(((await exported.json()) as { error: { message: string } }).error.message).toContain('secret.key');
  });

  it('unreadable: serve refuses to start and names the key file', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com' }] });
    const dataDir = pool.core.config.dataDir;
    await pool.core.stop();
    // Root reads any file whatever its mode; a directory in its place is unreadable for everyone.
    rmSync(join(dataDir, 'secret.key'));
    mkdirSync(join(dataDir, 'secret.key'));
    const cli = startCli(['serve', '--port', '0', '--data-dir', dataDir], {});
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(`Cannot read the key file ${join(dataDir, 'secret.key')}`);
  });
});
