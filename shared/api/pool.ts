import { z } from 'zod';

/** The pool's headroom in one window (short = 5 h, long = weekly or monthly), capacity-weighted by plan. */
export const poolWindowSchema = z.object({
  window: z.enum(['short', 'long']),
  /** Plan credits of the routable accounts that have data for this window. */
  capacity: z.number(),
  /** Credits left now. */
  remaining: z.number(),
  /** remaining / capacity × 100; null when no capacity is known. */
  headroomPercent: z.number().nullable(),
  /** The earliest future reset among the counted accounts (epoch s), or null. */
  nextResetAt: z.number().nullable(),
  /** Burn over the recent samples, in percent of the pool's capacity per hour. */
  burnPercentPerHour: z.number(),
  /** When the pool runs out at the current burn rate, ignoring resets (epoch s); null when burn is ~0. */
  runsOutAt: z.number().nullable(),
  /** True when `nextResetAt` comes before `runsOutAt`, so the forecast is pessimistic. */
  resetFirst: z.boolean(),
  /** Accounts counted in this window. */
  accounts: z.number(),
});
/** One window of the pool view. */
export type PoolWindow = z.infer<typeof poolWindowSchema>;

/** Response of `GET /api/pool`. */
export const poolViewSchema = z.object({
  /** Server time (epoch s), so clients can show data age without trusting their own clock. */
  now: z.number(),
  short: poolWindowSchema,
  long: poolWindowSchema,
  accounts: z.object({
    total: z.number(),
    /** Not paused, not waiting for a re-login, not deactivated. */
    routable: z.number(),
    /** Routable and not rate-limited or exhausted right now. */
    available: z.number(),
    /** Routable accounts that have never reported quota. */
    withoutData: z.number(),
  }),
  /** The oldest standard sample among routable accounts (epoch s), or null. */
  oldestSampleAt: z.number().nullable(),
});
/** Response of `GET /api/pool`. */
export type PoolView = z.infer<typeof poolViewSchema>;
