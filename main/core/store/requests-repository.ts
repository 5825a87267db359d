import type Database from 'better-sqlite3';
import type { RequestLogEntry, RequestLogInput } from './types';

interface RequestRow {
  id: number;
  started_at: number;
  account_id: string | null;
  route: string;
  model: string | null;
  status: number | null;
  latency_ms: number | null;
  ttfb_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  error_code: string | null;
  reason: string | null;
  attempts: number;
  stream: number;
}

function toEntry(row: RequestRow): RequestLogEntry {
  return {
    id: row.id,
    startedAt: row.started_at,
    accountId: row.account_id,
    route: row.route,
    model: row.model,
    status: row.status,
    latencyMs: row.latency_ms,
    ttfbMs: row.ttfb_ms,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cachedTokens: row.cached_tokens,
    reasoningTokens: row.reasoning_tokens,
    errorCode: row.error_code,
    reason: row.reason,
    attempts: row.attempts,
    stream: row.stream === 1,
  };
}

const int = (n: number | null): number | null => (n === null ? null : Math.round(n));

/** The `request_log` table: written in batches off the hot path, pruned by age. */
export class RequestsRepository {
  // Prepared once: the dashboard's request list reads these on every refresh.
  private readonly insertStmt: Database.Statement;
  private readonly recentStmt: Database.Statement;
  private readonly recentBeforeStmt: Database.Statement;
  private readonly pruneStmt: Database.Statement;
  private readonly countSinceStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.recentStmt = db.prepare('SELECT * FROM request_log ORDER BY id DESC LIMIT ?');
    this.recentBeforeStmt = db.prepare('SELECT * FROM request_log WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.pruneStmt = db.prepare('DELETE FROM request_log WHERE started_at < ?');
    this.countSinceStmt = db.prepare('SELECT count(*) AS n FROM request_log WHERE started_at >= ?');
    this.insertStmt =
      db.prepare(`INSERT INTO request_log (started_at, account_id, route, model, status, latency_ms,
      ttfb_ms, input_tokens, output_tokens, cached_tokens, reasoning_tokens, error_code, reason, attempts, stream)
      VALUES (@startedAt, @accountId, @route, @model, @status, @latencyMs, @ttfbMs, @inputTokens, @outputTokens,
      @cachedTokens, @reasoningTokens, @errorCode, @reason, @attempts, @stream)`);
  }

  /** Inserts rows in one transaction. */
  insertMany(rows: readonly RequestLogInput[]): void {
    this.db.transaction(() => {
      for (const row of rows) {
        this.insertStmt.run({
          ...row,
          startedAt: Math.round(row.startedAt),
          status: int(row.status),
          latencyMs: int(row.latencyMs),
          ttfbMs: int(row.ttfbMs),
          inputTokens: int(row.inputTokens),
          outputTokens: int(row.outputTokens),
          cachedTokens: int(row.cachedTokens),
          reasoningTokens: int(row.reasoningTokens),
          attempts: Math.round(row.attempts),
          stream: row.stream ? 1 : 0,
        });
      }
    })();
  }

  /** Every entry, oldest first (for a backup). */
  all(): RequestLogEntry[] {
    return (this.db.prepare('SELECT * FROM request_log ORDER BY id').all() as RequestRow[]).map(toEntry);
  }

  /**
   * Inserts the rows not already logged — same start time, route and account — so restoring one backup twice
   * does not double the history. Returns how many were added.
   */
  insertMissing(rows: readonly RequestLogInput[]): number {
    const exists = this.db.prepare(
      'SELECT 1 FROM request_log WHERE started_at = ? AND route = ? AND account_id IS ? LIMIT 1',
    );
    const missing = rows.filter(
      (r) => exists.get(Math.round(r.startedAt), r.route, r.accountId) === undefined,
    );
    this.insertMany(missing);
    return missing.length;
  }

  /** The newest `limit` entries, newest first; pass the last id seen as `beforeId` for the next page. */
  recent(limit: number, beforeId?: number): RequestLogEntry[] {
    const n = Math.max(0, Math.floor(limit));
    const rows = (
      beforeId === undefined ? this.recentStmt.all(n) : this.recentBeforeStmt.all(beforeId, n)
    ) as RequestRow[];
    return rows.map(toEntry);
  }

  /** Deletes entries that started before `olderThanMs` (epoch ms). Returns rows deleted. */
  prune(olderThanMs: number): number {
    return this.pruneStmt.run(olderThanMs).changes;
  }

  /** How many requests started at or after `sinceMs` (epoch ms). */
  countSince(sinceMs: number): number {
    return (this.countSinceStmt.get(sinceMs) as { n: number }).n;
  }
}
