/**
 * The insight views (issue 9): tokens over time, estimated cost, prompt cache and conversations. The store sums
 * (in SQL, over the trigger-kept hourly tables); this module shapes the answers and prices them.
 */
import {
  INSIGHT_RANGE_SECONDS,
  type ConversationDetail,
  type ConversationsInsight,
  type CostInsight,
  type InsightQuery,
  type ModelPrice,
  type PriceTable,
  type TokenTotals,
  type UsageInsight,
} from '../../../shared/api';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { InsightRepository, UsageRange, UsageSums } from '../store';
import { costUsd, priceFor } from './cost';
import { histogramPercentile } from './percentile';

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Conversations listed at most. */
const CONVERSATION_LIST_LIMIT = 100;
/** Turns of one conversation shown at most. */
const CONVERSATION_TURNS_LIMIT = 2000;

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const shareOrNull = (part: number | null, whole: number | null): number | null =>
  part === null || whole === null ? null : share(part, whole);

function totals(s: UsageSums): TokenTotals {
  return {
    requests: s.requests,
    errors: s.errors,
    input: s.input,
    cached: s.cached,
    output: s.output,
    reasoning: s.reasoning,
  };
}

/** What the insight service reads. */
export interface InsightDeps {
  repo: InsightRepository;
  /** Epoch seconds. */
  now: () => number;
  /** Commits queued log rows first, so a view includes the request that just finished. */
  flush: () => void;
}

const SUM_FIELDS = ['requests', 'errors', 'input', 'cached', 'output', 'reasoning', 'turns', 'hops'] as const;

/** Adds up rows with the same key (partial sums of different days). */
function mergeSums<R extends UsageSums>(rows: readonly R[], keyOf: (row: R) => string): R[] {
  const merged = new Map<string, R>();
  for (const row of rows) {
    const key = keyOf(row);
    const into = merged.get(key);
    if (into === undefined) merged.set(key, { ...row });
    else for (const f of SUM_FIELDS) into[f] += row[f];
  }
  return [...merged.values()];
}

function mergeTtfb(bins: readonly { bucket: number; n: number }[]): { bucket: number; n: number }[] {
  const merged = new Map<number, number>();
  for (const b of bins) merged.set(b.bucket, (merged.get(b.bucket) ?? 0) + b.n);
  return [...merged].map(([bucket, n]) => ({ bucket, n }));
}

const bySize = (a: UsageSums, b: UsageSums): number => b.input + b.output - (a.input + a.output);

/**
 * Builds each insight view from the store's sums. The hourly summaries are read one local day at a time, the
 * event loop getting a turn before each statement: 30 days of a large pool cost 30 short statements, and
 * proxied requests and `/api/health` are served in between rather than queued behind the whole view. Day
 * spans never split a bucket (hour or local day), so per-bucket rows are final and only the per-account and
 * per-model sums are added up here.
 */
export class InsightService {
  constructor(private readonly deps: InsightDeps) {}

  private async read<T>(statement: (repo: InsightRepository) => T): Promise<T> {
    await yieldToLoop();
    return statement(this.deps.repo);
  }

  private async byDay<T>(
    r: UsageRange,
    statement: (repo: InsightRepository, day: UsageRange) => T[],
  ): Promise<T[]> {
    const rows: T[] = [];
    for (let from = r.from; from < r.to;) {
      const to = Math.min(r.to, (Math.floor((from + r.offsetS) / DAY) + 1) * DAY - r.offsetS);
      await yieldToLoop();
      for (const row of statement(this.deps.repo, { ...r, from, to })) rows.push(row);
      from = to;
    }
    return rows;
  }

  private async total(r: UsageRange): Promise<UsageSums> {
    const days = await this.byDay(r, (repo, d) => [{ ...repo.usageTotal(d), key: '' }]);
    const [sum] = mergeSums(days, () => '');
    return sum ?? { requests: 0, errors: 0, input: 0, cached: 0, output: 0, reasoning: 0, turns: 0, hops: 0 };
  }

  private async sumsBy(r: UsageRange, by: 'account' | 'model'): Promise<(UsageSums & { key: string })[]> {
    return mergeSums(await this.byDay(r, (repo, d) => repo.usageBy(d, by)), (row) => row.key).sort(bySize);
  }

  private range(q: InsightQuery, bucket?: 'hour' | 'day'): UsageRange & { bucket: 'hour' | 'day' } {
    this.deps.flush();
    const b = bucket ?? q.bucket ?? (q.range === '24h' ? 'hour' : 'day');
    // Whole hours: the summaries are hourly. The current hour is included.
    const to = (Math.floor(this.deps.now() / HOUR) + 1) * HOUR;
    return {
      from: to - INSIGHT_RANGE_SECONDS[q.range],
      to,
      bucketS: b === 'hour' ? HOUR : DAY,
      offsetS: q.utcOffsetHours * HOUR,
      bucket: b,
    };
  }

  /** Tokens, requests and errors over time, per account or model; time to first token. */
  async usage(q: InsightQuery): Promise<UsageInsight> {
    const r = this.range(q);
    const series = new Map<string, UsageInsight['series'][number]>();
    for (const row of await this.byDay(r, (repo, d) => repo.usageSeries(d, q.groupBy))) {
      let s = series.get(row.key);
      if (!s) series.set(row.key, (s = { key: row.key, points: [] }));
      s.points.push({ t: row.t, ...totals(row) });
    }
    const bins = mergeTtfb(await this.byDay(r, (repo, d) => repo.ttfbHistogram(d)));
    const total = await this.total(r);
    const byAccount = await this.sumsBy(r, 'account');
    const byModel = await this.sumsBy(r, 'model');
    return {
      generatedAt: this.deps.now(),
      from: r.from,
      to: r.to,
      bucket: r.bucket,
      series: [...series.values()],
      totals: totals(total),
      byAccount: byAccount.map(({ key, ...s }) => ({ accountId: key, ...totals(s) })),
      byModel: byModel.map(({ key, ...s }) => ({ model: key, ...totals(s) })),
      ttfbMs: {
        p50: histogramPercentile(bins, 0.5),
        p95: histogramPercentile(bins, 0.95),
        samples: bins.reduce((n, b) => n + b.n, 0),
      },
    };
  }

