import Database from 'better-sqlite3';
import { AccountsRepository } from './accounts-repository';
import { ApiKeysRepository } from './api-keys-repository';
import { FamilyBlocksRepository } from './family-blocks-repository';
import { applyMigrations, inspectAndBackUp } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';
import { InsightRepository } from './insight-repository';
import { PoolQuotaRepository } from './pool-quota-repository';
import { QuotaRepository } from './quota-repository';
import { RegistryRepository } from './registry-repository';
import { RequestsRepository } from './requests-repository';
import { ResponseOwnersRepository } from './response-owners-repository';
import { SettingsRepository } from './settings-repository';
import { makeDatabasePrivate } from './private-files';
import { StickyRepository } from './sticky-repository';

/** The database file name inside the data dir. */
export const DATABASE_FILE_NAME = 'codex-pool.sqlite';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Path of the SQLite file (normally `<dataDir>/codex-pool.sqlite`); created when missing. */
  path: string;
  /** Clock in epoch seconds, used for timestamps the store fills in. */
  now?: () => number;
  /** Receives notices (backups taken, values skipped). */
  log?: (msg: string) => void;
  /**
   * The migration list; defaults to this build's. Tests pass a longer or altered list to exercise
   * upgrades, backups and checksum checks.
   */
  migrations?: readonly Migration[];
  /** How long a write waits for a lock held by another connection (ms). */
  busyTimeoutMs?: number;
}

/** The opened database and its repositories. One owner per process. */
export interface Store {
  readonly path: string;
  /** Schema version after migrations. */
  readonly schemaVersion: number;
  readonly accounts: AccountsRepository;
  readonly quota: QuotaRepository;
  /** The pool's quota series, one row per minute (issue 14). */
  readonly poolQuota: PoolQuotaRepository;
  readonly requests: RequestsRepository;
  readonly settings: SettingsRepository;
  readonly sticky: StickyRepository;
  readonly responseOwners: ResponseOwnersRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly registry: RegistryRepository;
  readonly familyBlocks: FamilyBlocksRepository;
  /** The insight views' aggregates (issue 9). */
  readonly insight: InsightRepository;
  /**
   * Runs `fn` in a transaction (a savepoint when already inside one); a throw rolls it back. `fn` must be
   * synchronous: better-sqlite3 transactions cannot span an await.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Runs one statement a repository wrote, prepared once: how the request log writer's batches are written on this
   * thread when its own thread cannot (store/log-writer.ts).
   */
  runStatement(sql: string, params: unknown): void;
  /** Checkpoints the WAL and closes the file. Queued writes are not flushed here; flush the queue first. */
  close(): void;
}

const defaultNow = (): number => Math.floor(Date.now() / 1000);

/**
 * Opens (creating or migrating) the database. An existing file is checked read-only first: a damaged
 * file, a schema from a newer build, or a changed migration throws {@link StoreError} and leaves the file
 * untouched; a database that needs migrating is copied to `<file>.bak-v<old>-<stamp>` beforehand.
 */
export function openStore(options: OpenStoreOptions): Store {
  const now = options.now ?? defaultNow;
  const log = options.log ?? (() => {});
  const migrations = options.migrations ?? MIGRATIONS;
  const { version, pending } = inspectAndBackUp({ path: options.path, migrations, now, log });

  makeDatabasePrivate(options.path);
  const db = new Database(options.path);
  let schemaVersion: number;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    schemaVersion = applyMigrations(db, options.path, version, pending, now);
  } catch (err) {
    db.close();
    throw err;
  }

  let closed = false;
  const prepared = new Map<string, Database.Statement>();
  return {
    path: options.path,
    schemaVersion,
    accounts: new AccountsRepository(db, now),
    quota: new QuotaRepository(db),
    poolQuota: new PoolQuotaRepository(db),
    requests: new RequestsRepository(db),
    settings: new SettingsRepository(db, log),
    sticky: new StickyRepository(db, now),
    responseOwners: new ResponseOwnersRepository(db, now),
    apiKeys: new ApiKeysRepository(db, now),
    registry: new RegistryRepository(db),
    familyBlocks: new FamilyBlocksRepository(db),
    insight: new InsightRepository(db),
    // IMMEDIATE: a write transaction takes the write lock before its first read. The request log's writer thread
    // is a second connection, and a deferred transaction that read first and then wanted to write after that thread
    // committed would fail at once with SQLITE_BUSY instead of waiting its turn (busy_timeout).
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    runStatement(sql: string, params: unknown): void {
      let stmt = prepared.get(sql);
      if (stmt === undefined) prepared.set(sql, (stmt = db.prepare(sql)));
      stmt.run(params);
    },
    close(): void {
      if (closed) return;
      closed = true;
      try {
        // Folding the WAL back keeps the file self-contained for backups and copies made while we are down.
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (err) {
        // A full disk can refuse the checkpoint. Nothing is lost: the WAL stays next to the file and SQLite
        // replays it on the next open, so stopping must still succeed (issue 8: SIGTERM exits 0).
        log(
          `Could not fold the write-ahead log back into the database (${(err as Error).message}); it is kept and replayed on the next start.`,
        );
      } finally {
        db.close();
      }
    },
  };
}
