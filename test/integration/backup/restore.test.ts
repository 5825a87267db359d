import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type CoreConfig } from '../../../main/core/config';
import { withOfflineServices } from '../../../main/cli-commands/offline-services';
import { createKeyFileSecretBox } from '../../../main/core/secrets';
import { encryptBackup, BackupError } from '../../../main/core/backup/backup-file';
import type { Services } from '../../../main/core/services';
import { DATABASE_FILE_NAME, openStore, type Store } from '../../../main/core/store';
import { SettingsService } from '../../../main/core/settings/settings-service';
import { createSimulator, type Simulator } from '../../simulator';
import { tempDataDir } from '../accounts/helpers';

const PASS = 'moving to the new laptop';
let sim: Simulator;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  sim = await createSimulator();
});
afterAll(async () => {
  await sim.close();
  for (const c of cleanups.splice(0)) await c();
});

/** A fresh data dir (its own key file: another machine) and the CLI's offline configuration over it. */
async function machine(): Promise<{ dir: string; config: CoreConfig }> {
  const data = await tempDataDir();
  cleanups.push(data.remove);
  const config = resolveConfig({
    env: { CODEX_POOL_PORT: '0' },
    flags: { dataDir: data.dir },
    defaultDataDir: data.dir,
  });
  return { dir: data.dir, config };
}

const on = <T>(m: { config: CoreConfig }, fn: (s: Services) => T | Promise<T>): Promise<T> =>
  withOfflineServices(m.config, fn);

/** Everything about a pool a user could notice, read from its database, tokens opened by its own key file. */
function readPool(dir: string) {
  const box = createKeyFileSecretBox(dir);
  const store = openStore({ path: join(dir, DATABASE_FILE_NAME) });
  try {
    return {
      accounts: store.accounts
        .list()
        .map(({ sealedTokens, ...rest }) => ({ ...rest, tokens: box.open(sealedTokens) })),
      settings: new SettingsService(store.settings).get(),
      apiKeys: store.apiKeys.list(),
      registry: store.registry.list(),
      requests: store.requests.all().map(({ id: _id, ...row }) => row),
      sealed: store.accounts.list().map((r) => r.sealedTokens),
    };
  } finally {
    store.close();
  }
}

/** Writes with the store directly what no service offers (a custom registry entry, logged requests). */
function withStore(dir: string, fn: (store: Store) => void): void {
  const store = openStore({ path: join(dir, DATABASE_FILE_NAME) });
  try {
    fn(store);
  } finally {
    store.close();
  }
}

/** Machine A: two accounts with a label, a policy and a pause, changed settings, a key, a custom family, history. */
async function populatedMachine() {
  const a = await machine();
  const one = sim.addAccount({ email: 'one@example.com', planType: 'pro' });
  const two = sim.addAccount({ email: 'two@example.com', planType: 'plus' });
  const ids = await on(a, (s) => {
    const first = s.accounts.importAuthJson(one.authJson()).account.id;
    const second = s.accounts.importAuthJson(two.openCodeAuth()).account.id;
    s.accounts.update(first, { label: 'work', routingPolicy: 'preserve' });
    s.accounts.pause(second);
    s.settings.update({ routingStrategy: 'fill_first', stickySessions: false, pinnedAccountId: second });
    s.apiKeys.create('laptop');
    return { first, second };
  });
  withStore(a.dir, (store) => {
    store.registry.upsert({
      quotaKey: 'codex_custom',
      label: 'Custom',
      modelIds: ['gpt-custom'],
      limitNames: ['custom'],
      meteredFeatures: [],
      appliesToPlans: ['pro'],
      routingPolicy: 'normal',
    });
    store.requests.insertMany([
      { ...REQUEST, startedAt: 1_767_225_600_000, accountId: ids.first },
      { ...REQUEST, startedAt: 1_767_225_601_000, accountId: null, status: 503, errorCode: 'no_account' },
    ]);
  });
  return { a, one, two };
}

const REQUEST = {
  route: '/backend-api/codex/responses',
  model: 'gpt-5.5',
  status: 200,
  latencyMs: 812,
  ttfbMs: 120,
  inputTokens: 10,
  outputTokens: 20,
  cachedTokens: 0,
  reasoningTokens: 5,
  errorCode: null,
  reason: 'capacity_weighted',
  attempts: 1,
  stream: true,
};

