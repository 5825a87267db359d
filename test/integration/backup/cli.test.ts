import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type CoreConfig } from '../../../main/core/config';
import { importCommand } from '../../../main/cli-commands/accounts';
import { backupCommand, restoreCommand } from '../../../main/cli-commands/backup';
import { withOfflineServices } from '../../../main/cli-commands/offline-services';
import type { Terminal } from '../../../main/cli-commands/prompt';
import { createSimulator, type Simulator } from '../../simulator';
import type { PoolHarness } from '../../helpers/pool-harness';
import { startCli } from '../../helpers/cli-process';
import { startAccountsPool, tempDataDir } from '../accounts/helpers';

const PASS = 'a long and private passphrase';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function simulator(): Promise<Simulator> {
  const sim = await createSimulator();
  cleanups.push(() => sim.close());
  return sim;
}

async function pool(init: Parameters<typeof startAccountsPool>[0] = {}): Promise<PoolHarness> {
  const p = await startAccountsPool(init);
  cleanups.push(() => p.close());
  return p;
}

/** The CLI's configuration for a data dir with no server (port 0), or for a running pool's port. */
async function offlineConfig(): Promise<{ dir: string; config: CoreConfig }> {
  const data = await tempDataDir();
  cleanups.push(data.remove);
  const config = resolveConfig({
    env: { CODEX_POOL_PORT: '0' },
    flags: { dataDir: data.dir },
    defaultDataDir: data.dir,
  });
  return { dir: data.dir, config };
}
function serverConfig(p: PoolHarness): CoreConfig {
  return resolveConfig({
    env: { CODEX_POOL_PORT: new URL(p.core.url).port, CODEX_POOL_ADMIN_TOKEN: p.core.adminToken },
    flags: { dataDir: p.core.config.dataDir },
    defaultDataDir: p.core.config.dataDir,
  });
}

/** A terminal a person answers: hidden answers and visible answers in order; records the questions. */
function tty(hidden: string[], answers: string[] = []): Terminal & { questions: string[] } {
  const questions: string[] = [];
  return {
    interactive: true,
    questions,
    ask: async (q) => (questions.push(q), answers.shift() ?? ''),
    askHidden: async (q) => (questions.push(q), hidden.shift() ?? ''),
  };
}
const script: Terminal = {
  interactive: false,
  ask: () => Promise.reject(new Error('no terminal')),
  askHidden: () => Promise.reject(new Error('no terminal')),
};

