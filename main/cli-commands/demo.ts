import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type ConfigFlags } from '../core/config';
import { serveCommand } from './serve';

/** How many simulated accounts the demo starts with: mixed plans, one with the Spark family. */
const DEMO_ACCOUNTS = 4;

/**
 * `npm run demo`: the whole app against the built-in upstream simulator, so anyone can try it without a ChatGPT
 * account. Everything is labelled demo (health, banner, account labels) and lives in a temporary data dir that
 * is deleted on exit, so a demo never touches real data. Needs the repository checkout (the simulator lives in
 * test/), which is where `npm run demo` runs.
 */
export async function demoCommand(env: NodeJS.ProcessEnv, flags: ConfigFlags): Promise<number> {
  const { createSimulator, sampleAccounts } = await import('../../test/simulator/index');
  const sim = await createSimulator();
  const dataDir = flags.dataDir ?? mkdtempSync(join(tmpdir(), 'codex-pool-demo-'));
  try {
    const config = resolveConfig({
      env: {
        ...env,
        CODEX_POOL_DATA_DIR: undefined,
        CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
        CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      },
      flags: { ...flags, dataDir },
      defaultDataDir: dataDir,
      demo: true,
    });
    return await serveCommand(config, async (core) => {
      sampleAccounts(DEMO_ACCOUNTS).forEach((init, i) => {
        const simulated = sim.addAccount(init);
        const { account } = core.services.accounts.importAuthJson(simulated.authJson());
        core.store.accounts.setLabel(account.id, `Demo account ${i + 1}`);
        core.services.pool.upsertRecord(core.store.accounts.get(account.id)!);
      });
    });
  } finally {
    await sim.close();
    if (flags.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}
