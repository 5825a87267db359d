import type Database from 'better-sqlite3';
import type { AffinityCause } from '../../../shared/domain';

/** Summed counts of `usage_hourly` rows. */
export interface UsageSums {
  requests: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  turns: number;
  hops: number;
}

/** Sums of one time bucket (`t`, epoch seconds) and one key (account id, model, or '' for the total). */
export interface UsageBucketRow extends UsageSums {
  t: number;
  key: string;
}

/** Sums of one (account, model) or (bucket, model) pair, for pricing. */
export interface UsagePairRow extends UsageSums {
  key: string;
  model: string;
}

/** A range over the hourly tables: `[from, to)` epoch seconds; buckets of `bucketS` starting at `offsetS`. */
export interface UsageRange {
  from: number;
  to: number;
  bucketS: number;
  /** Seconds added to UTC before bucketing (the viewer's UTC offset), so days start at local midnight. */
  offsetS: number;
}

/** One histogram bin of time to first token (`bucket` b covers [2^(b/8), 2^((b+1)/8)) ms). */
export interface TtfbBin {
  bucket: number;
  n: number;
}

/** A conversation as kept by the insight trigger. Times are epoch ms. */
export interface ConversationRow {
  conversation: string;
  firstAt: number;
  lastAt: number;
  turns: number;
  hops: number;
  input: number;
  cached: number;
  accounts: number;
}

/** One turn of a conversation. `startedAt` is epoch ms. */
export interface ConversationTurnRow {
  id: number;
  startedAt: number;
  accountId: string | null;
  model: string | null;
  status: number | null;
  inputTokens: number | null;
  cachedTokens: number | null;
  affinity: AffinityCause | null;
}

/** A hop as recorded. `at` is epoch ms. */
export interface HopRow {
  requestId: number;
  conversation: string;
  at: number;
  fromAccount: string;
  toAccount: string;
  cause: AffinityCause | null;
  inputBefore: number | null;
  cachedBefore: number | null;
  inputAfter: number | null;
  cachedAfter: number | null;
}

/** A stored price, USD per million tokens. */
export interface PriceRow {
  model: string;
  input: number;
  cachedInput: number;
  output: number;
}

const SUMS = `sum(requests) AS requests, sum(errors) AS errors, sum(input) AS input, sum(cached) AS cached,
  sum(output) AS output, sum(reasoning) AS reasoning, sum(turns) AS turns, sum(hops) AS hops`;
/**
 * The bucket start of an hour row, in UTC seconds, with buckets aligned to the viewer's offset. JS numbers bind
 * as REAL, so the division is truncated explicitly.
 */
const BUCKET = `(CAST((hour + @offsetS) / @bucketS AS INTEGER) * @bucketS - @offsetS)`;
const IN_RANGE = 'hour >= @from AND hour < @to';
const KEY = { total: "''", account: 'account_id', model: 'model' } as const;

/**
 * Reads for the insight views (issue 9). Every statement reads the trigger-kept summary tables
 * (`usage_hourly`, `ttfb_hourly`, `conversations`, `conversation_hops`) or one conversation's rows through its
 * index, so 30 days of history answer in milliseconds and never hold the event loop long. Prepared once.
 */
