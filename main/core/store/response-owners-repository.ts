import type Database from 'better-sqlite3';

/** Records a response's owner: `[responseId, accountId, createdAt]` (epoch s). The log writer thread runs it too. */
export const RESPONSE_OWNER_RECORD_SQL = `INSERT INTO response_owners (response_id, account_id, created_at)
  VALUES (?, ?, ?)
  ON CONFLICT (response_id) DO UPDATE SET account_id = excluded.account_id, created_at = excluded.created_at`;

/** The `response_owners` table: which account produced a response id, for `previous_response_id` continuity. */
export class ResponseOwnersRepository {
  private readonly recordStmt: Database.Statement<[string, string, number]>;
  private readonly ownerStmt: Database.Statement<[string], { account_id: string }>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.recordStmt = db.prepare(RESPONSE_OWNER_RECORD_SQL);
    this.ownerStmt = db.prepare('SELECT account_id FROM response_owners WHERE response_id = ?');
  }

  /** Records that `accountId` owns `responseId` (at `at`, epoch s, default now). */
  record(responseId: string, accountId: string, at: number = this.now()): void {
    this.recordStmt.run(responseId, accountId, Math.floor(at));
  }

  /** The owning account id, or null when unknown (never recorded, pruned, or account deleted). */
  owner(responseId: string): string | null {
    return this.ownerStmt.get(responseId)?.account_id ?? null;
  }

  /** Drops records created before `before` (epoch s). Returns rows deleted. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM response_owners WHERE created_at < ?').run(before).changes;
  }
}
