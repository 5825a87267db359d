import type Database from 'better-sqlite3';
import type { StickyMapping } from './types';

/** The `sticky_mappings` table: prompt-cache key hash → account (BALANCER.md §6.1). */
export class StickyRepository {
  private readonly getStmt: Database.Statement<
    [string],
    { key_hash: string; account_id: string; updated_at: number }
  >;
  private readonly upsertStmt: Database.Statement<[string, string, number]>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.getStmt = db.prepare(
      'SELECT key_hash, account_id, updated_at FROM sticky_mappings WHERE key_hash = ?',
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO sticky_mappings (key_hash, account_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key_hash) DO UPDATE SET account_id = excluded.account_id, updated_at = excluded.updated_at`,
    );
  }

  get(keyHash: string): StickyMapping | null {
    const row = this.getStmt.get(keyHash);
    return row ? { keyHash: row.key_hash, accountId: row.account_id, updatedAt: row.updated_at } : null;
  }

  /** Every mapping used at or after `since` (epoch s): the live ones, loaded once at start-up. */
  listSince(since: number): StickyMapping[] {
    return this.db
      .prepare<[number], { key_hash: string; account_id: string; updated_at: number }>(
        'SELECT key_hash, account_id, updated_at FROM sticky_mappings WHERE updated_at >= ?',
      )
      .all(since)
      .map((row) => ({ keyHash: row.key_hash, accountId: row.account_id, updatedAt: row.updated_at }));
  }

  /** Maps `keyHash` to `accountId`, stamped `at` (epoch s, default now). */
  upsert(keyHash: string, accountId: string, at: number = this.now()): void {
    this.upsertStmt.run(keyHash, accountId, Math.floor(at));
  }

  /** Drops every mapping of an account. Returns rows deleted. */
  deleteForAccount(accountId: string): number {
    return this.db.prepare('DELETE FROM sticky_mappings WHERE account_id = ?').run(accountId).changes;
  }

  /** Drops mappings last used before `before` (epoch s). Returns rows deleted. */
  pruneExpired(before: number): number {
    return this.db.prepare('DELETE FROM sticky_mappings WHERE updated_at < ?').run(before).changes;
  }
}
