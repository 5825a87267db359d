import type Database from 'better-sqlite3';
import type { FamilyBlock } from './types';

interface BlockRow {
  account_id: string;
  family: string;
  blocked_at: number;
  reset_at: number | null;
}

const toBlock = (row: BlockRow): FamilyBlock => ({
  accountId: row.account_id,
  family: row.family,
  blockedAt: row.blocked_at,
  resetAt: row.reset_at,
});

/** The `family_blocks` table: per-account blocks of one limit family (BALANCER.md §1.4). */
export class FamilyBlocksRepository {
  constructor(private readonly db: Database.Database) {}

  /** Every block, for loading the balancer state at startup. */
  list(): FamilyBlock[] {
    return (
      this.db.prepare('SELECT * FROM family_blocks ORDER BY account_id, family').all() as BlockRow[]
    ).map(toBlock);
  }

  forAccount(accountId: string): FamilyBlock[] {
    return (
      this.db
        .prepare('SELECT * FROM family_blocks WHERE account_id = ? ORDER BY family')
        .all(accountId) as BlockRow[]
    ).map(toBlock);
  }

  /** Sets (or moves) the block of one family. */
  upsert(block: FamilyBlock): void {
    this.db
      .prepare(
        `INSERT INTO family_blocks (account_id, family, blocked_at, reset_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id, family) DO UPDATE SET blocked_at = excluded.blocked_at, reset_at = excluded.reset_at`,
      )
      .run(block.accountId, block.family, Math.floor(block.blockedAt), block.resetAt);
  }

  /** Lifts one block. */
  delete(accountId: string, family: string): boolean {
    return (
      this.db.prepare('DELETE FROM family_blocks WHERE account_id = ? AND family = ?').run(accountId, family)
        .changes > 0
    );
  }

  /** Lifts every block whose reset time is before `before` (epoch s). Returns rows deleted. */
  deleteExpired(before: number): number {
    return this.db
      .prepare('DELETE FROM family_blocks WHERE reset_at IS NOT NULL AND reset_at < ?')
      .run(before).changes;
  }
}
