import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCoreOn, type TestCore } from '../helpers/pool-harness';
import { createSimulator, type Simulator } from '../simulator';
import { openPage, signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;
let exposed: { core: TestCore; sim: Simulator; dataDir: string } | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
  if (exposed) {
    await exposed.core.stop();
    await exposed.sim.close();
    await rm(exposed.dataDir, { recursive: true, force: true });
    exposed = undefined;
  }
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
});
