import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../shared/api';
import { openResponsesSocket } from '../helpers/responses-socket';
import { codexRequest, signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
});

const settings = async (p: PoolHarness) =>
  settingsSchema.parse(await (await p.admin('/api/settings')).json());

describe('routing and requests', () => {
  it('switches the strategy in one click, and the next request follows it', async () => {
    pool = await startPool({
      accounts: [
        { email: 'first@example.com', planType: 'plus' },
        { email: 'second@example.com', planType: 'plus' },
      ],
    });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Routing' }).click();
    const strategy = page.getByRole('group', { name: 'Strategy' });

    await strategy.getByRole('radio', { name: /Fill first/ }).click();
    await expect.poll(async () => (await settings(pool!)).routingStrategy).toBe('fill_first');

    await page
      .getByLabel('Pinned account (for Single account)')
      .selectOption({ label: 'second@example.com' });
    await expect.poll(async () => (await settings(pool!)).pinnedAccountId).toBe(pool.ids[1]);
    await strategy.getByRole('radio', { name: /Single account/ }).click();
    await expect.poll(async () => (await settings(pool!)).routingStrategy).toBe('single_account');
    expect(await strategy.getByRole('radio', { name: /Single account/ }).isChecked()).toBe(true);

    pool.sim.clearRequests();
    expect(await codexRequest(pool.core)).toBe(200);
    const upstream = pool.sim.requests.filter((r) => r.path.endsWith('/codex/responses'));
    expect(upstream.map((r) => r.accountEmail)).toEqual(['second@example.com']);

    // A change made elsewhere (the CLI, the tray) shows up here live.
    await pool.admin('/api/settings', { method: 'PATCH', body: JSON.stringify({ stickySessions: false }) });
    await expect.poll(() => page.getByRole('checkbox', { name: /Sticky sessions/ }).isChecked()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('turns the desktop conversation-moved notice on and off, off by default', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Routing' }).click();
    const notices = page.getByRole('group', { name: 'Desktop notifications' });
    const moved = notices.getByRole('checkbox', { name: /Conversation moved/ });
    expect(await moved.isChecked()).toBe(false);
    await moved.check();
    await expect.poll(async () => (await settings(pool!)).notifyConversationMoved).toBe(true);
    // The tray's switch writes the same setting: the dashboard follows it live.
    pool.core.services.settings.update({ notifyConversationMoved: false });
    await expect.poll(() => moved.isChecked()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('appends a proxied request to the history live, with its account, model, status and reason', async () => {
    pool = await startPool({ accounts: [{ email: 'only@example.com', planType: 'pro' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Requests' }).click();
    await page.getByTestId('empty-state').getByText('No requests yet').waitFor();

    expect(await codexRequest(pool.core)).toBe(200);
    const row = page.getByTestId('request-row');
    await row.first().waitFor();
    const cells = await row.first().getByRole('cell').allTextContents();
    expect(cells[1]).toBe('only@example.com');
    expect(cells[2]).toBe('gpt-5.5');
    expect(cells[3]).toBe('200');
    expect(cells[4]).toMatch(/\d+ (ms|s)/);
    expect(cells[7]).toMatch(/capacity_weighted.*only@example.com/); // why this account, with names not ids

    expect(await codexRequest(pool.core)).toBe(200);
    await expect.poll(() => row.count()).toBe(2);

    // A response served over the WebSocket transport is one row too, marked as such.
    const socket = await openResponsesSocket(
      `${pool.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`,
      {},
    );
    await socket.turn({ input: [] });
    await socket.close();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(3);
    expect((await row.first().getByRole('cell').allTextContents())[3]).toBe('200 WS');
    expect((await row.nth(1).getByRole('cell').allTextContents())[3]).toBe('200');
    expect(errors).toEqual([]);
  });

  it('requires proxy API keys in one click, shows a new key once, and revokes it', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    const models = (key?: string) =>
      fetch(`${pool!.core.url}/v1/models`, key ? { headers: { authorization: `Bearer ${key}` } } : {}).then(
        (r) => r.status,
      );
    await page.getByRole('tab', { name: 'Routing' }).click();
    await page.getByLabel('New key name').fill('laptop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('New API key').inputValue();
    expect(secret).toMatch(/^cp-/);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('New API key').count()).toBe(0);
    expect(await page.getByRole('row', { name: /laptop/ }).textContent()).not.toContain(secret);

    await page.getByRole('checkbox', { name: /Require an API key/ }).check();
    await expect.poll(async () => (await settings(pool!)).requireApiKey).toBe(true);
    expect(await models()).toBe(401);
    expect(await models(secret)).toBe(200);

    await page
      .getByRole('row', { name: /laptop/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page
      .getByRole('dialog', { name: 'Revoke this key?' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await page
      .getByRole('row', { name: /laptop/ })
      .getByText('Revoked')
      .waitFor();
    expect(await models(secret)).toBe(401);
    expect(errors).toEqual([]);
  });

  it('shows the pool headroom and forecast', async () => {
    pool = await startPool({
      accounts: [
        { email: 'a@example.com', planType: 'plus', usage: { primary: 40, secondary: 20 } },
        { email: 'b@example.com', planType: 'plus', usage: { primary: 60, secondary: 40 } },
      ],
    });
    for (const id of pool.ids) await pool.admin(`/api/accounts/${id}/refresh`, { method: 'POST' });
    const { page, errors } = await signIn(browser(), pool.core);
    await page.getByRole('tab', { name: 'Pool' }).click();
    const short = page.getByTestId('pool-short');
    expect(await short.getByRole('meter').getAttribute('aria-valuenow')).toBe('50');
    expect(await short.getByTestId('forecast-short').textContent()).toMatch(
      /Not at the current rate|Runs out at/,
    );
    expect(await page.getByTestId('pool-long').getByRole('meter').getAttribute('aria-valuenow')).toBe('70');
    expect(errors).toEqual([]);
  });
});
