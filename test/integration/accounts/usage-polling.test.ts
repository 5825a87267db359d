import { afterEach, describe, expect, it } from 'vitest';
import { accountListSchema, poolViewSchema, type AccountDto } from '../../../shared/api';
import type { PoolHarness } from '../../helpers/pool-harness';
import { codexRequest, startAccountsPool, testClock } from './helpers';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function account(p: PoolHarness, id: string): Promise<AccountDto> {
  const list = accountListSchema.parse(await (await p.admin('/api/accounts')).json());
  return list.accounts.find((a) => a.id === id)!;
}

const usageCalls = (p: PoolHarness): number =>
  p.sim.requests.filter((r) => r.path === '/backend-api/wham/usage').length;

describe('usage polling', () => {
  it('stores every account’s quota with the time it was recorded, additional limits per family', async () => {
    const clock = testClock();
    pool = await startAccountsPool({
      now: clock.now,
      accounts: [
        {
          email: 'a@example.com',
          planType: 'pro',
          usage: { primary: 40, secondary: 10 },
          families: {
            codex_other: { primary: 20, limitName: 'GPT-5.3-Codex-Spark', meteredFeature: 'codex_bengalfox' },
          },
        },
        { email: 'b@example.com', planType: 'plus', usage: { primary: 5, secondary: 50 } },
      ],
    });
    const round = await pool.core.services.poller.pollNow();
    expect([...round.values()].every((r) => r.kind === 'ok')).toBe(true);

    const a = await account(pool, pool.ids[0]!);
    expect(a.quota.primary).toMatchObject({ usedPercent: 40, windowMinutes: 300 });
    expect(a.quota.secondary).toMatchObject({ usedPercent: 10, windowMinutes: 10080 });
    expect(a.quota.recordedAt).toBe(clock.now());
    expect(a.quota.additional).toEqual([
      expect.objectContaining({
        family: 'codex_spark',
        label: 'GPT-5.3-Codex-Spark',
        recordedAt: clock.now(),
      }),
    ]);
    expect(a.quota.additional[0]!.primary?.usedPercent).toBe(20);

    // The data's age is visible: the list carries server time next to each sample's time.
    clock.advance(90);
    const list = accountListSchema.parse(await (await pool.admin('/api/accounts')).json());
    expect(list.now! - list.accounts[0]!.quota.recordedAt!).toBe(90);
  });

  it('recovers a quota_exceeded account once its window has reset', async () => {
    const clock = testClock();
    pool = await startAccountsPool({
      now: clock.now,
      accounts: [{ email: 'a@example.com', planType: 'plus' }],
    });
    const [id] = pool.ids;
    pool.accounts[0]!.setUsage({ secondary: 100 });
    pool.sim.injectFault({ kind: 'insufficient_quota' });
    expect((await codexRequest(pool)).status).toBe(429);
    expect((await account(pool, id!)).status).toBe('quota_exceeded');

    clock.advance(200);
    await pool.core.services.poller.pollNow();
    expect((await account(pool, id!)).status).toBe('quota_exceeded'); // upstream agrees: still full

    clock.advance(7 * 24 * 3600); // past the weekly reset: upstream's window starts over
    await pool.core.services.poller.pollNow();
    const a = await account(pool, id!);
    expect(a.status).toBe('active');
    expect(a.quota.secondary?.usedPercent).toBe(0);
    expect((await codexRequest(pool)).status).toBe(200);
  });

  it('corrects an exhaustion that fresh usage contradicts at the next poll, without waiting out a cooldown', async () => {
    const clock = testClock();
    pool = await startAccountsPool({
      now: clock.now,
      accounts: [{ email: 'a@example.com', planType: 'plus', usage: { primary: 30, secondary: 30 } }],
    });
    const [id] = pool.ids;
    const events = await pool.admin('/api/events');
    pool.sim.injectFault({ kind: 'insufficient_quota' });
    await codexRequest(pool);
    expect((await account(pool, id!)).status).toBe('quota_exceeded');

    // The poll asks upstream after the block, so its answer is current: room in it ends the block (issue 8),
    // where BALANCER.md §1.5's 120 s quota cooldown guards only samples that may predate the error.
    clock.advance(1);
    await pool.core.services.poller.pollNow();
    expect((await account(pool, id!)).status).toBe('active');
    expect((await codexRequest(pool)).status).toBe(200);

    await pool.core.stop();
    const text = await events.text();
    expect(text).toContain('"transition":"exhausted"');
    expect(text).toContain('"transition":"recovered"');
  });

  it('skips paused accounts and those needing a new login', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    await pool.admin(`/api/accounts/${pool.ids[0]}/pause`, { method: 'POST' });
    const round = await pool.core.services.poller.pollNow();
    expect([...round.keys()]).toEqual([pool.ids[1]]);
  });

  it('401 → refresh and retry once; the rotated token is used', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    pool.accounts[0]!.expireAccessToken();
    expect(await pool.core.services.poller.pollAccount(pool.ids[0]!)).toEqual({ kind: 'ok', samples: 1 });
    const last = pool.sim.requests.filter((r) => r.path === '/backend-api/wham/usage').at(-1);
    expect(last?.headers.authorization).toBe(`Bearer ${pool.accounts[0]!.tokens.accessToken}`);
  });

  it('retries 5xx twice within a poll', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    pool.sim.injectFault({ kind: 'server_error', route: 'usage', times: 2 });
    expect((await pool.core.services.poller.pollAccount(pool.ids[0]!)).kind).toBe('ok');
    expect(usageCalls(pool)).toBe(3);
  });

  it('403 is not a deactivation: it pauses polling that account for 300 s', async () => {
    const clock = testClock();
    pool = await startAccountsPool({ now: clock.now, accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    pool.sim.injectFault({ kind: 'error', status: 403, code: 'forbidden', route: 'usage' });
    expect((await pool.core.services.poller.pollAccount(id!)).kind).toBe('failed');
    expect((await account(pool, id!)).status).toBe('active');
    expect(await pool.core.services.poller.pollAccount(id!)).toEqual({ kind: 'skipped', reason: 'backoff' });
    clock.advance(301);
    expect((await pool.core.services.poller.pollAccount(id!)).kind).toBe('ok');
  });

  it('402 deactivates the account with a human reason', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const [id] = pool.ids;
    pool.sim.injectFault({ kind: 'error', status: 402, code: 'payment_required', route: 'usage' });
    await pool.core.services.poller.pollAccount(id!);
    const a = await account(pool, id!);
    expect(a.status).toBe('deactivated');
    expect(a.lastError).toMatch(/deactivated/);
  });
});

