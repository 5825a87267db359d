/** Issue 12: the dashboard follows the OS light/dark setting, and a manual choice overrides it and is kept. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

const LIGHT = 'rgb(245, 246, 248)';
const DARK = 'rgb(20, 22, 26)';

// Expressions run in the page (this tsconfig has no DOM types).
const background = (page: Page): Promise<string> =>
  page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
const cardText = (page: Page): Promise<string> =>
  page.evaluate<string>("getComputedStyle(document.querySelector('.card') ?? document.body).color");

describe('appearance', () => {
  it('follows the OS, lets the user pin light or dark, and keeps the choice across a reload', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByTestId('account-card').first().waitFor();

    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background(page)).toBe(LIGHT);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background(page)).toBe(DARK);
    expect(await cardText(page)).toBe('rgb(231, 233, 238)');

    const theme = page.getByLabel('Theme');
    await theme.selectOption('light');
    expect(await background(page)).toBe(LIGHT); // the OS says dark; the user said light
    await page.emulateMedia({ colorScheme: 'light' });
    await theme.selectOption('dark');
    expect(await background(page)).toBe(DARK);

    await page.reload();
    await page.getByTestId('account-card').first().waitFor();
    expect(await background(page)).toBe(DARK);
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');

    await page.getByLabel('Theme').selectOption('system');
    expect(await background(page)).toBe(LIGHT);
    expect(errors).toEqual([]); // no CSP violation, no console error
  });
});
