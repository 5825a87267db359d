import { z } from 'zod';
import { AFFINITY_CAUSES } from '../domain';

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
  /** The upstream response id (`resp_…`), when one was relayed. */
  responseId: z.string().nullable().optional(),
  /** Short hash of the prompt_cache_key / session, when the request had one. */
  conversation: z.string().nullable().optional(),
  /** How the conversation's account was chosen. */
  affinity: z.enum(AFFINITY_CAUSES).nullable().optional(),
  /** How the client reached the proxy: HTTP (SSE or JSON) or the Responses WebSocket. */
  transport: z.enum(['http', 'websocket']).optional(),
});
/** A request history row. */
export type RequestLogEntryDto = z.infer<typeof requestLogEntrySchema>;

/** `GET /api/requests?limit=N`. */
export const requestListSchema = z.object({
  requests: z.array(requestLogEntrySchema),
  /** How many rows match the filters (all pages). */
  total: z.number().int().optional(),
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: z.number().int().nullable().optional(),
});
/** Response of `GET /api/requests`. */
export type RequestList = z.infer<typeof requestListSchema>;

/**
 * Filters of `GET /api/requests` and `GET /api/requests/export.csv`; every one optional, all must match.
 * `from` / `to` are epoch seconds; `status` is an HTTP status, or `error` for every failed request (a status of
 * 400 or more, or an error code other than `client_disconnected`: a client hanging up is not a failure).
 */
export const requestFilterSchema = z.object({
  accountId: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(100).optional(),
  status: z
    .union([z.literal('error'), z.coerce.number().int().min(100).max(599)], {
      error: 'Expected an HTTP status (100–599) or "error".',
    })
    .optional(),
  errorCode: z.string().min(1).max(100).optional(),
  conversation: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'Expected a 16-digit hex conversation id.')
    .optional(),
  responseId: z.string().min(1).max(200).optional(),
  from: z.coerce.number().min(0).optional(),
  to: z.coerce.number().min(0).optional(),
});
/** Request log filters. */
export type RequestFilter = z.infer<typeof requestFilterSchema>;

/** Query of `GET /api/requests`. */
export const requestListQuerySchema = requestFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
