import { z } from 'zod';

/** Something wrong that the server lives with, e.g. a full disk (`code` is stable, `message` is for people). */
export const healthProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Epoch seconds: since when. */
  since: z.number(),
});
/** One health problem. */
export type HealthProblem = z.infer<typeof healthProblemSchema>;

/**
 * `GET /api/health`: the server is up; `ok` is false while a problem in `problems` lasts (it still answers).
 * `demo` is true when it runs against the built-in simulator.
 */
export const healthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  demo: z.boolean(),
  /** Why `ok` is false; empty when all is well. */
  problems: z.array(healthProblemSchema),
  /**
   * True when the server is bound to a non-loopback address (e.g. 0.0.0.0): it is reachable from the network, so
   * proxy API keys are always required, whatever `requireApiKey` says.
   */
  networkExposed: z.boolean(),
});
/** Response of `GET /api/health`. */
export type Health = z.infer<typeof healthSchema>;
