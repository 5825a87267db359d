import type Database from 'better-sqlite3';
import type { PoolMinute } from '../usage/quota-history';

type MinuteRow = [
  minute: number,
  firstAt: number,
  lastAt: number,
  primaryMax: number | null,
  secondaryMax: number | null,
  primaryLast: number | null,
  secondaryLast: number | null,
];

const toMinute = ([
  minute,
  firstAt,
  lastAt,
  primaryMax,
  secondaryMax,
  primaryLast,
  secondaryLast,
]: MinuteRow): PoolMinute => ({
  minute,
  firstAt,
  lastAt,
  primaryMax,
  secondaryMax,
  primaryLast,
  secondaryLast,
});

const COLUMNS = 'minute, first_at, last_at, primary_max, secondary_max, primary_last, secondary_last';

/** What the stored rollup was computed for: the pool's members (and plans) and since when. */
export interface PoolRollupMeta {
  validFrom: number;
  members: string;
}

/** The `pool_quota_minutes` rollup of the pool's quota series and the `pool_quota_rollup` row describing it. */
export class PoolQuotaRepository {
  private readonly putStmt: Database.Statement;
  private readonly rangeStmt: Database.Statement;
  private readonly beforeStmt: Database.Statement;
  private readonly newestStmt: Database.Statement;
  private readonly metaStmt: Database.Statement;
  private readonly setMetaStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.putStmt = db.prepare(
      `INSERT OR REPLACE INTO pool_quota_minutes (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.rangeStmt = db
      .prepare(`SELECT ${COLUMNS} FROM pool_quota_minutes WHERE minute >= ? AND minute < ? ORDER BY minute`)
      .raw();
    this.beforeStmt = db
      .prepare(`SELECT ${COLUMNS} FROM pool_quota_minutes WHERE minute < ? ORDER BY minute DESC LIMIT 1`)
      .raw();
    this.newestStmt = db
      .prepare(`SELECT ${COLUMNS} FROM pool_quota_minutes ORDER BY minute DESC LIMIT 1`)
      .raw();
    this.metaStmt = db.prepare('SELECT valid_from AS validFrom, members FROM pool_quota_rollup WHERE id = 1');
    this.setMetaStmt = db.prepare(
      'INSERT OR REPLACE INTO pool_quota_rollup (id, valid_from, members) VALUES (1, ?, ?)',
    );
  }

  /** Stores a minute, replacing the stored one of the same minute (the caller holds the whole minute). */
  put(m: PoolMinute): void {
    this.putStmt.run(
      m.minute,
      m.firstAt,
      m.lastAt,
      m.primaryMax,
      m.secondaryMax,
      m.primaryLast,
      m.secondaryLast,
    );
  }

  /** Minutes in `[since, until)` (epoch s), oldest first. */
  range(since: number, until: number): PoolMinute[] {
    return (this.rangeStmt.all(since, until) as MinuteRow[]).map(toMinute);
  }

  /** The newest minute before `before`, or the newest of all. */
  newest(before?: number): PoolMinute | undefined {
    const row = (before === undefined ? this.newestStmt.get() : this.beforeStmt.get(before)) as
      MinuteRow | undefined;
    return row && toMinute(row);
  }

  meta(): PoolRollupMeta | undefined {
    return this.metaStmt.get() as PoolRollupMeta | undefined;
  }

  /** Records what the stored series is computed for. */
  setMeta(meta: PoolRollupMeta): void {
    this.setMetaStmt.run(meta.validFrom, meta.members);
  }

  /** Drops the stored series and records what the one that follows is computed for. */
  restart(meta: PoolRollupMeta): void {
    this.db.prepare('DELETE FROM pool_quota_minutes').run();
    this.setMeta(meta);
  }

  /** Deletes minutes before `olderThan` (epoch s). */
  prune(olderThan: number): number {
    return this.db.prepare('DELETE FROM pool_quota_minutes WHERE minute < ?').run(olderThan).changes;
  }
}
