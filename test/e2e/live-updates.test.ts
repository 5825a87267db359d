import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

// Issue 14: the dashboard follows events by fetching only the accounts they name, coalesced and at most about once
// a second — never the whole account list per event.
let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

const ACCOUNTS = 30;

async function ask(p: PoolHarness): Promise<void> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
  });
  await res.text();
  expect(res.status).toBe(200);
}

const shownPrimary = (page: Page, email: string) =>
  page
    .getByTestId('account-card')
    .filter({ has: page.getByRole('heading', { name: email }) })
    .getByRole('meter', { name: '5-hour quota used', exact: true })
    .getAttribute('aria-valuenow');

describe('live updates of the accounts view', () => {
  it('follows a burst of quota events with a few small fetches of the accounts that changed', async () => {
    pool = await startPool({
      accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({
        email: `live${String(i).padStart(2, '0')}@example.com`,
        planType: 'plus',
        // Each answer moves its account's 5-hour window by 3 points: every request is a quota change.
        costPerRequest: { primary: 3, secondary: 0.5 },
      })),
    });
    await pool.core.services.poller.pollNow();
    const { page, errors } = await signIn(browser(), pool.core);
    await page
      .getByTestId('account-card')
      .nth(ACCOUNTS - 1)
      .waitFor();

    const fetches = { full: 0, some: 0 };
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname !== '/api/accounts' || req.method() !== 'GET') return;
      if (url.searchParams.has('ids')) fetches.some += 1;
      else fetches.full += 1;
    });
    const quotaEvents = { n: 0 };
    const unsubscribe = pool.core.services.events.subscribe((e) => {
      if (e.type === 'quota') quotaEvents.n += 1;
    });

    const started = Date.now();
    for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: 15 }, () => ask(pool!)));
    // The page has caught up when every card shows what the server now holds.
    const truth = pool.core.services.accounts.list();
    for (const account of truth) {
      const expected = String(Math.round(account.quota.primary!.usedPercent));
      await expect.poll(() => shownPrimary(page, account.email!), { timeout: 20_000 }).toBe(expected);
    }
    const seconds = (Date.now() - started) / 1000;
    unsubscribe();

    expect(quotaEvents.n).toBeGreaterThanOrEqual(30); // a real burst: most of the 60 answers changed a quota
    expect(fetches.full).toBe(0);
    // One coalesced fetch per second at most (plus the one that catches the tail of the burst).
    expect(fetches.some).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(fetches.some).toBeLessThan(quotaEvents.n / 3);
    expect(errors).toEqual([]);
  });
});
