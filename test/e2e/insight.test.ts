import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { collectSse } from '../helpers/sse';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

async function turn(p: PoolHarness, model: string, key: string, n: number): Promise<void> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      input: `step ${n} `.repeat(40 * n),
      stream: true,
      store: false,
      prompt_cache_key: key,
    }),
  });
  expect(res.status).toBe(200);
  await collectSse(res.body!);
}

describe('insight', () => {
  it('charts the tokens, prices what it can, lists conversations, and filters and exports the log', async () => {
    pool = await startPool({ accounts: [{ email: 'only@example.com', planType: 'pro' }] });
    for (let n = 1; n <= 3; n += 1) await turn(pool, 'gpt-5.5', 'conv-e2e', n);
    await turn(pool, 'gpt-5.4', 'conv-other', 1);

    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Insight' }).click();
    await page
      .getByTestId('insight-age')
      .getByText(/Data as of/)
      .waitFor();

    // Usage: the chart has bars, hovering one shows its values.
    const usage = page.getByTestId('insight-usage');
    await expect.poll(() => usage.getByTestId('usage-requests').textContent()).toBe('4');
    const chart = usage.getByTestId('usage-chart');
    await expect.poll(() => chart.getByTestId('chart-bar').count()).toBeGreaterThan(0);
    await chart.getByTestId('chart-bar').first().hover();
    await expect.poll(() => chart.getByTestId('chart-tooltip').textContent()).toMatch(/Cached input: \d/);

    // Cost: neither simulated model has a price until the user adds one.
    const cost = page.getByTestId('insight-cost');
    await expect.poll(() => cost.getByTestId('cost-by-model').textContent()).toContain('no price');
    await cost.getByText('Price table').click();
    await cost.getByRole('button', { name: 'Add a model' }).click();
    const last = cost.getByTestId('price-row').last();
    await last.getByRole('textbox').nth(0).fill('gpt-5.5');
    await last.getByRole('textbox').nth(1).fill('2');
    await last.getByRole('textbox').nth(2).fill('0.5');
    await last.getByRole('textbox').nth(3).fill('16');
    await cost.getByRole('button', { name: 'Save prices' }).click();
    await expect.poll(() => cost.getByTestId('cost-total').textContent()).toMatch(/≈ \$0\.0\d{3} estimated/);
    await expect.poll(() => cost.getByTestId('cost-unpriced').textContent()).toMatch(/^1 requests/);

    // Conversations: both are listed; opening one shows its turns.
    const conversations = page.getByTestId('insight-conversations');
    await expect.poll(() => conversations.getByTestId('conversation-row').count()).toBe(2);
    await conversations.getByTestId('conversation-row').last().getByRole('button').click();
    await expect
      .poll(() => conversations.getByTestId('conversation-detail').textContent())
      .toMatch(/3 turns on only@example.com.*never changed account/);

    // The log: filter by model, then export exactly what is filtered.
    const log = page.getByTestId('request-log');
    await expect.poll(() => log.getByTestId('log-row').count()).toBe(4);
    await log.getByTestId('filter-model').fill('gpt-5.4');
    await log.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => log.getByTestId('log-total').textContent()).toMatch(/^1 matching/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      log.getByTestId('export-csv').click(),
    ]);
    const csv = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('gpt-5.4');
    expect(errors).toEqual([]);
  });

  it('draws its charts in the dark theme’s colours', async () => {
    pool = await startPool({ accounts: [{ email: 'only@example.com', planType: 'plus' }] });
    await turn(pool, 'gpt-5.5', 'conv-dark', 1);
    const { page, errors } = await signIn(browser(), pool.core);
    const fillOf = async () =>
      page
        .getByTestId('usage-chart')
        .locator('rect.bar-s2')
        .first()
        .evaluate(
          // Runs in the page; the node-side tsconfig has no DOM types, hence the cast.
          (el) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(el)
              .fill,
        );
    await page.getByRole('tab', { name: 'Insight' }).click();
    await page.getByTestId('usage-chart').waitFor();
    const light = await fillOf();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(fillOf).not.toBe(light);
    expect(errors).toEqual([]);
  });

  it('pages the log beyond the newest 100', async () => {
    pool = await startPool({ accounts: [{ email: 'only@example.com', planType: 'plus' }] });
    const now = Date.now();
    pool.core.store.requests.insertMany(
      Array.from({ length: 130 }, (_, i) => ({
        startedAt: now - (130 - i) * 1000,
        accountId: pool!.ids[0]!,
        route: '/backend-api/codex/responses',
        model: 'gpt-5.5',
        status: 200,
        latencyMs: 900,
        ttfbMs: 200,
        inputTokens: 100 + i,
        outputTokens: 10,
        cachedTokens: 0,
        reasoningTokens: 0,
        errorCode: null,
        reason: null,
        attempts: 1,
        stream: true,
      })),
    );
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Insight' }).click();
    const log = page.getByTestId('request-log');
    await expect
      .poll(() => log.getByTestId('log-total').textContent())
      .toMatch(/^130 matching requests; page 1/);
    expect(await log.getByTestId('log-row').count()).toBe(100);
    await log.getByTestId('log-older').click();
    await expect.poll(() => log.getByTestId('log-total').textContent()).toMatch(/page 2/);
    await expect.poll(() => log.getByTestId('log-row').count()).toBe(30);
    expect(await log.getByTestId('log-older').isDisabled()).toBe(true);
    expect(await log.getByTestId('log-row').last().textContent()).toContain('100 (0)'); // the oldest row
    expect(errors).toEqual([]);
  });
});
