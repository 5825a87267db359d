import { z } from 'zod';

/**
 * The one error envelope used by every route, proxy and admin alike: the OpenAI shape, so SDK clients
 * surface our messages unchanged (ARCHITECTURE.md "Proxy routes", CONVENTIONS.md habit 9).
 */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.string().nullable(),
    param: z.string().nullable().optional(),
    /** Epoch seconds when a limit resets, on rate-limit and quota errors. */
    resets_at: z.number().optional(),
  }),
});
/** An error response body. */
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
