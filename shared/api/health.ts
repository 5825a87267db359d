import { z } from 'zod';

/** `GET /api/health`: the server is up; `demo` is true when it runs against the built-in simulator. */
export const healthSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  demo: z.boolean(),
});
/** Response of `GET /api/health`. */
export type Health = z.infer<typeof healthSchema>;
