import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import type { Migration } from './migrations';
import { makeDatabasePrivate } from './private-files';

/** How many `.bak-v…` copies to keep next to the database. */
export const BACKUPS_TO_KEEP = 3;

/** sha256 hex of a migration's SQL, as recorded in `schema_migrations`. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

interface Inspection {
  /** Highest applied version, 0 for a new database. */
  version: number;
  pending: Migration[];
}

interface InspectOptions {
  path: string;
  migrations: readonly Migration[];
  now: () => number;
  log: (msg: string) => void;
}

/**
 * Checks an existing database through a read-only connection — so a damaged or foreign file is never
 * written — and, when migrations are pending on a database that holds data, copies it to a backup first.
 * Throws {@link StoreError} for corruption, a newer schema or a changed migration.
 */
export function inspectAndBackUp(options: InspectOptions): Inspection {
  const { path, migrations } = options;
  if (!existsSync(path) || statSync(path).size === 0) return { version: 0, pending: [...migrations] };

  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check') as Array<{ quick_check: string }>;
    if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
      throw corrupt(
        path,
        check
          .map((r) => r.quick_check)
          .slice(0, 3)
          .join('; '),
      );
    }
    const tableCount = (
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    ).n;
    const hasLedger = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    const applied = hasLedger
      ? (db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as Array<{
          version: number;
          name: string;
          checksum: string;
        }>)
      : [];
    const version = applied.reduce((max, row) => Math.max(max, row.version), 0);
    verifyApplied(path, applied, migrations);
    const done = new Set(applied.map((row) => row.version));
    const pending = migrations.filter((m) => !done.has(m.version));
    if (pending.length > 0 && tableCount > 0) backUp(db, options, version);
    return { version, pending };
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw corrupt(path, (err as Error).message, err);
    throw err;
  } finally {
    db?.close();
  }
}

function corrupt(path: string, detail: string, cause?: unknown): StoreError {
  return new StoreError(
    'corrupt',
    `The database ${path} is damaged or is not a Codex Pool database (${detail}). ` +
      'It was left untouched: restore a backup (codex-pool.sqlite.bak-…) or move the file away to start fresh.',
    { cause },
  );
}

function verifyApplied(
  path: string,
  applied: Array<{ version: number; name: string; checksum: string }>,
  migrations: readonly Migration[],
): void {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const newest = applied.reduce((max, row) => Math.max(max, row.version), 0);
  if (newest > known) {
    throw new StoreError(
      'newer_schema',
      `The database ${path} was created by a newer Codex Pool (schema ${newest} > ${known}); upgrade the app.`,
    );
  }
  for (const row of applied) {
    const migration = migrations.find((m) => m.version === row.version);
    if (!migration || migrationChecksum(migration.sql) !== row.checksum) {
      throw new StoreError(
        'migration_mismatch',
        `The database ${path} records migration ${row.version} (${row.name}) with a different definition ` +
          'than this build of Codex Pool; refusing to guess. Use the build that created it or restore a backup.',
      );
    }
  }
}

/** `<file>.bak-v<version>-<YYYYMMDDTHHMMSSZ>[-n]`; the stamp sorts chronologically as text. */
const BACKUP_NAME = /\.bak-v(\d+)-(\d{8}T\d{6}Z)(?:-(\d+))?$/;

function backUp(db: Database.Database, options: InspectOptions, version: number): void {
  const stamp = new Date(options.now() * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = `${options.path}.bak-v${version}-${stamp}`;
  let target = base;
  for (let n = 1; existsSync(target); n += 1) target = `${base}-${n}`;
  // VACUUM INTO works on the read-only connection and yields a compact, consistent copy (WAL included).
  // Created empty and private first (VACUUM INTO accepts an empty file): the copy holds the same secrets.
  makeDatabasePrivate(target);
  db.prepare('VACUUM INTO ?').run(target);
  options.log(
    `Backed up ${basename(options.path)} (schema ${version}) to ${basename(target)} before migrating.`,
  );
  pruneBackups(options.path, options.log);
}

function pruneBackups(path: string, log: (msg: string) => void): void {
  const prefix = `${basename(path)}.bak-v`;
  const dir = dirname(path);
  const backups = readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .map((name) => ({ name, match: BACKUP_NAME.exec(name) }))
    .filter((b): b is { name: string; match: RegExpExecArray } => b.match !== null)
    .map((b) => ({ name: b.name, stamp: b.match[2] ?? '', n: Number(b.match[3] ?? 0) }))
    .sort((a, b) => (a.stamp === b.stamp ? b.n - a.n : a.stamp < b.stamp ? 1 : -1));
  for (const old of backups.slice(BACKUPS_TO_KEEP)) {
    unlinkSync(join(dir, old.name));
    log(`Removed old backup ${old.name}.`);
  }
}

/**
 * Applies pending migrations, each in its own transaction together with its `schema_migrations` row, so
 * a failure leaves the database at the last complete version. Returns the resulting version.
 */
export function applyMigrations(
  db: Database.Database,
  path: string,
  fromVersion: number,
  pending: readonly Migration[],
  now: () => number,
): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  let version = fromVersion;
  for (const migration of [...pending].sort((a, b) => a.version - b.version)) {
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, migrationChecksum(migration.sql), Math.floor(now()));
      })();
    } catch (err) {
      throw new StoreError(
        'migration_failed',
        `Migration ${migration.version} (${migration.name}) of ${path} failed and was rolled back; ` +
          `the database is still at schema ${version}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    version = migration.version;
  }
  return version;
}
