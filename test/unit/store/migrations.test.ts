import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUPS_TO_KEEP, MIGRATIONS, StoreError, type Migration } from '../../../main/core/store';
import { tempStoreEnv } from './helpers';

let env: ReturnType<typeof tempStoreEnv>;
beforeEach(() => {
  env = tempStoreEnv();
});
afterEach(() => env.cleanup());

/** The newest schema this build knows; test migrations come after it. */
const N = MIGRATIONS.length;
const extra = (version: number, sql = `CREATE TABLE extra_${version} (x INTEGER)`): Migration => ({
  version,
  name: `extra ${version}`,
  sql,
});

function expectStoreError(fn: () => unknown, code: string): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    return err as StoreError;
  }
  throw new Error('expected a StoreError');
}

function backups(): string[] {
  return readdirSync(env.dir).filter((name) => name.includes('.bak-v'));
}

describe('openStore migrations', () => {
  it('creates every table on a fresh file, in WAL mode with foreign keys on', () => {
    const store = env.open();
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    const db = new Database(env.path, { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    )
      .map((r) => r.name)
      .sort();
    expect(tables).toEqual(
      [
        'accounts',
        'api_keys',
        'conversation_hops',
        'conversations',
        'model_prices',
        'pool_quota_minutes',
        'pool_quota_rollup',
        'ttfb_hourly',
        'usage_hourly',
        'family_blocks',
        'limit_registry',
        'quota_latest',
        'quota_samples',
        'request_log',
        'response_owners',
        'schema_migrations',
        'settings',
        'sticky_mappings',
      ].sort(),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const ledger = db.prepare('SELECT version, name, checksum, applied_at FROM schema_migrations').all();
    expect(ledger).toEqual(
      MIGRATIONS.map((m) => ({
        version: m.version,
        name: m.name,
        checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
        applied_at: env.clock.t,
      })),
    );
    db.close();
  });

  it('reopens idempotently without re-running migrations or taking backups', () => {
    env.open().close();
    const store = env.open();
    expect(store.schemaVersion).toBe(N);
    expect(store.registry.list()).toHaveLength(1);
    expect(backups()).toEqual([]);
  });

  it('backs up an existing database before applying a new migration', () => {
    const first = env.open();
    first.settings.set('routingStrategy', 'fill_first');
    first.close();
    env.clock.t += 60;
    const logs: string[] = [];
    const store = env.open({ migrations: [...MIGRATIONS, extra(N + 1)], log: (m) => logs.push(m) });
    expect(store.schemaVersion).toBe(N + 1);
    const names = backups();
    expect(names).toEqual([`codex-pool.sqlite.bak-v${N}-20260101T000100Z`]);
    expect(logs.some((m) => m.includes('Backed up'))).toBe(true);
    const copy = new Database(`${env.dir}/${names[0]}`, { readonly: true });
    expect(copy.prepare('SELECT value FROM settings').get()).toEqual({ value: '"fill_first"' });
    expect(copy.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: N });
    copy.close();
  });

  it(`keeps only the ${BACKUPS_TO_KEEP} newest backups`, () => {
    env.open().close();
    const list = [...MIGRATIONS];
    for (let v = N + 1; v <= N + 5; v += 1) {
      env.clock.t += 3600;
      list.push(extra(v));
      env.open({ migrations: list }).close();
    }
    expect(backups().sort()).toEqual([
      `codex-pool.sqlite.bak-v${N + 2}-20260101T030000Z`,
      `codex-pool.sqlite.bak-v${N + 3}-20260101T040000Z`,
      `codex-pool.sqlite.bak-v${N + 4}-20260101T050000Z`,
    ]);
  });

  it('rolls a failed migration back and leaves the data and version intact', () => {
    const first = env.open();
    first.settings.set('k', 1);
    first.close();
    const broken = extra(N + 1, 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);');
    const err = expectStoreError(() => env.open({ migrations: [...MIGRATIONS, broken] }), 'migration_failed');
    expect(err.message).toContain(`still at schema ${N}`);
    const store = env.open();
    expect(store.schemaVersion).toBe(N);
    expect(store.settings.getAll()).toEqual({ k: 1 });
    store.close();
    const db = new Database(env.path, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a damaged database and leaves its bytes unchanged', () => {
    const store = env.open();
    store.requests.insertMany(
      Array.from({ length: 3000 }, (_, i) => ({
        startedAt: i,
        accountId: null,
        route: '/v1/responses',
        model: 'gpt-5',
        status: 200,
        latencyMs: 10,
        ttfbMs: 5,
        inputTokens: 1,
        outputTokens: 2,
        cachedTokens: 0,
        reasoningTokens: 0,
        errorCode: null,
        reason: 'x'.repeat(40),
        attempts: 1,
        stream: true,
      })),
    );
    store.close();
    const bytes = readFileSync(env.path);
    for (let i = 4096 * 3; i < 4096 * 8; i += 1) bytes[i] = (i * 7) & 0xff;
    writeFileSync(env.path, bytes);
    const err = expectStoreError(() => env.open(), 'corrupt');
    expect(err.message).toContain(env.path);
    expect(readFileSync(env.path).equals(bytes)).toBe(true);
  });

  it('refuses a file that is not a database and leaves it unchanged', () => {
    const text = 'this is a text file, not SQLite\n'.repeat(50);
    writeFileSync(env.path, text);
    expectStoreError(() => env.open(), 'corrupt');
    expect(readFileSync(env.path, 'utf8')).toBe(text);
  });

  it('refuses a database from a newer build and leaves it unchanged', () => {
    env.open({ migrations: [...MIGRATIONS, extra(N + 1)] }).close();
    const bytes = readFileSync(env.path);
    const err = expectStoreError(() => env.open(), 'newer_schema');
    expect(err.message).toContain(`schema ${N + 1} > ${N}`);
    expect(err.message).toContain('upgrade the app');
    expect(readFileSync(env.path).equals(bytes)).toBe(true);
  });

  it('refuses a database whose recorded migration differs from the code', () => {
    env.open({ migrations: [...MIGRATIONS, extra(N + 1)] }).close();
    expectStoreError(
      () => env.open({ migrations: [...MIGRATIONS, extra(N + 1, 'CREATE TABLE something_else (y TEXT)')] }),
      'migration_mismatch',
    );
  });
});

describe('file modes', () => {
  it.skipIf(process.platform === 'win32')(
    'creates the database, its -wal and -shm, and migration backups 0600 whatever the umask',
    () => {
      const previous = process.umask(0o022);
      try {
        const store = env.open();
        store.settings.setMany({ routingStrategy: 'fill_first' });
        for (const file of ['codex-pool.sqlite', 'codex-pool.sqlite-wal', 'codex-pool.sqlite-shm']) {
          expect(statSync(join(env.dir, file)).mode & 0o777, file).toBe(0o600);
        }
        store.close();
        chmodSync(env.path, 0o644); // a file left by an older build
        env.open({ migrations: [...MIGRATIONS, extra(MIGRATIONS.length + 1)] });
        expect(statSync(env.path).mode & 0o777).toBe(0o600);
        const [backup] = backups();
        expect(statSync(join(env.dir, backup!)).mode & 0o777).toBe(0o600);
      } finally {
        process.umask(previous);
      }
    },
  );
});