export class InsightRepository {
  private readonly series: Record<keyof typeof KEY, Database.Statement>;
  private readonly byStmt: Record<'account' | 'model', Database.Statement>;
  private readonly pairStmt: Record<'account' | 'bucket', Database.Statement>;
  private readonly totalStmt: Database.Statement;
  private readonly ttfbStmt: Database.Statement;
  private readonly causesStmt: Database.Statement;
  private readonly listStmt: Database.Statement;
  private readonly turnsStmt: Database.Statement;
  private readonly hopsStmt: Database.Statement;
  private readonly pricesStmt: Database.Statement;
  private readonly insertPrice: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const series = (key: string): Database.Statement =>
      db.prepare(`SELECT ${BUCKET} AS t, ${key} AS key, ${SUMS} FROM usage_hourly WHERE ${IN_RANGE}
        GROUP BY t, key ORDER BY t, key`);
    this.series = { total: series(KEY.total), account: series(KEY.account), model: series(KEY.model) };
    const by = (key: string): Database.Statement =>
      db.prepare(`SELECT ${key} AS key, ${SUMS} FROM usage_hourly WHERE ${IN_RANGE} GROUP BY key
        ORDER BY sum(input) + sum(output) DESC`);
    this.byStmt = { account: by('account_id'), model: by('model') };
    this.pairStmt = {
      account: db.prepare(`SELECT account_id AS key, model, ${SUMS} FROM usage_hourly WHERE ${IN_RANGE}
        GROUP BY account_id, model`),
      bucket: db.prepare(`SELECT ${BUCKET} AS key, model, ${SUMS} FROM usage_hourly WHERE ${IN_RANGE}
        GROUP BY key, model ORDER BY key`),
    };
    this.totalStmt = db.prepare(`SELECT ${SUMS} FROM usage_hourly WHERE ${IN_RANGE}`);
    this.ttfbStmt = db.prepare(
      `SELECT bucket, sum(n) AS n FROM ttfb_hourly WHERE ${IN_RANGE} GROUP BY bucket ORDER BY bucket`,
    );
    this.causesStmt = db.prepare(`SELECT cause, count(*) AS hops FROM conversation_hops
      WHERE at >= @fromMs AND at < @toMs GROUP BY cause ORDER BY hops DESC`);
    this.listStmt =
      db.prepare(`SELECT conversation, first_at AS firstAt, last_at AS lastAt, turns, hops, input,
      cached, (SELECT count(DISTINCT account_id) FROM request_log r WHERE r.conversation = c.conversation) AS accounts
      FROM conversations c WHERE last_at >= @fromMs AND last_at < @toMs ORDER BY last_at DESC LIMIT @limit`);
    this.turnsStmt = db.prepare(`SELECT id, started_at AS startedAt, account_id AS accountId, model, status,
      input_tokens AS inputTokens, cached_tokens AS cachedTokens, affinity FROM request_log
      WHERE conversation = ? ORDER BY id LIMIT ?`);
    this.hopsStmt = db.prepare(`SELECT request_id AS requestId, conversation, at, from_account AS fromAccount,
      to_account AS toAccount, cause, input_before AS inputBefore, cached_before AS cachedBefore,
      input_after AS inputAfter, cached_after AS cachedAfter FROM conversation_hops WHERE conversation = ?
      ORDER BY request_id`);
    this.pricesStmt = db.prepare(
      'SELECT model, input, cached_input AS cachedInput, output FROM model_prices ORDER BY model',
    );
    this.insertPrice = db.prepare(
      'INSERT INTO model_prices VALUES (@model, @input, @cachedInput, @output, @updatedAt)',
    );
  }

  /** Sums per bucket and key (`total` gives one key, ''). */
  usageSeries(range: UsageRange, groupBy: keyof typeof KEY): UsageBucketRow[] {
    return this.series[groupBy].all(range) as UsageBucketRow[];
  }

  /** Sums per account ('' = requests no account served) or per model ('' = unknown), largest first. */
  usageBy(range: UsageRange, by: 'account' | 'model'): (UsageSums & { key: string })[] {
    return this.byStmt[by].all(range) as (UsageSums & { key: string })[];
  }

  /** Sums per (account, model) or per (bucket, model): what pricing needs. */
  usagePairs(range: UsageRange, by: 'account' | 'bucket'): UsagePairRow[] {
    return (this.pairStmt[by].all(range) as UsagePairRow[]).map((r) => ({ ...r, key: String(r.key) }));
  }

  /** Sums over the whole range (zeros when empty). */
  usageTotal(range: UsageRange): UsageSums {
    const row = this.totalStmt.get(range) as Record<keyof UsageSums, number | null>;
    return {
      requests: row.requests ?? 0,
      errors: row.errors ?? 0,
      input: row.input ?? 0,
      cached: row.cached ?? 0,
      output: row.output ?? 0,
      reasoning: row.reasoning ?? 0,
      turns: row.turns ?? 0,
      hops: row.hops ?? 0,
    };
  }

  /** The time-to-first-token histogram over the range. */
  ttfbHistogram(range: UsageRange): TtfbBin[] {
    return this.ttfbStmt.all(range) as TtfbBin[];
  }

  /** Hops per cause in `[fromMs, toMs)`. */
  hopCauses(fromMs: number, toMs: number): { cause: AffinityCause | null; hops: number }[] {
    return this.causesStmt.all({ fromMs, toMs }) as { cause: AffinityCause | null; hops: number }[];
  }

  /** Conversations last active in `[fromMs, toMs)`, most recent first. */
  conversations(fromMs: number, toMs: number, limit: number): ConversationRow[] {
    return this.listStmt.all({ fromMs, toMs, limit }) as ConversationRow[];
  }

  /** One conversation's turns, oldest first (at most `limit`). */
  conversationTurns(conversation: string, limit: number): ConversationTurnRow[] {
    return this.turnsStmt.all(conversation, limit) as ConversationTurnRow[];
  }

  /** One conversation's hops, oldest first. */
  conversationHops(conversation: string): HopRow[] {
    return this.hopsStmt.all(conversation) as HopRow[];
  }

  /** The price table. */
  prices(): PriceRow[] {
    return this.pricesStmt.all() as PriceRow[];
  }

  /** Replaces the whole price table in one transaction. */
  replacePrices(prices: readonly PriceRow[], updatedAt: number): void {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM model_prices').run();
        for (const p of prices) this.insertPrice.run({ ...p, updatedAt });
      })
      .immediate();
  }
}
