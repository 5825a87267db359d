import { z } from 'zod';

/** One proxied request in the history (`GET /api/requests`). Times are epoch seconds. */
export const requestLogEntrySchema = z.object({
  id: z.number().int(),
  /** When the request arrived, epoch seconds with millisecond fraction. */
  time: z.number(),
  accountId: z.string().nullable(),
  route: z.string(),
  model: z.string().nullable(),
  status: z.number().int().nullable(),
  latencyMs: z.number().nullable(),
  ttfbMs: z.number().nullable(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  cachedTokens: z.number().nullable(),
  reasoningTokens: z.number().nullable(),
  errorCode: z.string().nullable(),
  /** Why the balancer chose this account (strategy, sticky hit, failover…). */
  reason: z.string().nullable(),
  attempts: z.number().int(),
  stream: z.boolean(),
});
/** A request history row. */
export type RequestLogEntryDto = z.infer<typeof requestLogEntrySchema>;

/** `GET /api/requests?limit=N`. */
export const requestListSchema = z.object({ requests: z.array(requestLogEntrySchema) });
/** Response of `GET /api/requests`. */
export type RequestList = z.infer<typeof requestListSchema>;

/** Query of `GET /api/requests`. */
export const requestListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
