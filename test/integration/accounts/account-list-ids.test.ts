import { afterEach, describe, expect, it } from 'vitest';
import { accountListSchema } from '../../../shared/api';
import { startAccountsPool } from './helpers';
import type { PoolHarness } from '../../helpers/pool-harness';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('GET /api/accounts?ids=', () => {
  it('lists only the named accounts, in the order named, leaving out ids that do not exist', async () => {
    pool = await startAccountsPool({
      accounts: ['a', 'b', 'c'].map((n) => ({ email: `${n}@example.com` })),
    });
    const [a, , c] = pool.ids as [string, string, string];
    const res = await pool.admin(`/api/accounts?ids=${c},gone,${a}`);
    expect(res.status).toBe(200);
    const body = accountListSchema.parse(await res.json());
    expect(body.accounts.map((x) => x.email)).toEqual(['c@example.com', 'a@example.com']);
    expect(body.now).toEqual(expect.any(Number));
  });

  it('refuses more ids than one request may name, with a message', async () => {
    pool = await startAccountsPool({ accounts: [{ email: 'a@example.com' }] });
    const ids = Array.from({ length: 101 }, (_, i) => `id${i}`).join(',');
    const res = await pool.admin(`/api/accounts?ids=${ids}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('at most 100');
  });
});
