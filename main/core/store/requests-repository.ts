import type Database from 'better-sqlite3';
import type { AffinityCause } from '../../../shared/domain';
import type { RequestLogEntry, RequestLogInput, RequestTransport } from './types';

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
  conversation: string | null;
  affinity: string | null;
  response_id: string | null;
  transport: RequestTransport;
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
    responseId: row.response_id,
    conversation: row.conversation,
    affinity: row.affinity as AffinityCause | null,
    transport: row.transport,
  };
}

const int = (n: number | null): number | null => (n === null ? null : Math.round(n));

/**
 * Inserts one request log row; its parameters are {@link requestLogParams}. The log writer thread runs it too, so
 * they are positional: an array crosses to the thread at a fraction of the cost of an object with named fields.
 */
export const REQUEST_LOG_INSERT_SQL = `INSERT INTO request_log (started_at, account_id, route, model, status,
  latency_ms, ttfb_ms, input_tokens, output_tokens, cached_tokens, reasoning_tokens, error_code, reason, attempts,
  stream, response_id, conversation, affinity, transport)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The parameters of {@link REQUEST_LOG_INSERT_SQL} for a row, in column order: whole numbers, SQLite's booleans. */
export function requestLogParams(row: RequestLogInput): (string | number | null)[] {
  return [
    Math.round(row.startedAt),
    row.accountId,
    row.route,
    row.model,
    int(row.status),
    int(row.latencyMs),
    int(row.ttfbMs),
    int(row.inputTokens),
    int(row.outputTokens),
    int(row.cachedTokens),
    int(row.reasoningTokens),
    row.errorCode,
    row.reason,
    Math.round(row.attempts),
    row.stream ? 1 : 0,
    row.responseId ?? null,
    row.conversation ?? null,
    row.affinity ?? null,
    row.transport ?? 'http',
  ];
}

/** Filters of the request log; all that are set must match. Times are epoch ms, `[fromMs, toMs)`. */
export interface RequestLogFilter {
  accountId?: string;
  model?: string;
  /** An HTTP status, or `error` for every request that failed (a status of 400 or more, or an error code other than `client_disconnected`). */
  status?: number | 'error';
  errorCode?: string;
  conversation?: string;
  responseId?: string;
  fromMs?: number;
  toMs?: number;
}

const FILTER_SQL: Record<keyof RequestLogFilter, string> = {
  accountId: 'account_id = @accountId',
  model: 'model = @model',
  status: 'status = @status',
  errorCode: 'error_code = @errorCode',
  conversation: 'conversation = @conversation',
  responseId: 'response_id = @responseId',
  fromMs: 'started_at >= @fromMs',
  toMs: 'started_at < @toMs',
};
/** Must read exactly as the migration's `request_log_failed_time` index, or SQLite will not use it. */
const FAILED_SQL =
  "((error_code IS NOT NULL AND error_code <> 'client_disconnected') OR coalesce(status, 0) >= 400)";

/** The `request_log` table: written in batches off the hot path, pruned by age. */
export class RequestsRepository {
  private readonly insertStmt: Database.Statement;

  /** The other statements, prepared once: the filtered ones per combination of filters used. */
  private readonly filtered = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(REQUEST_LOG_INSERT_SQL);
  }

  /** Inserts rows in one transaction. */
  insertMany(rows: readonly RequestLogInput[]): void {
    this.db
      .transaction(() => {
        for (const row of rows) this.insertStmt.run(requestLogParams(row));
      })
      .immediate();
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

  /**
   * The newest `limit` entries matching `filter` (by start time, then id), older than entry `beforeId` when
   * given. Every filter has an index ending in `started_at`, so a page reads about `limit` rows in index order.
   */
  find(filter: RequestLogFilter, limit: number, beforeId?: number): RequestLogEntry[] {
    const cursor =
      beforeId === undefined
        ? undefined
        : (this.statement('SELECT started_at AS t FROM request_log WHERE id = ?').get(beforeId) as
            { t: number } | undefined);
    const { where, params } = this.where(filter, beforeId, cursor?.t);
    const stmt = this.statement(
      `SELECT * FROM request_log ${where} ORDER BY started_at DESC, id DESC LIMIT @limit`,
    );
    return (stmt.all({ ...params, limit: Math.max(0, Math.floor(limit)) }) as RequestRow[]).map(toEntry);
  }

  /** How many entries match `filter`. With a time range, the filters' `(…, started_at)` indexes bound the work. */
  count(filter: RequestLogFilter): number {
    const { where, params } = this.where(filter);
    return (this.statement(`SELECT count(*) AS n FROM request_log ${where}`).get(params) as { n: number }).n;
  }

  /** When the oldest and the newest logged request started, epoch ms (null when the log is empty). */
  timeBounds(): { min: number; max: number } | null {
    const row = this.statement(
      'SELECT min(started_at) AS min, max(started_at) AS max FROM request_log',
    ).get() as {
      min: number | null;
      max: number | null;
    };
    return row.min === null || row.max === null ? null : { min: row.min, max: row.max };
  }

  /** The WHERE clause of `filter`; with a cursor, only entries after it in (start time, id) descending order. */
  private where(
    filter: RequestLogFilter,
    beforeId?: number,
    beforeStartedAt?: number,
  ): { where: string; params: Record<string, unknown> } {
    const clauses: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(filter) as [keyof RequestLogFilter, unknown][]) {
      if (value === undefined) continue;
      if (name === 'status' && value === 'error') {
        clauses.push(FAILED_SQL);
        continue;
      }
      clauses.push(FILTER_SQL[name]);
      params[name] = value;
    }
    if (beforeId !== undefined && beforeStartedAt !== undefined) {
      clauses.push('(started_at, id) < (@beforeStartedAt, @beforeId)');
      Object.assign(params, { beforeId, beforeStartedAt });
    } else if (beforeId !== undefined) {
      clauses.push('id < @beforeId'); // the cursor's entry was pruned: ids still grow with time
      params.beforeId = beforeId;
    }
    return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.filtered.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.filtered.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Deletes entries that started before `olderThanMs` (epoch ms), and the insight summaries of that time, so
   * the views never count requests the log no longer has. Returns request rows deleted.
   */
  prune(olderThanMs: number): number {
    return this.db
      .transaction(() => {
        const hour = Math.floor(olderThanMs / 3_600_000) * 3600;
        this.statement('DELETE FROM usage_hourly WHERE hour < ?').run(hour);
        this.statement('DELETE FROM ttfb_hourly WHERE hour < ?').run(hour);
        this.statement('DELETE FROM conversation_hops WHERE at < ?').run(olderThanMs);
        this.statement('DELETE FROM conversations WHERE last_at < ?').run(olderThanMs);
        return this.statement('DELETE FROM request_log WHERE started_at < ?').run(olderThanMs).changes;
      })
      .immediate();
  }

  /** How many requests started at or after `sinceMs` (epoch ms). */
  countSince(sinceMs: number): number {
    return (
      this.statement('SELECT count(*) AS n FROM request_log WHERE started_at >= ?').get(sinceMs) as {
        n: number;
      }
    ).n;
  }
}
