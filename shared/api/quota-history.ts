import { z } from 'zod';
import { STANDARD_FAMILY } from '../domain';

/** Longest range a history chart may ask for: the 30 days of samples the store keeps. */
export const QUOTA_HISTORY_MAX_HOURS = 720;
/** Range of a history chart when the query does not say. */
export const QUOTA_HISTORY_DEFAULT_HOURS = 24;
/** Most points a history series carries; the server downsamples to this, keeping peaks and the last sample. */
export const QUOTA_HISTORY_MAX_POINTS = 300;

const HOURS_MESSAGE = `Expected a whole number of hours from 1 to ${QUOTA_HISTORY_MAX_HOURS}.`;

/*
 * Query strings arrive as text: coerce, then bound. Every failure names the allowed range, so a user who typed
 * `hours=1w` learns what to send instead of reading "expected number, received NaN".
 */
const hoursSchema = z.coerce
  .number({ error: HOURS_MESSAGE })
  .int(HOURS_MESSAGE)
  .min(1, HOURS_MESSAGE)
  .max(QUOTA_HISTORY_MAX_HOURS, HOURS_MESSAGE)
  .default(QUOTA_HISTORY_DEFAULT_HOURS);

/** Query of `GET /api/accounts/:id/quota-history`. */
export const accountQuotaHistoryQuerySchema = z.object({
  /** Limit family: `codex` for the standard quota, else an additional family's quota key. */
  family: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Expected a limit family such as "codex" or "codex_spark".')
    .default(STANDARD_FAMILY),
  hours: hoursSchema,
});
/** Query of `GET /api/accounts/:id/quota-history`. */
export type AccountQuotaHistoryQuery = z.infer<typeof accountQuotaHistoryQuerySchema>;

/** Query of `GET /api/pool/quota-history`. */
export const poolQuotaHistoryQuerySchema = z.object({ hours: hoursSchema });
/** Query of `GET /api/pool/quota-history`. */
export type PoolQuotaHistoryQuery = z.infer<typeof poolQuotaHistoryQuerySchema>;

/**
 * One point of a quota history: used % of the short (`primary`, 5 h) and long (`secondary`, weekly or monthly)
 * window at time `t` (epoch s). A window whose reset had passed at `t` counts as 0; null when unknown.
 */
export const quotaHistoryPointSchema = z.object({
  t: z.number(),
  primary: z.number().nullable(),
  secondary: z.number().nullable(),
});
/** One point of a quota history. */
export type QuotaHistoryPoint = z.infer<typeof quotaHistoryPointSchema>;

/** A window as of the newest sample: its length and when it resets (null when unknown or already passed). */
export const quotaHistoryWindowSchema = z.object({
  windowMinutes: z.number(),
  resetAt: z.number().nullable(),
});

/** Response of `GET /api/accounts/:id/quota-history`. */
export const accountQuotaHistorySchema = z.object({
  accountId: z.string(),
  family: z.string(),
  /** Display name of the family (`Codex`, `GPT-5.3-Codex-Spark`). */
  label: z.string(),
  /** Server time (epoch s) the history was read at. */
  now: z.number(),
  /** Start of the requested range (epoch s): `now − hours × 3600`. */
  since: z.number(),
  hours: z.number(),
  /** Oldest first; at most {@link QUOTA_HISTORY_MAX_POINTS}; the last one is the newest sample as recorded. */
  points: z.array(quotaHistoryPointSchema),
  /** Samples stored in the range, before downsampling. */
  samples: z.number(),
  /** Oldest and newest sample in the range (epoch s); null when there is none. */
  firstSampleAt: z.number().nullable(),
  lastSampleAt: z.number().nullable(),
  /** The windows of the newest sample in the range. */
  primary: quotaHistoryWindowSchema.nullable(),
  secondary: quotaHistoryWindowSchema.nullable(),
});
/** Response of `GET /api/accounts/:id/quota-history`. */
export type AccountQuotaHistory = z.infer<typeof accountQuotaHistorySchema>;

/** Response of `GET /api/pool/quota-history`: the pool's capacity-weighted standard quota over time. */
export const poolQuotaHistorySchema = z.object({
  now: z.number(),
  since: z.number(),
  hours: z.number(),
  /**
   * Capacity-weighted used % of the accounts in the pool now (not paused, signed out or deactivated), the same
   * weighting as the pooled usage clients see. Each account's sample holds until its next one; the series starts
   * once some account has a sample and ends at `now`.
   */
  points: z.array(quotaHistoryPointSchema),
  /** Accounts counted (in the pool now, with at least one standard sample up to now). */
  accounts: z.number(),
  /** Oldest and newest sample that shaped the series (epoch s); null when there is none. */
  firstSampleAt: z.number().nullable(),
  lastSampleAt: z.number().nullable(),
});
/** Response of `GET /api/pool/quota-history`. */
export type PoolQuotaHistory = z.infer<typeof poolQuotaHistorySchema>;