describe('backup and restore', () => {
  it('round trip: every field comes back on another machine, tokens byte-identical under its own key', async () => {
    const { a } = await populatedMachine();
    const before = readPool(a.dir);
    const backup = await on(a, (s) => s.backup.create(PASS, { includeHistory: true }));
    expect(backup).toMatchObject({ accounts: 2, requests: 2 });

    const b = await machine();
    const plan = await on(b, (s) => s.backup.preview(backup.text, PASS));
    expect(plan).toMatchObject({ created: 2, updated: 0, apiKeys: { added: 1, present: 0 }, requests: 2 });
    expect(plan.settings.map((c) => c.key).sort()).toEqual([
      'pinnedAccountId',
      'routingStrategy',
      'stickySessions',
    ]);
    await on(b, (s) => s.backup.restore(backup.text, PASS));

    const { sealed: sealedOnB, ...after } = readPool(b.dir);
    const { sealed: sealedOnA, ...expected } = before;
    expect(after).toEqual(expected);
    // The same tokens, sealed by B's key file: A's key cannot open them.
    expect(sealedOnB).not.toEqual(sealedOnA);
    expect(() => createKeyFileSecretBox(a.dir).open(sealedOnB[0]!)).toThrow();
  });

  it('restores into a non-empty pool: the same member is updated, never duplicated; a second restore adds nothing', async () => {
    const { a, one } = await populatedMachine();
    const backup = await on(a, (s) => s.backup.create(PASS, { includeHistory: true }));

    const b = await machine();
    const other = sim.addAccount({ email: 'other@example.com' });
    const ids = await on(b, (s) => {
      // B already holds account one (an older login of it, relabelled) and an account A never had.
      const mine = s.accounts.importAuthJson({ ...one.authJson(), last_refresh: '2020-01-01T00:00:00Z' });
      s.accounts.update(mine.account.id, { label: 'old label' });
      return { one: mine.account.id, other: s.accounts.importAuthJson(other.authJson()).account.id };
    });

    const plan = await on(b, (s) => s.backup.restore(backup.text, PASS));
    expect(plan.created).toBe(1);
    expect(plan.updated).toBe(1);
    expect(plan.accounts.find((l) => l.email === 'one@example.com')).toMatchObject({
      action: 'update',
      targetId: ids.one,
      tokens: 'backup',
    });

    const again = await on(b, (s) => s.backup.restore(backup.text, PASS));
    expect(again).toMatchObject({ created: 0, updated: 2, apiKeys: { added: 0, present: 1 } });
    const state = readPool(b.dir);
    expect(state.accounts.map((x) => x.email).sort()).toEqual([
      'one@example.com',
      'other@example.com',
      'two@example.com',
    ]);
    expect(state.accounts.find((x) => x.id === ids.one)?.label).toBe('work');
    expect(state.accounts.find((x) => x.id === ids.other)?.email).toBe('other@example.com');
    expect(state.requests).toHaveLength(2);
    expect(state.apiKeys).toHaveLength(1);
    // The pin names account two under its id here.
    const two = state.accounts.find((x) => x.email === 'two@example.com')!;
    expect(state.settings.pinnedAccountId).toBe(two.id);
  });

  it('keeps this machine’s tokens when its login of the account is newer than the backup’s', async () => {
    const a = await machine();
    const account = sim.addAccount({ email: 'newer@example.com' });
    await on(a, (s) =>
      s.accounts.importAuthJson({ ...account.authJson(), last_refresh: '2021-01-01T00:00:00Z' }),
    );
    const backup = await on(a, (s) => s.backup.create(PASS, { includeHistory: false }));

    const b = await machine();
    const fresh = account.authJson();
    await on(b, (s) => s.accounts.importAuthJson(fresh));
    const tokensBefore = readPool(b.dir).accounts[0]!.tokens;
    const plan = await on(b, (s) => s.backup.restore(backup.text, PASS));
    expect(plan.accounts[0]).toMatchObject({ action: 'update', tokens: 'kept' });
    expect(readPool(b.dir).accounts[0]!.tokens).toBe(tokensBefore);
  });

  it('a wrong passphrase changes nothing and says what to do', async () => {
    const { a } = await populatedMachine();
    const backup = await on(a, (s) => s.backup.create(PASS, { includeHistory: false }));
    const b = await machine();
    await on(b, (s) => s.accounts.importAuthJson(sim.addAccount({ email: 'b@example.com' }).authJson()));
    const before = readPool(b.dir);
    const err = await on(b, (s) => s.backup.restore(backup.text, 'moving to the old laptop')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackupError);
    expect((err as BackupError).message).toMatch(/passphrase does not match/);
    expect(readPool(b.dir)).toEqual(before);
  });

  it('is all or nothing: a restore that fails half-way leaves the pool as it was', async () => {
    const one = sim.addAccount({ email: 'dup@example.com' });
    const a = await machine();
    const valid = await on(a, async (s) => {
      s.accounts.importAuthJson(one.authJson());
      return s.backup.create(PASS, { includeHistory: false });
    });
    // A hand-made file whose second account repeats the first's identity under another id: the second insert
    // violates the store's uniqueness after the first has been written.
    const { decryptBackup } = await import('../../../main/core/backup/backup-file');
    const { contents } = (await decryptBackup(valid.text, PASS)) as {
      contents: { accounts: Array<{ id: string }> };
    };
    const copy = { ...contents.accounts[0]!, id: 'acc_duplicate00' };
    const text = await encryptBackup({ ...contents, accounts: [...contents.accounts, copy] }, PASS, {
      app: 'codex-pool test',
      now: new Date(),
    });

    const b = await machine();
    const before = readPool(b.dir);
    await expect(on(b, (s) => s.backup.restore(text, PASS))).rejects.toThrow();
    expect(readPool(b.dir)).toEqual(before);
  });
});
