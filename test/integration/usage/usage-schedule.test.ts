import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { TEST_TUNING } from '../../helpers/test-tuning';

// Issue 14: the poller asks upstream only about accounts whose quota data is stale. Issue 8: a new or resumed
// account has its quota fetched at once. Time is the injected clock the simulator and the core share.
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function clock(start = Math.floor(Date.now() / 1000)) {
  let t = start;
  return { now: () => t, advance: (s: number) => void (t += s) };
}

const usageCalls = (p: PoolHarness): number =>
  p.sim.requests.filter((r) => r.path === '/backend-api/wham/usage').length;

async function ask(p: PoolHarness, pinned: string): Promise<void> {
  const set = await p.admin('/api/settings', {
    method: 'PATCH',
    body: JSON.stringify({ routingStrategy: 'single_account', pinnedAccountId: pinned }),
  });
  expect(set.status).toBe(200);
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false }),
  });
  await res.text();
  expect(res.status).toBe(200);
}

describe('the usage poll schedule', () => {
  it('skips an account whose answers keep its quota fresh and polls the idle one when its data turns stale', async () => {
    const time = clock();
    pool = await startPool({
      now: time.now,
      accounts: [{ email: 'busy@example.com' }, { email: 'idle@example.com' }],
    });
    const [busy, idle] = pool.ids as [string, string];
    const poller = pool.core.services.poller;
    await poller.pollNow(); // both have data from now on
    expect(await poller.pollDue()).toBeNull();

    time.advance(61);
    await ask(pool, busy); // the answer's headers are a fresh sample of the busy account
    expect((await poller.pollDue())?.id).toBe(idle);
    expect(await poller.pollDue()).toBeNull(); // busy is fresh from traffic, idle was just polled

    time.advance(30);
    await ask(pool, busy);
    time.advance(31);
    const before = usageCalls(pool);
    expect((await poller.pollDue())?.id).toBe(idle);
    expect(await poller.pollDue()).toBeNull();
    expect(usageCalls(pool) - before).toBe(1); // the busy account never cost a usage call
  });

  it('fetches the quota of an imported account at once, and of an account the user resumes', async () => {
    pool = await startPool({
      deps: {
        // The schedule runs but its first tick is an hour away: only the at-once poll can fetch the quota.
        accountsTuning: { ...TEST_TUNING, backgroundPolling: true, usagePollInitialDelayMs: 3_600_000 },
      },
    });
    const simulated = pool.sim.addAccount({ email: 'new@example.com', usage: { primary: 37 } });
    const imported = await pool.admin('/api/accounts/import', {
      method: 'POST',
      body: JSON.stringify(simulated.authJson()),
    });
    expect(imported.status).toBe(201);
    const { account } = (await imported.json()) as { account: { id: string } };
    const primary = async (): Promise<number | undefined> => {
      const res = await pool!.admin('/api/accounts');
      const body = (await res.json()) as {
        accounts: { id: string; quota: { primary: { usedPercent: number } | null } }[];
      };
      return body.accounts.find((a) => a.id === account.id)?.quota.primary?.usedPercent;
    };
    await vi.waitFor(async () => expect(await primary()).toBe(37), { timeout: 20_000, interval: 20 });

    expect((await pool.admin(`/api/accounts/${account.id}/pause`, { method: 'POST' })).status).toBe(200);
    simulated.setUsage({ primary: 64 });
    expect((await pool.admin(`/api/accounts/${account.id}/resume`, { method: 'POST' })).status).toBe(200);
    await vi.waitFor(async () => expect(await primary()).toBe(64), { timeout: 20_000, interval: 20 });
  });
});