describe('codex-pool backup / restore', () => {
  it('offline: backup with a passphrase file and --pause-after; restore refuses without --yes in a script', async () => {
    const sim = await simulator();
    const a = await offlineConfig();
    const folder = join(a.dir, 'logins');
    await mkdir(folder);
    await writeFile(
      join(folder, 'one.json'),
      JSON.stringify(sim.addAccount({ email: 'one@example.com' }).authJson()),
    );
    await writeFile(
      join(folder, 'two.json'),
      JSON.stringify(sim.addAccount({ email: 'two@example.com' }).openCodeAuth()),
    );
    expect(await importCommand(a.config, [folder], () => {})).toBe(0);

    const passFile = join(a.dir, 'pass.txt');
    await writeFile(passFile, PASS + '\n');
    const file = join(a.dir, 'pool.backup');
    const out: string[] = [];
    const opts = { passphraseFile: passFile, pauseAfter: true, env: {} };
    expect(await backupCommand(a.config, file, opts, script, (l) => out.push(l))).toBe(0);
    expect(out[0]).toMatch(/^Warning: Refresh tokens are single-use/);
    expect(out).toContain(`Backup written to ${file}: 2 accounts, settings, API keys, gated-model registry.`);
    expect(out.at(-1)).toMatch(/^Paused 2 accounts here/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(
      /^CODEX-POOL-BACKUP\n\{"formatVersion":1,.*"kdf":\{"name":"scrypt","N":131072,"r":8,"p":1/,
    );
    expect(await withOfflineServices(a.config, (s) => s.accounts.list().map((x) => x.status))).toEqual([
      'paused',
      'paused',
    ]);
    // A second backup to the same name never overwrites the first.
    await expect(backupCommand(a.config, file, opts, script, () => {})).rejects.toThrow(/already exists/);

    const b = await offlineConfig();
    const env = { CODEX_POOL_BACKUP_PASSPHRASE: PASS };
    const preview: string[] = [];
    expect(await restoreCommand(b.config, file, { env }, script, (l) => preview.push(l))).toBe(1);
    expect(preview).toContain(
      '  2 accounts: 2 new, 0 updated (matched by workspace and user, never duplicated)',
    );
    expect(preview.at(-1)).toBe('Nothing was changed. Run again with --yes to apply this restore.');
    expect(await withOfflineServices(b.config, (s) => s.accounts.list())).toEqual([]);

    const applied: string[] = [];
    expect(await restoreCommand(b.config, file, { env, yes: true }, script, (l) => applied.push(l))).toBe(0);
    expect(applied.at(-1)).toBe('Restored: 2 accounts added, 0 updated.');
    // The accounts come back as they were in the backup (taken before the pause).
    expect(
      await withOfflineServices(b.config, (s) => s.accounts.list().map((x) => [x.email, x.status])),
    ).toEqual([
      ['one@example.com', 'active'],
      ['two@example.com', 'active'],
    ]);
  });

  it('through running servers on a terminal: asks twice without echo, offers the pause, confirms the restore', async () => {
    const from = await pool({ accounts: [{ email: 'a@example.com', planType: 'pro' }] });
    const dir = from.core.config.dataDir;
    const file = join(dir, 'moving.backup');
    const backupTty = tty([PASS, PASS], ['y']);
    expect(await backupCommand(serverConfig(from), file, { env: {} }, backupTty, () => {})).toBe(0);
    expect(backupTty.questions).toEqual([
      'Backup passphrase: ',
      'Type it again: ',
      'Pause every account here now, so only the new machine uses them? [y/N] ',
    ]);
    expect(from.core.services.accounts.list().map((a) => a.status)).toEqual(['paused']);

    const to = await pool({ accounts: [{ email: 'b@example.com' }] });
    const restoreTty = tty([PASS], ['yes']);
    const out: string[] = [];
    expect(await restoreCommand(serverConfig(to), file, { env: {} }, restoreTty, (l) => out.push(l))).toBe(0);
    expect(restoreTty.questions).toEqual(['Backup passphrase: ', 'Apply this restore? [y/N] ']);
    expect(out.at(-1)).toBe('Restored: 1 account added, 0 updated; the running Codex Pool uses them now.');
    // Routable at once: the running pool holds it without a restart.
    expect(to.core.services.accounts.list().map((a) => a.email)).toEqual(['b@example.com', 'a@example.com']);
  });

  it('two different passphrases on the terminal write nothing', async () => {
    const a = await offlineConfig();
    const file = join(a.dir, 'x.backup');
    await expect(
      backupCommand(a.config, file, { env: {} }, tty([PASS, PASS + '!']), () => {}),
    ).rejects.toThrow(/two passphrases differ; nothing was written/);
    expect(existsSync(file)).toBe(false);
  });

  it('the installed command: backup and restore by environment passphrase, and a wrong one refused', async () => {
    const sim = await simulator();
    const a = await offlineConfig();
    await withOfflineServices(a.config, (s) =>
      s.accounts.importAuthJson(sim.addAccount({ email: 'x@example.com' }).authJson()),
    );
    const file = join(a.dir, 'cli.backup');
    const env = { CODEX_POOL_PORT: '0', CODEX_POOL_BACKUP_PASSPHRASE: PASS };
    const backup = startCli(['backup', file, '--history', '--data-dir', a.dir], env);
    expect(await backup.exited).toBe(0);
    expect(backup.stdout()).toContain(
      '1 account, settings, API keys, gated-model registry, 0 logged requests.',
    );

    const b = await offlineConfig();
    const wrong = startCli(['restore', file, '--yes', '--data-dir', b.dir], {
      ...env,
      CODEX_POOL_BACKUP_PASSPHRASE: 'not it at all',
    });
    expect(await wrong.exited).toBe(1);
    expect(wrong.stderr()).toMatch(/passphrase does not match this backup/);
    const restore = startCli(['restore', file, '--yes', '--data-dir', b.dir], env);
    expect(await restore.exited).toBe(0);
    expect(restore.stdout()).toMatch(/\+ x@example\.com, plus: new, as acc_\w+/);
    expect(await withOfflineServices(b.config, (s) => s.accounts.list().map((x) => x.email))).toEqual([
      'x@example.com',
    ]);
  });
});

describe('codex-pool import, several files', () => {
  it('imports files and folders with one line per file; a bad file fails alone', async () => {
    const p = await pool();
    const dir = p.core.config.dataDir;
    const folder = join(dir, 'team');
    await mkdir(folder);
    await writeFile(
      join(folder, 'a.json'),
      JSON.stringify(p.sim.addAccount({ email: 'a@example.com' }).authJson()),
    );
    await writeFile(join(folder, 'notes.txt'), 'not an auth.json, and not .json either');
    await writeFile(join(folder, 'b.json'), '{"hello": 1}');
    const loose = join(dir, 'c.json');
    await writeFile(
      loose,
      JSON.stringify(p.sim.addAccount({ email: 'c@example.com', planType: 'pro' }).openCodeAuth()),
    );

    const out: string[] = [];
    expect(await importCommand(serverConfig(p), [folder, loose], (l) => out.push(l))).toBe(1);
    expect(out).toEqual([
      expect.stringMatching(/team\/a\.json: Imported a@example\.com \(plus\) as acc_\w+$/),
      expect.stringMatching(/team\/b\.json: not imported — not an auth\.json/),
      expect.stringMatching(/c\.json: Imported c@example\.com \(pro\) as acc_\w+$/),
      '2 of 3 files imported, 1 failed.',
      expect.stringMatching(/^Warning: This login shares its refresh token/),
    ]);
    expect(p.core.services.accounts.list().map((a) => a.email)).toEqual(['a@example.com', 'c@example.com']);
  });
});
