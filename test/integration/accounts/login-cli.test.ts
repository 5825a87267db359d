import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type CoreConfig } from '../../../main/core/config';
import { loginCommand } from '../../../main/cli-commands/login';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function cliConfig(p: PoolHarness): CoreConfig {
  const port = new URL(p.core.url).port;
  return resolveConfig({
    env: { CODEX_POOL_ADMIN_TOKEN: p.core.adminToken },
    flags: { port, dataDir: p.core.config.dataDir },
    defaultDataDir: p.core.config.dataDir,
  });
}

describe('codex-pool login', () => {
  it('adds an account through a browser sign-in handled by the running server', async () => {
    pool = await startPool();
    pool.sim.setNextLogin({ email: 'browser@example.com', planType: 'pro' });
    const lines: string[] = [];
    const done = loginCommand(cliConfig(pool), false, (line) => {
      lines.push(line);
      const url = /^\s+(http\S+)$/.exec(line)?.[1];
      // The "browser": follow the authorize URL, which redirects to the local callback listener.
      if (url) void fetch(url).then((r) => r.text());
    });
    expect(await done).toBe(0);
    expect(lines.at(-1)).toBe('Added browser@example.com (pro).');
    const accounts = (await (await pool.admin('/api/accounts')).json()) as {
      accounts: Array<{ email: string }>;
    };
    expect(accounts.accounts.map((a) => a.email)).toEqual(['browser@example.com']);
  });

  it('adds an account with a device code', async () => {
    pool = await startPool();
    const lines: string[] = [];
    const done = loginCommand(cliConfig(pool), true, (line) => {
      lines.push(line);
      const code = /enter the code: (\S+)$/.exec(line)?.[1];
      if (code) pool!.sim.approveDevice(code, { email: 'device@example.com', planType: 'plus' });
    });
    expect(await done).toBe(0);
    expect(lines.at(-1)).toBe('Added device@example.com (plus).');
  });

  it('says how to start the server when none is running', async () => {
    pool = await startPool();
    const config = { ...cliConfig(pool), port: 1 };
    await expect(loginCommand(config, false, () => undefined)).rejects.toThrow(
      /Start it with `codex-pool serve`/,
    );
  });
});
