/** The account card's usage caps and order (issue 12): edited in Chromium, stored, and refused when out of range. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

const card = (page: Page, name: string) =>
  page.getByTestId('account-card').filter({ has: page.getByRole('heading', { name }) });

describe('account limits on the card', () => {
  it('sets a 5 h cap and an order, which the server then routes by; clears the cap again', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    const account = card(page, 'a@example.com');
    await account.waitFor();
    const save = account.getByRole('button', { name: 'Save limits' });
    expect(await save.isDisabled()).toBe(true);

    await account.getByLabel('Stop at 5 h %').fill('80');
    await account.getByLabel('Order').fill('2');
    await save.click();
    await expect
      .poll(() => pool!.core.services.pool.state(pool!.ids[0]!)?.usageCap)
      .toEqual({
        short: 80,
        long: null,
      });
    expect(pool.core.services.pool.state(pool.ids[0]!)?.priority).toBe(2);
    await expect.poll(() => save.isDisabled()).toBe(true);

    await account.getByLabel('Stop at 5 h %').fill('');
    await save.click();
    await expect.poll(() => pool!.core.services.pool.state(pool!.ids[0]!)?.usageCap.short).toBe(null);
    expect(errors).toEqual([]);
  });

  it('shows a capped account and its reset credits', async () => {
    pool = await startPool({
      accounts: [{ email: 'a@example.com', planType: 'plus', usage: { primary: 85 }, resetCredits: 1 }],
    });
    const res = await pool.admin(`/api/accounts/${pool.ids[0]!}`, {
      method: 'PATCH',
      body: JSON.stringify({ usageCap: { short: 80 } }),
    });
    expect(res.status).toBe(200);
    expect((await pool.admin(`/api/accounts/${pool.ids[0]!}/refresh`, { method: 'POST' })).status).toBe(200);
    const { page, errors } = await signIn(browser(), pool.core);
    const account = card(page, 'a@example.com');
    await account.getByTestId('account-capped').waitFor();
    expect(await account.getByTestId('account-capped').textContent()).toMatch(
      /^Past its cap of 80 % of the 5-hour window: no requests until it resets in /,
    );
    expect(await account.getByTestId('reset-credits').textContent()).toBe('Reset credits: 1 available');
    expect(errors).toEqual([]);
  });

  it('says what is wrong with a cap above 100 and sends nothing', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    const account = card(page, 'a@example.com');
    await account.waitFor();
    await account.getByLabel('Stop at weekly %').fill('150');
    await account.getByRole('button', { name: 'Save limits' }).click();
    expect(await account.getByRole('alert').textContent()).toContain('whole percentages from 1 to 100');
    expect(pool.core.services.pool.state(pool.ids[0]!)?.usageCap).toEqual({ short: null, long: null });
    expect(errors).toEqual([]);
  });
});
