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

/** Builds each insight view from the store's sums. */
export class InsightService {
  constructor(private readonly deps: InsightDeps) {}

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
  usage(q: InsightQuery): UsageInsight {
    const r = this.range(q);
    const { repo } = this.deps;
    const series = new Map<string, UsageInsight['series'][number]>();
    for (const row of repo.usageSeries(r, q.groupBy)) {
      let s = series.get(row.key);
      if (!s) series.set(row.key, (s = { key: row.key, points: [] }));
      s.points.push({ t: row.t, ...totals(row) });
    }
    const bins = repo.ttfbHistogram(r);
    return {
      generatedAt: this.deps.now(),
      from: r.from,
      to: r.to,
      bucket: r.bucket,
      series: [...series.values()],
      totals: totals(repo.usageTotal(r)),
      byAccount: repo.usageBy(r, 'account').map(({ key, ...s }) => ({ accountId: key, ...totals(s) })),
      byModel: repo.usageBy(r, 'model').map(({ key, ...s }) => ({ model: key, ...totals(s) })),
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
  cost(q: InsightQuery): CostInsight {
    const r = this.range(q, 'day');
    const { repo } = this.deps;
    const prices = repo.prices();
    const priced = (model: string, s: UsageSums): number | null => {
      const price = priceFor(model, prices);
      return price === null ? null : costUsd(s, price);
    };
    const perDay = new Map<number, number>();
    for (const row of repo.usagePairs(r, 'bucket')) {
      const t = Number(row.key);
      perDay.set(t, (perDay.get(t) ?? 0) + (priced(row.model, row) ?? 0));
    }
    const byAccount = new Map<string, CostInsight['byAccount'][number]>();
    for (const row of repo.usagePairs(r, 'account')) {
      const a = byAccount.get(row.key) ?? { accountId: row.key, usd: 0, unpricedRequests: 0 };
      const usd = priced(row.model, row);
      if (usd === null) a.unpricedRequests += row.requests;
      else a.usd += usd;
      byAccount.set(row.key, a);
    }
    const byModel = repo.usageBy(r, 'model').map(({ key, ...s }) => ({
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
  conversations(q: InsightQuery): ConversationsInsight {
    const r = this.range(q, 'day');
    const { repo } = this.deps;
    const total = repo.usageTotal(r);
    const fromMs = r.from * 1000;
    const toMs = r.to * 1000;
    return {
      generatedAt: this.deps.now(),
      from: r.from,
      to: r.to,
      turns: total.turns,
      hops: total.hops,
      hopsPer100Turns: total.turns > 0 ? (100 * total.hops) / total.turns : null,
      cachedShare: share(total.cached, total.input),
      perDay: repo.usageSeries(r, 'total').map((d) => ({
        t: d.t,
        turns: d.turns,
        hops: d.hops,
        hopsPer100Turns: d.turns > 0 ? (100 * d.hops) / d.turns : null,
        cachedShare: share(d.cached, d.input),
      })),
      causes: repo.hopCauses(fromMs, toMs),
      conversations: repo.conversations(fromMs, toMs, CONVERSATION_LIST_LIMIT).map((c) => ({
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
