import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKUP_SINGLE_USE_WARNING } from '../../shared/api';
import { startCoreOn, type TestCore } from '../helpers/pool-harness';
import { tempDataDir } from '../integration/accounts/helpers';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

const PASS = 'new laptop, same pool';
let pool: PoolHarness | undefined;
const cleanups: Array<() => Promise<void>> = [];

const browser = useBrowser(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await pool?.close();
  pool = undefined;
});

/** A second machine: its own data dir and key file, talking to the same ChatGPT (simulator). */
async function secondMachine(p: PoolHarness): Promise<TestCore> {
  const data = await tempDataDir();
  const core = await startCoreOn(data.dir, p.sim);
  cleanups.push(async () => {
    await core.stop();
    await data.remove();
  });
  return core;
}

describe('backup tab', () => {
  it('downloads an encrypted backup with the single-use warning, pauses this machine, and restores elsewhere with a preview', async () => {
    pool = await startPool({
      accounts: [
        { email: 'one@example.com', planType: 'pro' },
        { email: 'two@example.com', planType: 'plus' },
      ],
    });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Backup' }).click();
    await page.getByRole('heading', { name: 'Backup', level: 2 }).waitFor();
    expect(await page.getByTestId('single-use-warning').textContent()).toContain(
      'the machine that refreshes',
    );

    const download = page.getByRole('button', { name: 'Download backup' });
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByLabel('Repeat the passphrase').fill(PASS + 'x');
    await page.getByText('The two passphrases differ.').waitFor();
    expect(await download.isDisabled()).toBe(true);
    await page.getByLabel('Repeat the passphrase').fill(PASS);
    await page.getByLabel('Include the request history').check();
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toMatch(/^codex-pool-\d{4}-\d\d-\d\d\.backup$/);
    const saved = join(pool.core.config.dataDir, file.suggestedFilename());
    await file.saveAs(saved);
    const text = await readFile(saved, 'utf8');
    expect(text.startsWith('CODEX-POOL-BACKUP\n')).toBe(true);
    expect(text).toContain(BACKUP_SINGLE_USE_WARNING);
    expect(await page.getByTestId('backup-saved').textContent()).toMatch(/2 accounts and 0 logged requests/);

    await page.getByRole('button', { name: 'Pause every account here' }).click();
    expect(await page.getByTestId('paused-all').textContent()).toContain('Paused 2 accounts here');
    expect(pool.core.services.accounts.list().map((a) => a.status)).toEqual(['paused', 'paused']);
    // Checked now: signing in to the second server below replaces this page's cookie (cookies ignore ports).
    expect(errors).toEqual([]);

    // The new machine already holds account one, signed in after the backup: the restore updates it but keeps
    // that newer login, and adds account two.
    const target = await secondMachine(pool);
    target.services.accounts.importAuthJson(pool.accounts[0]!.authJson());
    const other = await signIn(browser(), target);
    const p2 = other.page;
    await p2.getByRole('tab', { name: 'Backup' }).click();
    await p2.getByLabel('Backup file').setInputFiles(saved);
    await p2.getByLabel('Its passphrase').fill('not the passphrase');
    await p2.getByRole('button', { name: 'Preview restore' }).click();
    await p2
      .getByRole('alert')
      .getByText(/passphrase does not match/)
      .waitFor();

    await p2.getByLabel('Its passphrase').fill(PASS);
    await p2.getByRole('button', { name: 'Preview restore' }).click();
    const plan = p2.getByTestId('restore-plan');
    expect(await plan.getByTestId('restore-summary').textContent()).toBe('1 new account, 1 updated');
    expect(await plan.getByTestId('restore-account').allTextContents()).toEqual([
      'one@example.comProUpdated; keeps the login here (it is newer)',
      'two@example.comPlusAdded',
    ]);
    expect(target.services.accounts.list()).toHaveLength(1); // nothing changed by the preview
    await mkdir('test-results', { recursive: true });
    await p2.screenshot({ path: 'test-results/dashboard-restore-preview.png', fullPage: true });

    await plan.getByRole('button', { name: 'Restore now' }).click();
    expect(await p2.getByTestId('restore-done').textContent()).toContain('1 account added, 1 updated');
    await p2.getByRole('tab', { name: 'Accounts' }).click();
    await p2.getByTestId('account-card').nth(1).waitFor();
    expect(await p2.getByTestId('account-card').count()).toBe(2);
    expect(other.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('imports several auth.json files at once, with a result per file', async () => {
    pool = await startPool();
    const { page } = await signIn(browser(), pool.core);
    const dir = pool.core.config.dataDir;
    const files = [join(dir, 'a.json'), join(dir, 'b.json'), join(dir, 'broken.json')];
    await writeFile(files[0]!, JSON.stringify(pool.sim.addAccount({ email: 'a@example.com' }).authJson()));
    await writeFile(
      files[1]!,
      JSON.stringify(pool.sim.addAccount({ email: 'b@example.com' }).openCodeAuth()),
    );
    await writeFile(files[2]!, '{"hello": 1}');

    await page.getByRole('button', { name: 'Add your first account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an account' });
    await dialog.getByText('Import auth.json').click();
    await dialog.getByLabel('Choose a file (or several)').setInputFiles(files);
    await dialog.getByRole('button', { name: 'Import 3 files' }).click();
    const results = dialog.getByTestId('import-result');
    await results.nth(2).waitFor();
    const lines = await results.allTextContents();
    expect(lines[0]).toBe('a.json: added a@example.com');
    expect(lines[1]).toBe('b.json: added b@example.com');
    expect(lines[2]).toMatch(/^broken\.json: not imported — not an auth\.json/);
    expect(pool.core.services.accounts.list().map((a) => a.email)).toEqual([
      'a@example.com',
      'b@example.com',
    ]);
  });
});
