import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/log';
import type { PoolHarness } from '../../helpers/pool-harness';
import { CODEX_CLIENT_ID } from '../../simulator';
import { browseLogin, codexRequest, startAccountsPool, waitFor } from './helpers';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

// Anything shaped like a credential the simulator issues: JWTs (id/access tokens), refresh tokens, auth codes.
const TOKEN_SHAPES = [/eyJ[\w-]{8,}\.[\w-]{8,}/, /\brt_[\w-]{16,}/, /\bac_[\w-]{16,}/];

describe('no token in any log, error, API response or event', () => {
  it('lists, imports, logs in, polls, refreshes, fails and streams without leaking a token; export is the exception', async () => {
    const lines: string[] = [];
    pool = await startAccountsPool({
      deps: { log: createLogger('debug', (line) => lines.push(line)) },
      accounts: [{ email: 'a@example.com', planType: 'pro', families: { codex_other: { primary: 5 } } }],
    });
    const seen: string[] = [];
    const record = async (res: Response): Promise<void> => {
      seen.push(JSON.stringify([...res.headers]), await res.text());
    };
    const events = await pool.admin('/api/events');
    const eventText = events.text();

    const sim = pool.sim.addAccount({ email: 'b@example.com', planType: 'plus' });
    await record(
      await pool.admin('/api/accounts/import', { method: 'POST', body: JSON.stringify(sim.authJson()) }),
    );
    await record(
      await pool.admin('/api/accounts/import', {
        method: 'POST',
        body: JSON.stringify({ tokens: { access_token: sim.tokens.accessToken } }),
      }),
    );
    await record(
      await pool.admin('/api/accounts/import', { method: 'POST', body: '{"tokens": {"refresh_token": "rt_' }),
    );
    await pool.core.services.poller.pollNow();
    await record(await pool.admin('/api/accounts'));
    await record(await pool.admin('/api/pool'));
    await record(
      await pool.admin(`/api/accounts/${pool.ids[0]}/refresh`, { method: 'POST', body: '{"tokens":true}' }),
    );
    const r = await codexRequest(pool);
    seen.push(r.text);

    // A browser login, with its status.
    pool.sim.setNextLogin({ email: 'c@example.com' });
    const start = await pool.admin('/api/oauth/start', { method: 'POST' });
    const { loginId, authorizeUrl } = (await start.clone().json()) as {
      loginId: string;
      authorizeUrl: string;
    };
    await record(start);
    const page = await browseLogin(authorizeUrl);
    seen.push(page.html);
    await waitFor(async () => {
      const s = (await (await pool!.admin(`/api/oauth/status?loginId=${loginId}`)).json()) as {
        state: string;
      };
      return s.state === 'pending' ? undefined : s;
    });
    await record(await pool.admin(`/api/oauth/status?loginId=${loginId}`));

    // A refresh failure (reuse) and an upstream 401 on the proxy path.
    await fetch(pool.sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_token: sim.tokens.refreshToken,
      }),
    });
    const imported = pool.core.services.accounts.list().find((a) => a.email === 'b@example.com')!;
    await record(
      await pool.admin(`/api/accounts/${imported.id}/refresh`, { method: 'POST', body: '{"tokens":true}' }),
    );
    pool.sim.invalidateAccessTokens(pool.accounts[0]!);
    seen.push((await codexRequest(pool)).text);
    await record(await pool.admin('/api/accounts'));

    await pool.core.stop();
    seen.push(await eventText);

    const haystacks = { responses: seen.join('\n'), logs: lines.join('\n') };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const shape of TOKEN_SHAPES) expect(text, `${where} match ${shape}`).not.toMatch(shape);
    }
    expect(lines.length).toBeGreaterThan(5); // the logs were really captured
    expect(haystacks.responses).toContain('reauth_required');
  });

  it('the export does return tokens (the one deliberate exception) and is logged without them', async () => {
    const lines: string[] = [];
    pool = await startAccountsPool({
      deps: { log: createLogger('debug', (line) => lines.push(line)) },
      accounts: [{ email: 'a@example.com' }],
    });
    const text = await (await pool.admin(`/api/accounts/${pool.ids[0]}/export?format=codex`)).text();
    expect(text).toContain(pool.accounts[0]!.tokens.refreshToken);
    expect(lines.some((l) => l.includes('account exported'))).toBe(true);
    for (const shape of TOKEN_SHAPES) expect(lines.join('\n')).not.toMatch(shape);
  });
});