describe('pool view', () => {
  it('reports headroom per window, the next reset and a run-out forecast from the burn rate', async () => {
    const clock = testClock();
    pool = await startAccountsPool({
      now: clock.now,
      accounts: [
        { email: 'a@example.com', planType: 'plus', usage: { primary: 10, secondary: 10 } },
        { email: 'b@example.com', planType: 'plus', usage: { primary: 30, secondary: 20 } },
      ],
    });
    await pool.core.services.poller.pollNow();
    let view = poolViewSchema.parse(await (await pool.admin('/api/pool')).json());
    // Two plus accounts: 225 credits each in 5 h; 90 % and 70 % left.
    expect(view.short).toMatchObject({ capacity: 450, remaining: 360, headroomPercent: 80, runsOutAt: null });
    expect(view.short.nextResetAt).toBe(clock.now() + 300 * 60);
    expect(view.accounts).toEqual({ total: 2, routable: 2, available: 2, withoutData: 0 });

    // Half an hour later both accounts burned 10 points of their 5-hour window.
    clock.advance(1800);
    pool.accounts[0]!.setUsage({ primary: 20, secondary: 11 });
    pool.accounts[1]!.setUsage({ primary: 40, secondary: 21 });
    await pool.core.services.poller.pollNow();
    view = poolViewSchema.parse(await (await pool.admin('/api/pool')).json());
    expect(view.short.remaining).toBe(315);
    expect(view.short.burnPercentPerHour).toBe(20); // 10 points per 30 min on each
    expect(view.short.runsOutAt).toBe(clock.now() + 3.5 * 3600); // 315 credits at 90 credits/h
    expect(view.short.resetFirst).toBe(false); // the 5-hour reset is 4.5 h away
  });
});

describe('plan changes', () => {
  it('takes the plan the usage endpoint reports when it differs from the one the login carried', async () => {
    pool = await startAccountsPool();
    const upgraded = pool.sim.addAccount({ email: 'upgraded@example.com', planType: 'pro' });
    // An auth.json from before the upgrade: its id token still says plus.
    const auth = upgraded.authJson() as { tokens: { id_token: string } };
    const [head, payload, sig] = auth.tokens.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      Record<string, unknown>
    >;
    claims['https://api.openai.com/auth']!.chatgpt_plan_type = 'plus';
    auth.tokens.id_token = [head, Buffer.from(JSON.stringify(claims)).toString('base64url'), sig].join('.');
    const { account: imported } = pool.core.services.accounts.importAuthJson(auth);
    expect(imported.planType).toBe('plus');

    await pool.core.services.poller.pollNow();
    expect((await account(pool, imported.id)).planType).toBe('pro');
    pool.core.services.pool.flushWrites();
    expect(pool.core.store.accounts.get(imported.id)?.planType).toBe('pro');
  });
});

describe('reset credits (issue 12)', () => {
  it('shows each account’s available reset credits from the usage endpoint, unknown until polled', async () => {
    pool = await startAccountsPool({
      accounts: [
        { email: 'a@example.com', planType: 'pro', resetCredits: 2 },
        { email: 'b@example.com', planType: 'plus' },
      ],
    });
    expect((await account(pool, pool.ids[0]!)).resetCredits).toBe(null);
    await pool.core.services.poller.pollNow();
    expect((await account(pool, pool.ids[0]!)).resetCredits).toBe(2);
    expect((await account(pool, pool.ids[1]!)).resetCredits).toBe(0);
  });
});
