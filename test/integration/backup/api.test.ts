import { afterEach, describe, expect, it } from 'vitest';
import {
  backupFileSchema,
  errorEnvelopeSchema,
  pauseAllResultSchema,
  restoreResultSchema,
} from '../../../shared/api';
import { createLogger } from '../../../main/core/log';
import type { PoolHarness } from '../../helpers/pool-harness';
import { startAccountsPool, startCoreOn, tempDataDir } from '../accounts/helpers';

const PASS = 'over the api, to the server';
const pools: PoolHarness[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const p of pools.splice(0)) await p.close();
});
async function pool(init: Parameters<typeof startAccountsPool>[0] = {}): Promise<PoolHarness> {
  const p = await startAccountsPool(init);
  pools.push(p);
  return p;
}
const post = (p: Pick<PoolHarness, 'admin'>, path: string, body: unknown): Promise<Response> =>
  p.admin(path, { method: 'POST', body: JSON.stringify(body) });

async function errorOf(res: Response): Promise<{ status: number; code: string | null; message: string }> {
  const { error } = errorEnvelopeSchema.parse(await res.json());
  return { status: res.status, code: error.code, message: error.message };
}

describe('backup admin API', () => {
  it('backs up, previews and restores between two running pools; the restored accounts route at once', async () => {
    const lines: string[] = [];
    const from = await pool({
      deps: { log: createLogger('debug', (line) => lines.push(line)) },
      accounts: [{ email: 'a@example.com', planType: 'pro' }, { email: 'b@example.com' }],
    });
    await from.admin(`/api/accounts/${from.ids[1]}`, {
      method: 'PATCH',
      body: JSON.stringify({ label: 'spare' }),
    });
    const res = await post(from, '/api/backup', { passphrase: PASS, includeHistory: true });
    expect(res.status).toBe(200);
    const file = backupFileSchema.parse(await res.json());
    expect(file).toMatchObject({
      accounts: 2,
      requests: 0,
      fileName: expect.stringMatching(/^codex-pool-\d{4}-\d\d-\d\d\.backup$/),
    });
    expect(file.warning).toMatch(/single-use/);
    // The file carries live logins, encrypted: no token shape appears in it.
    expect(file.backup).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/);
    expect(file.backup).not.toContain(from.accounts[0]!.tokens.refreshToken);

    // The new machine talks to the same ChatGPT (simulator), as a real move would.
    const data = await tempDataDir();
    const to = await startCoreOn(data.dir, from.sim);
    cleanups.push(async () => {
      await to.stop();
      await data.remove();
    });
    to.services.accounts.importAuthJson(from.sim.addAccount({ email: 'c@example.com' }).authJson());
    const preview = restoreResultSchema.parse(
      await (await post(to, '/api/backup/restore', { backup: file.backup, passphrase: PASS })).json(),
    );
    expect(preview.applied).toBe(false);
    expect(preview.plan).toMatchObject({ created: 2, updated: 0 });
    expect(to.services.accounts.list()).toHaveLength(1);

    const applied = restoreResultSchema.parse(
      await (
        await post(to, '/api/backup/restore', { backup: file.backup, passphrase: PASS, apply: true })
      ).json(),
    );
    expect(applied.applied).toBe(true);
    const list = to.services.accounts.list();
    expect(list.map((a) => [a.email, a.label])).toEqual([
      ['c@example.com', null],
      ['a@example.com', null],
      ['b@example.com', 'spare'],
    ]);
    // The proxy uses a restored account at once: pin it and send a request.
    await to.admin('/api/settings', {
      method: 'PATCH',
      body: JSON.stringify({ routingStrategy: 'single_account', pinnedAccountId: list[1]!.id }),
    });
    const proxied = await to.fetch('/backend-api/codex/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        input: [{ role: 'user', content: 'hi' }],
        stream: true,
        store: false,
      }),
    });
    expect(proxied.status).toBe(200);
    await proxied.text();

    // Neither the passphrase nor a token reached the log.
    const log = lines.join('\n');
    expect(log).toContain('backup created');
    expect(log).not.toContain(PASS);
    expect(log).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/);
  });

  it('answers wrong passphrases, damaged, truncated and newer files with their own codes, and changes nothing', async () => {
    const p = await pool({ accounts: [{ email: 'a@example.com' }] });
    const { backup } = backupFileSchema.parse(
      await (await post(p, '/api/backup', { passphrase: PASS })).json(),
    );
    const cases: Array<[string, string, number, string, RegExp]> = [
      [backup, 'not the passphrase', 400, 'wrong_passphrase', /passphrase does not match/],
      [backup.slice(0, backup.length - 40), PASS, 422, 'truncated', /incomplete/],
      [
        backup.replace('"formatVersion":1', '"formatVersion":2'),
        PASS,
        422,
        'newer_version',
        /Update Codex Pool/,
      ],
      [backup.replace('"encoding":"gzip+json"', '"encoding":"gzip+json" '), PASS, 422, 'damaged', /damaged/],
      ['hello', PASS, 422, 'not_a_backup', /not a Codex Pool backup/],
    ];
    for (const [text, passphrase, status, code, message] of cases) {
      const err = await errorOf(
        await post(p, '/api/backup/restore', { backup: text, passphrase, apply: true }),
      );
      expect(err).toMatchObject({ status, code });
      expect(err.message).toMatch(message);
    }
    expect(p.core.services.accounts.list()).toHaveLength(1);
    const weak = await errorOf(await post(p, '/api/backup', { passphrase: 'short' }));
    expect(weak).toMatchObject({ status: 400, code: 'weak_passphrase' });
  });

  it('applies only the plan that was previewed: a pool changed in between is refused until previewed again', async () => {
    const p = await pool({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const { backup } = backupFileSchema.parse(
      await (await post(p, '/api/backup', { passphrase: PASS })).json(),
    );
    const data = await tempDataDir();
    const to = await startCoreOn(data.dir, p.sim);
    cleanups.push(async () => {
      await to.stop();
      await data.remove();
    });
    const first = restoreResultSchema.parse(
      await (await post(to, '/api/backup/restore', { backup, passphrase: PASS })).json(),
    );
    expect(first.plan).toMatchObject({ created: 2, updated: 0 });

    // Meanwhile account a signs in here: applying the old preview would now update it, not create it.
    to.services.accounts.importAuthJson(p.accounts[0]!.authJson());
    const stale = await errorOf(
      await post(to, '/api/backup/restore', {
        backup,
        passphrase: PASS,
        apply: true,
        expectDigest: first.plan.digest,
      }),
    );
    expect(stale).toMatchObject({ status: 409, code: 'plan_changed' });
    expect(stale.message).toMatch(/Preview the restore again/);
    expect(to.services.accounts.list()).toHaveLength(1);

    const second = restoreResultSchema.parse(
      await (await post(to, '/api/backup/restore', { backup, passphrase: PASS })).json(),
    );
    expect(second.plan).toMatchObject({ created: 1, updated: 1 });
    const applied = restoreResultSchema.parse(
      await (
        await post(to, '/api/backup/restore', {
          backup,
          passphrase: PASS,
          apply: true,
          expectDigest: second.plan.digest,
        })
      ).json(),
    );
    expect(applied.plan).toEqual(second.plan);
    expect(to.services.accounts.list()).toHaveLength(2);
  });

  it('pauses everything here, and refuses callers without the admin token', async () => {
    const p = await pool({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const result = pauseAllResultSchema.parse(await (await post(p, '/api/accounts/pause-all', {})).json());
    expect(result.paused).toBe(2);
    expect(result.accounts.map((a) => a.status)).toEqual(['paused', 'paused']);
    const anonymous = await fetch(p.core.url + '/api/backup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ passphrase: PASS }),
    });
    expect(anonymous.status).toBe(401);
  });
});
