import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCoreOn, type TestCore } from '../helpers/pool-harness';
import { createSimulator, type Simulator } from '../simulator';
import { mountTmpfs } from '../helpers/tmpfs';
import { TEST_TUNING } from '../helpers/test-tuning';
import { codexRequest, openPage, signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;
let exposed: { core: TestCore; sim: Simulator; dataDir: string } | undefined;
const disk = mountTmpfs(8 * 1024 * 1024);

const browser = useBrowser(async () => {
  if (typeof disk !== 'string') disk.free();
  await pool?.close();
  pool = undefined;
  if (exposed) {
    await exposed.core.stop();
    await exposed.sim.close();
    await rm(exposed.dataDir, { recursive: true, force: true });
    exposed = undefined;
  }
});
afterAll(() => {
  if (typeof disk !== 'string') disk.unmount();
});

describe('the dashboard session and server notices', () => {
  it('signs out with the Sign out button, for good', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    expect(await page.getByTestId('network-notice').count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('signed-out').waitFor();
    // The session is over on the server, not just hidden: a reload stays signed out.
    await page.reload();
    await page.getByTestId('signed-out').waitFor();
    expect((await pool.fetch('/api/accounts')).status).toBe(401);
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
  });

  it('shows that a server bound to 0.0.0.0 is reachable from the network, with keys always on', async () => {
    const sim = await createSimulator();
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-e2e-exposed-'));
    const core = await startCoreOn(dataDir, sim, {}, { CODEX_POOL_HOST: '0.0.0.0' });
    exposed = { core, sim, dataDir };
    const { page } = await openPage(browser());
    // Browsers refuse 0.0.0.0 as a destination; the loopback name reaches the same socket.
    await page.goto(core.createLoginUrl().replace('0.0.0.0', '127.0.0.1'));
    await page.getByRole('heading', { name: 'Accounts', level: 2 }).waitFor();
    const notice = page.getByTestId('network-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Reachable from the network.*proxy API key/);

    await page.getByRole('tab', { name: 'Routing' }).click();
    const keys = page.getByRole('checkbox', { name: /Require an API key/ });
    await keys.waitFor();
    expect(await keys.isChecked()).toBe(true);
    expect(await keys.isDisabled()).toBe(true);
    await page.getByText('Always on: this server is reachable from the network').waitFor();
  });

  it.skipIf(typeof disk === 'string')(
    'shows a full disk above the tabs and on the account it affects',
    async () => {
      if (typeof disk === 'string') return;
      const sim = await createSimulator();
      const dataDir = join(disk.dir, 'e2e');
      const core = await startCoreOn(dataDir, sim, { accountsTuning: TEST_TUNING });
      exposed = { core, sim, dataDir };
      sim.setAccessTokenTtl(120); // every request refreshes first
      core.services.accounts.importAuthJson(sim.addAccount({ email: 'full@example.com' }).authJson());
      disk.fill();
      expect(await codexRequest(core)).toBe(200); // served with the login the disk refused

      const { page } = await signIn(browser(), core);
      const problem = page.getByTestId('health-problem').first();
      await problem.waitFor();
      expect(await problem.textContent()).toMatch(
        /Changes cannot be saved: the disk holding the data dir is full/,
      );
      await page
        .getByText(/The renewed login could not be saved: the disk holding the data dir is full/)
        .waitFor();
    },
  );
});
