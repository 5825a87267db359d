import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../main/core/config';
import { accountsCommand, importCommand } from '../../../main/cli-commands/accounts';
import { createSimulator, type Simulator } from '../../simulator';
import type { PoolHarness } from '../../helpers/pool-harness';
import { startAccountsPool, tempDataDir } from './helpers';

let pool: PoolHarness | undefined;
let sim: Simulator | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await sim?.close();
  sim = undefined;
  for (const c of cleanups.splice(0)) await c();
});

describe('codex-pool import / accounts', () => {
  it('works on the data dir when no server runs: import, re-import updates, table', async () => {
    sim = await createSimulator();
    const data = await tempDataDir();
    cleanups.push(data.remove);
    const config = resolveConfig({
      env: { CODEX_POOL_PORT: '0' },
      flags: { dataDir: data.dir },
      defaultDataDir: data.dir,
    });
    const file = join(data.dir, 'auth.json');
    await writeFile(
      file,
      JSON.stringify(sim.addAccount({ email: 'a@example.com', planType: 'plus' }).authJson()),
    );

    const out: string[] = [];
    expect(await importCommand(config, [file], (l) => out.push(l))).toBe(0);
    expect(out[0]).toMatch(/^Imported a@example\.com \(plus\) as acc_\w+ — restart a running Codex Pool/);
    expect(out[1]).toContain('Warning: This login shares its refresh token with the Codex CLI');
    await importCommand(config, [file], (l) => out.push(l));
    expect(out[2]).toMatch(/^Updated a@example\.com/);

    const table: string[] = [];
    await accountsCommand(config, (l) => table.push(l));
    expect(table[0]).toMatch(/^EMAIL\s+PLAN\s+STATUS\s+5H\s+WEEKLY\s+DATA AGE\s+ID$/);
    expect(table).toHaveLength(2);
    expect(table[1]).toMatch(/^a@example\.com\s+plus\s+active\s+—\s+—\s+never\s+acc_/);
  });

  it('goes through the running server, so the account is routable at once', async () => {
    pool = await startAccountsPool({
      accounts: [{ email: 'a@example.com', usage: { primary: 42, secondary: 7 } }],
    });
    await pool.core.services.poller.pollNow();
    const port = new URL(pool.core.url).port;
    const config = resolveConfig({
      env: { CODEX_POOL_PORT: port, CODEX_POOL_ADMIN_TOKEN: 'test-admin-token-0123456789' },
      flags: { dataDir: pool.core.config.dataDir },
      defaultDataDir: pool.core.config.dataDir,
    });
    const file = join(pool.core.config.dataDir, 'opencode.json');
    await writeFile(
      file,
      JSON.stringify(pool.sim.addAccount({ email: 'b@example.com', planType: 'pro' }).openCodeAuth()),
    );
    const out: string[] = [];
    await importCommand(config, [file], (l) => out.push(l));
    expect(out).toEqual([expect.stringMatching(/^Imported b@example\.com \(pro\) as acc_\w+\.$/)]);
    expect(pool.core.services.pool.allRecords()).toHaveLength(2);

    const table: string[] = [];
    await accountsCommand(config, (l) => table.push(l));
    expect(table[1]).toMatch(/^a@example\.com\s+plus\s+active\s+42%\s+7%\s+\d+s\s+acc_/);
  });

  it('reports a file that is not an auth.json with the parser’s message', async () => {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    const config = resolveConfig({
      env: { CODEX_POOL_PORT: '0' },
      flags: { dataDir: data.dir },
      defaultDataDir: data.dir,
    });
    const file = join(data.dir, 'bad.json');
    await writeFile(file, '{"hello": 1}');
    await expect(importCommand(config, [file], () => {})).rejects.toThrow(/not an auth\.json/);
  });
});
