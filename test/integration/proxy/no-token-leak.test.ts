import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/log';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// No token may appear in a log line, an error a client sees, or an admin API answer (export excepted).
describe('tokens never leak', () => {
  const lines: string[] = [];
  let pool: PoolHarness;
  beforeAll(async () => {
    pool = await startPool({
      deps: { log: createLogger('debug', (line) => lines.push(line)) },
      accounts: [
        { email: 'leak-a@example.com', planType: 'plus' },
        { email: 'leak-b@example.com', planType: 'pro' },
      ],
    });
  });
  afterAll(() => pool.close());

  const secrets = (): string[] =>
    pool.accounts.flatMap((a) => [a.tokens.accessToken, a.tokens.refreshToken, a.tokens.idToken]);

  it('through refreshes, failures, failover and the admin API', async () => {
    const seen: string[] = [];
    const record = async (res: Response): Promise<void> => {
      seen.push(JSON.stringify([...res.headers]), await res.text());
    };
    const ask = () =>
      pool.fetch('/v1/responses', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${pool.accounts[0]!.tokens.accessToken}`,
        },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
      });
    pool.sim.invalidateAccessTokens(pool.accounts[0]!.id); // forces a refresh and rotation
    await record(await ask());
    pool.sim.injectFault({ kind: 'server_error', times: 3 });
    await record(await ask());
    pool.sim.injectFault({ kind: 'invalid_grant', route: 'token', times: 5 });
    for (const a of pool.accounts) a.expireAccessToken();
    await record(await ask()); // refresh fails permanently → reauth_required, the client gets an error
    await record(
      await pool.fetch('/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"model":',
      }),
    );
    for (const path of [
      '/api/accounts',
      '/api/requests?limit=50',
      '/api/settings',
      '/api/pool',
      '/api/keys',
    ]) {
      await record(await pool.admin(path));
    }
    const everything = [...seen, ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets()) {
      expect(secret.length).toBeGreaterThan(20);
      expect(everything).not.toContain(secret);
    }
    // The rotated tokens too (the simulator's views hold the current set).
    expect(everything).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
    expect(everything).not.toMatch(/\brt_[\w-]{8,}/);
  });
});
