import type Database from 'better-sqlite3';
import type { UsageSample, UsageWindow } from '../../../shared/domain';
import type { LatestSample } from './types';

interface SampleRow {
  account_id: string;
  family: string;
  recorded_at: number;
  primary_used_percent: number | null;
  primary_window_minutes: number | null;
  primary_reset_at: number | null;
  secondary_used_percent: number | null;
  secondary_window_minutes: number | null;
  secondary_reset_at: number | null;
  credits_has: number | null;
  credits_unlimited: number | null;
  credits_balance: string | null;
  limit_name: string | null;
}

/** A row of {@link QuotaRepository.chartHistory}, read as an array. */
type ChartRow = [
  recordedAt: number,
  primaryUsed: number | null,
  primaryMinutes: number | null,
  primaryReset: number | null,
  secondaryUsed: number | null,
  secondaryMinutes: number | null,
  secondaryReset: number | null,
];

const CHART_COLUMNS = `recorded_at, primary_used_percent, primary_window_minutes, primary_reset_at,
  secondary_used_percent, secondary_window_minutes, secondary_reset_at`;

const COLUMNS = `account_id, family, recorded_at, primary_used_percent, primary_window_minutes, primary_reset_at,
  secondary_used_percent, secondary_window_minutes, secondary_reset_at, credits_has, credits_unlimited,
  credits_balance, limit_name`;

function windowOf(used: number | null, minutes: number | null, resetAt: number | null): UsageWindow | null {
  if (used === null || minutes === null) return null;
  return { usedPercent: used, windowMinutes: minutes, resetAt };
}

function toSample(row: SampleRow): UsageSample {
  return {
    family: row.family,
    primary: windowOf(row.primary_used_percent, row.primary_window_minutes, row.primary_reset_at),
    secondary: windowOf(row.secondary_used_percent, row.secondary_window_minutes, row.secondary_reset_at),
    credits:
      row.credits_has === null
        ? null
        : {
            hasCredits: row.credits_has === 1,
            unlimited: row.credits_unlimited === 1,
            balance: row.credits_balance,
          },
    limitName: row.limit_name,
    recordedAt: row.recorded_at,
  };
}

const int = (n: number | null | undefined): number | null =>
  n === null || n === undefined ? null : Math.round(n);
const flag = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

