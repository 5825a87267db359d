import { z } from 'zod';
import { AFFINITY_CAUSES } from '../domain';

/** The ranges the insight views offer. */
export const INSIGHT_RANGES = ['24h', '7d', '30d'] as const;
/** An insight range. */
export type InsightRange = (typeof INSIGHT_RANGES)[number];
/** Seconds in each range. */
export const INSIGHT_RANGE_SECONDS: Record<InsightRange, number> = {
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
  '30d': 30 * 24 * 3600,
};

/** Query of the insight views. Days start at local midnight when `utcOffsetHours` gives the viewer's offset. */
export const insightQuerySchema = z.object({
  range: z.enum(INSIGHT_RANGES, { error: 'Expected range 24h, 7d or 30d.' }).default('24h'),
  /** Bucket width; by default hours for 24 h and days otherwise. */
  bucket: z.enum(['hour', 'day'], { error: 'Expected bucket hour or day.' }).optional(),
  /** One series per account or per model, or a single total. */
  groupBy: z
    .enum(['total', 'account', 'model'], { error: 'Expected groupBy total, account or model.' })
    .default('total'),
  utcOffsetHours: z.coerce
    .number({ error: 'Expected a whole number of hours from -12 to 14.' })
    .int('Expected a whole number of hours from -12 to 14.')
    .min(-12, 'Expected a whole number of hours from -12 to 14.')
    .max(14, 'Expected a whole number of hours from -12 to 14.')
    .default(0),
});
/** Query of the insight views. */
export type InsightQuery = z.infer<typeof insightQuerySchema>;

/** Token counts. `cached` is part of `input`, `reasoning` part of `output` (as upstream reports them). */
export const tokenTotalsSchema = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  input: z.number().int(),
  cached: z.number().int(),
  output: z.number().int(),
  reasoning: z.number().int(),
});
/** Token and request counts. */
export type TokenTotals = z.infer<typeof tokenTotalsSchema>;

/** `GET /api/insight/usage`: tokens over time. Times are epoch seconds (bucket starts). */
export const usageInsightSchema = z.object({
  /** When the answer was computed: the data is this old. */
  generatedAt: z.number(),
  from: z.number(),
  to: z.number(),
  bucket: z.enum(['hour', 'day']),
  /** One per account, model, or a single `total`; `key` is the account id ('' = none) or the model. */
  series: z.array(
    z.object({ key: z.string(), points: z.array(tokenTotalsSchema.extend({ t: z.number() })) }),
  ),
  totals: tokenTotalsSchema,
  byAccount: z.array(tokenTotalsSchema.extend({ accountId: z.string() })),
  byModel: z.array(tokenTotalsSchema.extend({ model: z.string() })),
  /**
   * Time to first token, read from a log-scale histogram (within 5 %); null without samples.
   */
  ttfbMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), samples: z.number().int() }),
});
/** Response of `GET /api/insight/usage`. */
export type UsageInsight = z.infer<typeof usageInsightSchema>;

/** One model's price in USD per million tokens. */
export const modelPriceSchema = z.object({
  model: z.string().trim().min(1, 'Expected a model name.').max(100),
  input: z.number().min(0).max(10_000),
  cachedInput: z.number().min(0).max(10_000),
  output: z.number().min(0).max(10_000),
});
/** A model's price. */
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** `GET` / `PUT /api/insight/prices`: the whole table (a PUT replaces it). */
export const priceTableSchema = z.object({
  prices: z.array(modelPriceSchema).max(500),
});
/** The price table. */
export type PriceTable = z.infer<typeof priceTableSchema>;

/** `GET /api/insight/cost`: what the tokens would have cost on the API. An estimate. */
export const costInsightSchema = z.object({
  generatedAt: z.number(),
  from: z.number(),
  to: z.number(),
  currency: z.literal('USD'),
  /** Always true: list prices applied to token counts, not a bill. */
  estimate: z.literal(true),
  totalUsd: z.number(),
  /** Requests whose model has no price: not in any sum. */
  unpricedRequests: z.number().int(),
  perDay: z.array(z.object({ t: z.number(), usd: z.number() })),
  byAccount: z.array(
    z.object({ accountId: z.string(), usd: z.number(), unpricedRequests: z.number().int() }),
  ),
  /** `usd` and `price` are null for a model with no price. */
  byModel: z.array(
    tokenTotalsSchema.extend({
      model: z.string(),
      usd: z.number().nullable(),
      price: modelPriceSchema.nullable(),
    }),
  ),
});
/** Response of `GET /api/insight/cost`. */
export type CostInsight = z.infer<typeof costInsightSchema>;

/** One conversation in the list. */
export const conversationSummarySchema = z.object({
  /** Short hash of its prompt_cache_key / session. */
  conversation: z.string(),
  firstAt: z.number(),
  lastAt: z.number(),
  turns: z.number().int(),
  hops: z.number().int(),
  accounts: z.number().int(),
  /** Cached input / input over its turns; null without input. */
  cachedShare: z.number().nullable(),
});

/** `GET /api/insight/conversations`: prompt cache and hops, pool-wide and per conversation. */
export const conversationsInsightSchema = z.object({
  generatedAt: z.number(),
  from: z.number(),
  to: z.number(),
  turns: z.number().int(),
  hops: z.number().int(),
  hopsPer100Turns: z.number().nullable(),
  cachedShare: z.number().nullable(),
  perDay: z.array(
    z.object({
      t: z.number(),
      turns: z.number().int(),
      hops: z.number().int(),
      hopsPer100Turns: z.number().nullable(),
      cachedShare: z.number().nullable(),
    }),
  ),
  causes: z.array(z.object({ cause: z.enum(AFFINITY_CAUSES).nullable(), hops: z.number().int() })),
  /** The most recently active conversations (up to 100). */
  conversations: z.array(conversationSummarySchema),
});
/** Response of `GET /api/insight/conversations`. */
export type ConversationsInsight = z.infer<typeof conversationsInsightSchema>;

/** One hop: the turn that moved to another account, with the cache share of the turn before and of itself. */
export const conversationHopSchema = z.object({
  requestId: z.number().int(),
  time: z.number(),
  fromAccountId: z.string(),
  toAccountId: z.string(),
  cause: z.enum(AFFINITY_CAUSES).nullable(),
  cachedShareBefore: z.number().nullable(),
  cachedShareAfter: z.number().nullable(),
});
/** A hop. */
export type ConversationHop = z.infer<typeof conversationHopSchema>;

/** `GET /api/insight/conversations/:id`: one conversation's turns and hops. */
export const conversationDetailSchema = z.object({
  conversation: z.string(),
  accounts: z.array(z.string()),
  turns: z.array(
    z.object({
      requestId: z.number().int(),
      time: z.number(),
      accountId: z.string().nullable(),
      model: z.string().nullable(),
      status: z.number().nullable(),
      inputTokens: z.number().nullable(),
      cachedTokens: z.number().nullable(),
      affinity: z.enum(AFFINITY_CAUSES).nullable(),
    }),
  ),
  hops: z.array(conversationHopSchema),
});
/** Response of `GET /api/insight/conversations/:id`. */
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

/** A conversation id in a path or filter: the log's 16 hex digits. */
export const conversationIdSchema = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'Expected a 16-digit hex conversation id.');
