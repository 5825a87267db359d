import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accountListSchema } from '../../shared/api';
import { SHARED_LOGIN_WARNING } from '../../main/core/admin/accounts-routes';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

/** Fetches every account's quota now, as the background poller would. */
async function pollAll(p: PoolHarness): Promise<void> {
  for (const id of p.ids) {
    const res = await p.admin(`/api/accounts/${id}/refresh`, { method: 'POST' });
    expect(res.status).toBe(200);
  }
}

const card = (page: Page, name: string) =>
  page.getByTestId('account-card').filter({ has: page.getByRole('heading', { name }) });

describe('accounts view', () => {
  it('shows each account with plan, status, quota bars with their age, and Spark limits', async () => {
    pool = await startPool({
      accounts: [
        { email: 'plus@example.com', planType: 'plus', usage: { primary: 42, secondary: 17 } },
        {
          email: 'pro@example.com',
          planType: 'pro',
          usage: { primary: 91, secondary: 60 },
          families: { codex_other: { primary: 12, secondary: 4, limitName: 'GPT-5.3-Codex-Spark' } },
        },
      ],
    });
    await pollAll(pool);
    const { page, errors } = await signIn(browser(), pool.core);

    const plus = card(page, 'plus@example.com');
    await plus.waitFor();
    expect(await plus.getByTestId('account-plan').textContent()).toBe('Plus');
    expect(await plus.getByTestId('account-status').textContent()).toBe('Active');
    const meters = plus.getByRole('meter');
    expect(await meters.count()).toBe(2);
    expect(
      await plus.getByRole('meter', { name: '5-hour quota used', exact: true }).getAttribute('aria-valuenow'),
    ).toBe('42');
    expect(
      await plus.getByRole('meter', { name: 'Weekly quota used', exact: true }).getAttribute('aria-valuenow'),
    ).toBe('17');
    expect(await plus.getByText(/resets in \d/).count()).toBe(2);
    expect(await plus.getByTestId('quota-age').textContent()).toBe('Quota updated just now');

    const pro = card(page, 'pro@example.com');
    expect(await pro.getByTestId('account-plan').textContent()).toBe('Pro');
    expect(
      await pro.getByRole('meter', { name: '5-hour quota used', exact: true }).getAttribute('aria-valuenow'),
    ).toBe('91');
    const spark = pro.getByTestId('additional-limit');
    expect(await spark.textContent()).toContain('GPT-5.3-Codex-Spark');
    expect(
      await spark
        .getByRole('meter', { name: 'GPT-5.3-Codex-Spark 5-hour quota used' })
        .getAttribute('aria-valuenow'),
    ).toBe('12');

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard-accounts.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  it('pauses and resumes from the page, and reflects changes made elsewhere live', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    const account = card(page, 'a@example.com');
    const status = account.getByTestId('account-status');

    await account.getByRole('button', { name: 'Pause' }).click();
    await account.getByTestId('account-status').getByText('Paused').waitFor();
    await expect
      .poll(async () => (await pool!.core.services.pool.record(pool!.ids[0]!))?.status)
      .toBe('paused');

    // Another client (the CLI, the tray) resumes it: the page follows from the event stream, without a reload.
    expect((await pool.admin(`/api/accounts/${pool.ids[0]}/resume`, { method: 'POST' })).status).toBe(200);
    await status.getByText('Active').waitFor();
    await account.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await pool.admin(`/api/accounts/${pool.ids[0]}/pause`, { method: 'POST' })).status).toBe(200);
    await status.getByText('Paused').waitFor();
    expect(errors).toEqual([]);
  });

  it('adds an account by browser sign-in and shows it without a reload', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    pool.sim.setNextLogin({ email: 'new@example.com', planType: 'pro' });
    const { page, errors } = await signIn(browser(), pool.core);

    await page.getByRole('button', { name: 'Add account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an account' });
    await dialog.getByRole('button', { name: 'Start browser sign-in' }).click();
    await dialog.getByTestId('login-progress').waitFor();

    // The user follows the link; the simulator approves and redirects to the core's callback.
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      dialog.getByRole('link', { name: 'Open the ChatGPT sign-in page' }).click(),
    ]);
    await popup.waitForURL(/\/auth\/callback/);
    await popup.getByText('Signed in to Codex Pool').waitFor();
    await popup.close();

    expect(await dialog.getByTestId('login-success').textContent()).toBe('Added new@example.com.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const added = card(page, 'new@example.com');
    expect(await added.getByTestId('account-plan').textContent()).toBe('Pro');
    const list = accountListSchema.parse(await (await pool.admin('/api/accounts')).json());
    expect(list.accounts.map((a) => a.email).sort()).toEqual(['a@example.com', 'new@example.com']);
    expect(errors).toEqual([]);
  });

  it('adds an account with a device code', async () => {
    pool = await startPool();
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('button', { name: 'Add your first account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an account' });
    await dialog.getByText('Device code').click();
    await dialog.getByRole('button', { name: 'Get a device code' }).click();
    const code = (await dialog.getByTestId('device-code').textContent()) ?? '';
    expect(code).not.toBe('');

    pool.sim.approveDevice(code, { email: 'device@example.com', planType: 'plus' });
    expect(await dialog.getByTestId('login-success').textContent()).toBe('Added device@example.com.');
    await page.keyboard.press('Escape');
    await card(page, 'device@example.com').waitFor();
    expect(errors).toEqual([]);
  });

  it('imports a pasted auth.json and shows the shared-refresh-token warning', async () => {
    pool = await startPool();
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByTestId('empty-state').getByText('No accounts yet — add one').waitFor();

    const simulated = pool.sim.addAccount({ email: 'cli@example.com', planType: 'team' });
    await page.getByRole('button', { name: 'Add your first account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an account' });
    await dialog.getByText('Import auth.json').click();
    await dialog.getByLabel('…or paste its content').fill(JSON.stringify(simulated.authJson(), null, 2));
    await dialog.getByRole('button', { name: 'Import' }).click();

    expect(await dialog.getByTestId('import-success').textContent()).toContain('Added cli@example.com');
    expect(await dialog.getByTestId('import-warning').textContent()).toContain(SHARED_LOGIN_WARNING);
    await page.keyboard.press('Escape');
    await card(page, 'cli@example.com').getByTestId('account-plan').getByText('Team').waitFor();

    // A bad paste is refused with the server's own message.
    await page.getByRole('button', { name: 'Add account' }).click();
    await dialog.getByText('Import auth.json').click();
    await dialog.getByLabel('…or paste its content').fill('{"nothing": true}');
    await dialog.getByRole('button', { name: 'Import' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(10);
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('deletes an account only after confirmation', async () => {
    pool = await startPool({
      accounts: [
        { email: 'keep@example.com', planType: 'plus' },
        { email: 'drop@example.com', planType: 'plus' },
      ],
    });
    const { page, errors } = await signIn(browser(), pool.core);
    const drop = card(page, 'drop@example.com');
    await drop.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this account?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await drop.count()).toBe(1);

    await drop.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete account' }).click();
    await drop.waitFor({ state: 'detached' });
    await card(page, 'keep@example.com').waitFor();
    const list = accountListSchema.parse(await (await pool.admin('/api/accounts')).json());
    expect(list.accounts.map((a) => a.email)).toEqual(['keep@example.com']);
    expect(errors).toEqual([]);
  });
});