/** The `quota_samples` history and its `quota_latest` companion (kept by a trigger). */
export class QuotaRepository {
  // Prepared once: the dashboard reads these on every refresh, and preparing costs more than running them.
  private readonly insertStmt: Database.Statement;
  private readonly latestStmt: Database.Statement;
  private readonly historyStmt: Database.Statement;
  private readonly chartStmt: Database.Statement;
  private readonly recentStmt: Database.Statement;
  private readonly latestBeforeStmt: Database.Statement;
  private readonly pruneStmt: Database.Statement;
  private readonly pageStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO quota_samples (${COLUMNS}) VALUES (
      @account_id, @family, @recorded_at, @primary_used_percent, @primary_window_minutes, @primary_reset_at,
      @secondary_used_percent, @secondary_window_minutes, @secondary_reset_at, @credits_has, @credits_unlimited,
      @credits_balance, @limit_name)`);
    this.latestStmt = db.prepare(`SELECT ${COLUMNS} FROM quota_latest ORDER BY account_id, family`);
    this.historyStmt = db.prepare(
      `SELECT ${COLUMNS} FROM quota_samples WHERE account_id = ? AND family = ? AND recorded_at >= ?
       ORDER BY recorded_at, id`,
    );
    this.chartStmt = db
      .prepare(
        `SELECT ${CHART_COLUMNS} FROM quota_samples WHERE account_id = ? AND family = ? AND recorded_at >= ?
         ORDER BY recorded_at DESC, id DESC LIMIT ?`,
      )
      .raw(true);
    // Walks the time index once for every account (the burn window is short), instead of a query per account.
    this.recentStmt = db
      .prepare(
        `SELECT account_id, ${CHART_COLUMNS} FROM quota_samples WHERE family = ? AND recorded_at >= ?
         ORDER BY recorded_at, id`,
      )
      .raw(true);
    this.latestBeforeStmt = db.prepare(
      `SELECT ${COLUMNS} FROM quota_samples WHERE account_id = ? AND family = ? AND recorded_at < ?
       ORDER BY recorded_at DESC, id DESC LIMIT 1`,
    );
    this.pruneStmt = db.prepare('DELETE FROM quota_samples WHERE recorded_at < ?');
    this.pageStmt = db
      .prepare(
        `SELECT id, account_id, ${CHART_COLUMNS} FROM quota_samples
         WHERE family = ? AND recorded_at < ? AND (recorded_at, id) > (?, ?) ORDER BY recorded_at, id LIMIT ?`,
      )
      .raw(true);
  }

  /**
   * One page of every account's samples of one family recorded before `before`, in time order (then as stored),
   * windows only, after the cursor `(at, id)` of the previous page: a replay of the whole history in short reads.
   */
  page(
    family: string,
    before: number,
    after: { at: number; id: number },
    limit: number,
  ): { id: number; accountId: string; sample: UsageSample }[] {
    const rows = this.pageStmt.all(family, before, after.at, after.id, limit) as [
      number,
      string,
      ...ChartRow,
    ][];
    return rows.map(([id, accountId, ...row]) => ({ id, accountId, sample: chartSample(family, row) }));
  }

  /** Records one sample; the latest-per-family view follows unless the sample is older than the one it has. */
  insert(accountId: string, sample: UsageSample): void {
    const credits = sample.credits ?? null;
    const row: SampleRow = {
      account_id: accountId,
      family: sample.family,
      recorded_at: Math.floor(sample.recordedAt),
      primary_used_percent: sample.primary?.usedPercent ?? null,
      primary_window_minutes: int(sample.primary?.windowMinutes),
      primary_reset_at: int(sample.primary?.resetAt),
      secondary_used_percent: sample.secondary?.usedPercent ?? null,
      secondary_window_minutes: int(sample.secondary?.windowMinutes),
      secondary_reset_at: int(sample.secondary?.resetAt),
      credits_has: flag(credits?.hasCredits),
      credits_unlimited: flag(credits?.unlimited),
      credits_balance: credits?.balance ?? null,
      limit_name: sample.limitName ?? null,
    };
    this.insertStmt.run(row);
  }

  /** The newest sample of every (account, family): one read of a table with one row per pair. */
  latest(): LatestSample[] {
    const rows = this.latestStmt.all() as SampleRow[];
    return rows.map((row) => ({ accountId: row.account_id, sample: toSample(row) }));
  }

  /** Samples of one family since `since` (epoch s, inclusive), oldest first, for charts. */
  history(accountId: string, family: string, since: number): UsageSample[] {
    return (this.historyStmt.all(accountId, family, since) as SampleRow[]).map(toSample);
  }

  /**
   * Every account's samples of one family since `since` (epoch s, inclusive), oldest first, windows only, in one
   * query: what the pool view's burn rate reads for all accounts at once.
   */
  recentByAccount(family: string, since: number): Map<string, UsageSample[]> {
    const out = new Map<string, UsageSample[]>();
    for (const [accountId, ...row] of this.recentStmt.all(family, since) as [string, ...ChartRow][]) {
      let list = out.get(accountId);
      if (list === undefined) out.set(accountId, (list = []));
      list.push(chartSample(family, row));
    }
    return out;
  }

  /**
   * The newest `limit` samples of one family since `since`, oldest first, with their windows only (no credits, no
   * limit name): what a chart draws. A month of one-a-minute samples is ~43,000 rows per account, so this reads
   * backwards along the (account, family, time) index, stops at `limit`, and fetches rows as arrays — about a
   * third of the cost of {@link history} for the same range.
   */
  chartHistory(accountId: string, family: string, since: number, limit: number): UsageSample[] {
    const rows = this.chartStmt.all(accountId, family, since, Math.max(0, Math.floor(limit))) as ChartRow[];
    const samples: UsageSample[] = new Array<UsageSample>(rows.length);
    for (let i = 0; i < rows.length; i += 1) samples[i] = chartSample(family, rows[rows.length - 1 - i]!);
    return samples;
  }

  /** The newest sample of one family strictly before `before` (epoch s): where a chart's series carries from. */
  latestBefore(accountId: string, family: string, before: number): UsageSample | undefined {
    const row = this.latestBeforeStmt.get(accountId, family, before) as SampleRow | undefined;
    return row === undefined ? undefined : toSample(row);
  }

  /** Deletes history older than `olderThan` (epoch s); the latest sample per family is kept. Returns rows deleted. */
  prune(olderThan: number): number {
    return this.pruneStmt.run(olderThan).changes;
  }
}

function chartSample(family: string, row: ChartRow): UsageSample {
  const [at, pUsed, pMinutes, pReset, sUsed, sMinutes, sReset] = row;
  return {
    family,
    primary: windowOf(pUsed, pMinutes, pReset),
    secondary: windowOf(sUsed, sMinutes, sReset),
    recordedAt: at,
  };
}
