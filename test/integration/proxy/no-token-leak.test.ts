import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/log';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';
import { openResponsesSocket } from '../../helpers/responses-socket';

/** A pool of a plus and a pro account whose every log line (debug level) lands in `lines`. */
function loggedPool(prefix: string, lines: string[]): Promise<PoolHarness> {
  return startPool({
    deps: { log: createLogger('debug', (line) => lines.push(line)) },
    accounts: [
      { email: `${prefix}-a@example.com`, planType: 'plus' },
      { email: `${prefix}-b@example.com`, planType: 'pro' },
    ],
  });
}

// No token may appear in a log line, an error a client sees, or an admin API answer (export excepted).
describe('tokens never leak', () => {
  const lines: string[] = [];
  let pool: PoolHarness;
  beforeAll(async () => {
    pool = await loggedPool('leak', lines);
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

// The same over the WebSocket transport: upgrade refusals, wrapped errors and broken streams say nothing secret.
describe('tokens never leak over WebSocket', () => {
  const lines: string[] = [];
  let pool: PoolHarness;
  beforeAll(async () => {
    pool = await loggedPool('ws-leak', lines);
  });
  afterAll(() => pool.close());

  it('through a refused upgrade, a refresh, wrapped errors, failover and a cut stream', async () => {
    const own = pool.accounts[0]!.tokens.accessToken;
    const url = `${pool.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`;
    const secrets = pool.accounts.flatMap((a) => [
      a.tokens.accessToken,
      a.tokens.refreshToken,
      a.tokens.idToken,
    ]);
    // Upstream refuses the upgrade of whichever account is picked (401): a refresh, then a new upgrade.
    for (const a of pool.accounts) pool.sim.invalidateAccessTokens(a.id);
    pool.sim.injectFault({ kind: 'server_error', route: 'websocket_handshake', times: 1 });
    const s = await openResponsesSocket(url, { authorization: `Bearer ${own}` });
    const input = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }];
    await s.turn({ input });
    pool.sim.injectFault({ kind: 'usage_limit_reached', times: 1 });
    await s.turn({ input });
    pool.sim.injectFault({ kind: 'reset_mid_stream', afterEvents: 6, times: 1 });
    await s.turn({ input });
    await s.close();
    expect(pool.sim.requests.some((r) => r.path.endsWith('/oauth/token'))).toBe(true);
    const everything = [JSON.stringify(s.upgradeHeaders), JSON.stringify(s.events), ...lines].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
    expect(everything).not.toMatch(/\brt_[\w-]{8,}/);
    // The turns happened: answers and the terminal error event reached the client.
    expect(s.events.filter((e) => e['type'] === 'response.completed').length).toBeGreaterThanOrEqual(2);
    expect(s.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'stream_incomplete' } });
  });
});
