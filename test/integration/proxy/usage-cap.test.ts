/**
 * Usage caps end to end (issue 12): an account past the user's "stop at X %" gets no traffic, its requests go to
 * the next account, the request log says it was the cap, and a pool that is all capped answers 429 saying so.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolHarness } from '../../helpers/pool-harness';
import { posts, stream, twoAccounts } from './two-accounts';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function patchAccount(p: PoolHarness, i: number, body: unknown): Promise<Record<string, unknown>> {
  const res = await p.admin(`/api/accounts/${p.ids[i]!}`, { method: 'PATCH', body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { account: Record<string, unknown> }).account;
}

async function lastReason(p: PoolHarness): Promise<string> {
  const { requests } = (await (await p.admin('/api/requests?limit=1')).json()) as {
    requests: Array<{ reason: string | null }>;
  };
  return String(requests[0]?.reason);
}

describe('usage caps through the proxy', () => {
  it('moves traffic off an account once its 5 h window passes the cap, and logs why', async () => {
    // fill_first prefers "first" (50 % used, +10 % per request) over "second" (10 %).
    pool = await twoAccounts({
      accounts: [
        {
          email: 'first@example.com',
          planType: 'plus',
          usage: { primary: 50 },
          costPerRequest: { primary: 10, secondary: 1 },
        },
        { email: 'second@example.com', planType: 'plus', usage: { primary: 10 } },
      ],
    });
    const account = await patchAccount(pool, 0, { usageCap: { short: 75 } });
    expect(account.usageCap).toEqual({ short: 75, long: null });

    // 60 % → 70 % → 80 %: the third request sees first at 80 % ≥ 75 % and goes to second.
    for (let i = 0; i < 4; i++) expect((await stream(pool)).res.status).toBe(200);
    expect(posts(pool)).toEqual([
      'first@example.com:200',
      'first@example.com:200',
      'first@example.com:200',
      'second@example.com:200',
    ]);
    expect(await lastReason(pool)).toContain(`${pool.ids[0]} usage cap 75 % of the 5 h window until`);
    // The cap is ours: the account itself stays active.
    expect(pool.core.services.pool.state(pool.ids[0]!)?.status).toBe('active');
  });

  it('with every account capped the client gets a 429 that names the cap, and lifting it serves again', async () => {
    pool = await twoAccounts();
    await patchAccount(pool, 0, { usageCap: { short: 40 } });
    await patchAccount(pool, 1, { usageCap: { short: 5, long: 90 } });
    const refused = await stream(pool);
    expect(refused.res.status).toBe(429);
    expect(refused.json?.error).toMatchObject({
      code: 'usage_limit_reached',
      message: expect.stringMatching(
        /^Every account has reached its usage cap\. Try again at \d\d:\d\d \(in .+\)\.$/,
      ),
    });
    expect(refused.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(posts(pool)).toEqual([]);

    await patchAccount(pool, 1, { usageCap: { short: null } });
    expect((await stream(pool)).res.status).toBe(200);
    expect(posts(pool)).toEqual(['second@example.com:200']);
  });

  it('refuses a cap outside 1–100 with a 400 that names the field', async () => {
    pool = await twoAccounts();
    const res = await pool.admin(`/api/accounts/${pool.ids[0]!}`, {
      method: 'PATCH',
      body: JSON.stringify({ usageCap: { short: 150 } }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('usageCap');
  });

  it('has the caps and priority on disk when the PATCH answers', async () => {
    pool = await twoAccounts();
    await patchAccount(pool, 1, { usageCap: { long: 60 }, priority: 2 });
    const db = new Database(join(pool.core.config.dataDir, 'codex-pool.sqlite'), { readonly: true });
    const records = db
      .prepare('SELECT id, cap_short_percent, cap_long_percent, priority FROM accounts')
      .all() as Array<Record<string, unknown>>;
    db.close();
    expect(records.find((r) => r.id === pool!.ids[1])).toEqual({
      id: pool.ids[1],
      cap_short_percent: null,
      cap_long_percent: 60,
      priority: 2,
    });
  });
});