  /** The price table. */
  prices(): PriceTable {
    return { prices: this.deps.repo.prices() };
  }

  /** Replaces the price table; on disk when this returns. Duplicate model names: the last one wins. */
  setPrices(table: PriceTable): PriceTable {
    const byName = new Map<string, ModelPrice>();
    for (const p of table.prices) byName.set(p.model.trim().toLowerCase(), { ...p, model: p.model.trim() });
    this.deps.repo.replacePrices([...byName.values()], this.deps.now());
    return this.prices();
  }

  /** What the range's tokens would have cost at the table's prices, per day, account and model. */
  async cost(q: InsightQuery): Promise<CostInsight> {
    const r = this.range(q, 'day');
    const prices = this.deps.repo.prices();
    const priced = (model: string, s: UsageSums): number | null => {
      const price = priceFor(model, prices);
      return price === null ? null : costUsd(s, price);
    };
    const perDay = new Map<number, number>();
    for (const row of await this.byDay(r, (repo, d) => repo.usagePairs(d, 'bucket'))) {
      const t = Number(row.key);
      perDay.set(t, (perDay.get(t) ?? 0) + (priced(row.model, row) ?? 0));
    }
    const byAccount = new Map<string, CostInsight['byAccount'][number]>();
    const pairs = await this.byDay(r, (repo, d) => repo.usagePairs(d, 'account'));
    for (const row of mergeSums(pairs, (p) => `${p.key}\u0000${p.model}`)) {
      const a = byAccount.get(row.key) ?? { accountId: row.key, usd: 0, unpricedRequests: 0 };
      const usd = priced(row.model, row);
      if (usd === null) a.unpricedRequests += row.requests;
      else a.usd += usd;
      byAccount.set(row.key, a);
    }
    const byModel = (await this.sumsBy(r, 'model')).map(({ key, ...s }) => ({
      model: key,
      ...totals(s),
      usd: priced(key, s),
      price: priceFor(key, prices),
    }));
    return {
      generatedAt: this.deps.now(),
      from: r.from,
      to: r.to,
      currency: 'USD',
      estimate: true,
      totalUsd: byModel.reduce((sum, m) => sum + (m.usd ?? 0), 0),
      unpricedRequests: byModel.reduce((n, m) => n + (m.usd === null ? m.requests : 0), 0),
      perDay: [...perDay].map(([t, usd]) => ({ t, usd })),
      byAccount: [...byAccount.values()].sort((a, b) => b.usd - a.usd),
      byModel,
    };
  }

  /** Pool-wide cache share and hops per day, hop causes, and the most recent conversations. */
  async conversations(q: InsightQuery): Promise<ConversationsInsight> {
    const r = this.range(q, 'day');
    const fromMs = r.from * 1000;
    const toMs = r.to * 1000;
    const total = await this.total(r);
    const perDay = await this.byDay(r, (repo, d) => repo.usageSeries(d, 'total'));
    const causes = await this.read((repo) => repo.hopCauses(fromMs, toMs));
    const list = await this.read((repo) => repo.conversations(fromMs, toMs, CONVERSATION_LIST_LIMIT));
    return {
      generatedAt: this.deps.now(),
      from: r.from,
      to: r.to,
      turns: total.turns,
      hops: total.hops,
      hopsPer100Turns: total.turns > 0 ? (100 * total.hops) / total.turns : null,
      cachedShare: share(total.cached, total.input),
      perDay: perDay.map((d) => ({
        t: d.t,
        turns: d.turns,
        hops: d.hops,
        hopsPer100Turns: d.turns > 0 ? (100 * d.hops) / d.turns : null,
        cachedShare: share(d.cached, d.input),
      })),
      causes,
      conversations: list.map((c) => ({
        conversation: c.conversation,
        firstAt: c.firstAt / 1000,
        lastAt: c.lastAt / 1000,
        turns: c.turns,
        hops: c.hops,
        accounts: c.accounts,
        cachedShare: share(c.cached, c.input),
      })),
    };
  }

  /** One conversation's turns and hops, or null when the log has none. */
  conversation(id: string): ConversationDetail | null {
    this.deps.flush();
    const { repo } = this.deps;
    const turns = repo.conversationTurns(id, CONVERSATION_TURNS_LIMIT);
    if (turns.length === 0) return null;
    const accounts = [...new Set(turns.map((t) => t.accountId).filter((a): a is string => a !== null))];
    return {
      conversation: id,
      accounts,
      turns: turns.map(({ id: requestId, startedAt, ...t }) => ({ requestId, time: startedAt / 1000, ...t })),
      hops: repo.conversationHops(id).map((h) => ({
        requestId: h.requestId,
        time: h.at / 1000,
        fromAccountId: h.fromAccount,
        toAccountId: h.toAccount,
        cause: h.cause,
        cachedShareBefore: shareOrNull(h.cachedBefore, h.inputBefore),
        cachedShareAfter: shareOrNull(h.cachedAfter, h.inputAfter),
      })),
    };
  }
}
