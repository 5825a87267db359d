import { mkdir } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

const H = 3600;

/**
 * A Plus and a Pro account polled two hours ago, an hour ago and now (a clock shared by the simulator and the core),
 * the Pro's 5-hour use rising in between. The pool ends at 5 h (1500·70 + 225·20) / 1725 = 63 %, weekly
 * (50400·30 + 7560·10) / 57960 = 27 %.
 */
async function poolWithHistory(): Promise<{ p: PoolHarness; advance(s: number): void }> {
  let t = Math.floor(Date.now() / 1000) - 2 * H;
  const p = await startPool({
    now: () => t,
    accounts: [
      { email: 'plus@example.com', planType: 'plus', usage: { primary: 20, secondary: 10 } },
      {
        email: 'pro@example.com',
        planType: 'pro',
        usage: { primary: 40, secondary: 30 },
        families: { codex_other: { primary: 12, secondary: 4, limitName: 'GPT-5.3-Codex-Spark' } },
      },
    ],
  });
  await p.core.services.poller.pollNow();
  t += H;
  p.accounts[1]!.setUsage({ primary: 70 });
  await p.core.services.poller.pollNow();
  t += H;
  await p.core.services.poller.pollNow();
  return { p, advance: (s) => void (t += s) };
}

/** Clicks a range as a user does: on its visible label (the radio itself is visually hidden). */
const pickRange = (scope: Page | Locator, name: string) =>
  scope.locator('label').filter({ hasText: name }).click();

const chartNamed = (page: Page, name: RegExp) => page.getByRole('img', { name });

describe('quota history charts', () => {
  it('charts the pool’s use over the chosen range, live, with an accessible summary', async () => {
    const { p, advance } = await poolWithHistory();
    pool = p;
    const { page, errors } = await signIn(browser(), p.core);
    await page.getByRole('tab', { name: 'Pool' }).click();

    const day = chartNamed(page, /^Pool quota used, last 24 hours\./);
    await day.waitFor();
    const label = await day.getAttribute('aria-label');
    expect(label).toMatch(/5-hour: 63% at .*, peak 63%, from 37%\./);
    expect(label).toMatch(/Weekly: 27% at .*, peak 27%, from 27%\./);
    const history = page.getByTestId('pool-history');
    expect(await history.getByTestId('pool-history-chart-coverage').textContent()).toMatch(
      /^Data from .+ to .+ · last sample just now$/,
    );
    expect(await history.getByText('2 accounts with data').count()).toBe(1);
    // The latest values are also in a table for screen readers.
    expect(await history.getByRole('row', { name: /5-hour 63%/ }).count()).toBe(1);
    expect(await history.locator('svg path').count()).toBe(2);

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard-pool-history.png', fullPage: true });

    // A fresh sample reaches the chart through the event stream.
    advance(60);
    p.accounts[0]!.setUsage({ primary: 95 });
    await p.core.services.poller.pollNow();
    // (1500·70 + 225·95) / 1725 = 73 %
    await chartNamed(page, /^Pool quota used, last 24 hours\. 5-hour: 73% at/).waitFor();

    // Another range is another request, and the chart says which range it shows.
    const refetch = page.waitForRequest((req) => req.url().includes('/api/pool/quota-history?hours=168'));
    await pickRange(page, 'last 7 days');
    await refetch;
    expect(await page.getByRole('radio', { name: 'last 7 days' }).isChecked()).toBe(true);
    await chartNamed(page, /^Pool quota used, last 7 days\. 5-hour: 73% at .*, from 37%\./).waitFor();
    expect(errors).toEqual([]);
  });

  it('expands an account’s History into a chart per limit family', async () => {
    const { p } = await poolWithHistory();
    pool = p;
    const { page, errors } = await signIn(browser(), p.core);
    const card = page
      .getByTestId('account-card')
      .filter({ has: page.getByRole('heading', { name: 'pro@example.com' }) });
    expect(await card.getByRole('img').count()).toBe(0); // folded: nothing fetched or drawn yet

    await card.getByText('History', { exact: true }).click();
    const codex = chartNamed(page, /^pro@example\.com Codex quota used, last 24 hours\./);
    await codex.waitFor();
    expect(await codex.getAttribute('aria-label')).toMatch(
      /5-hour: 70% at .*, peak 70%, from 40%\. Weekly: 30% at/,
    );
    const spark = chartNamed(page, /^pro@example\.com GPT-5\.3-Codex-Spark quota used, last 24 hours\./);
    await spark.waitFor();
    expect(await spark.getAttribute('aria-label')).toContain('5-hour: 12% at');
    await mkdir('test-results', { recursive: true });
    await card.screenshot({ path: 'test-results/dashboard-account-history.png' });

    const refetch = page.waitForRequest((req) => /quota-history\?family=codex&hours=720/.test(req.url()));
    await pickRange(card, 'last 30 days');
    await refetch;
    await chartNamed(page, /^pro@example\.com Codex quota used, last 30 days\./).waitFor();
    expect(errors).toEqual([]);
  });

  it('says so when there are no samples yet', async () => {
    pool = await startPool({ accounts: [{ email: 'new@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Pool' }).click();
    await page
      .getByTestId('pool-history')
      .getByText('No samples yet — quota is learnt from responses and polled every minute.')
      .waitFor();
    expect(errors).toEqual([]);
  });
});
