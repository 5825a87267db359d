/**
 * The `/wham/usage` response (PROTOCOL.md §9), validated with zod so a malformed payload is a typed error.
 * Additional limits keep their raw `limit_name` / `metered_feature`: canonicalising them to quota keys through
 * the gated-model registry is the balancer's job (BALANCER.md §5.1).
 */
import { z } from 'zod';
import type { Credits, UsageSample, UsageWindow } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import { DEFAULT_WINDOW_MINUTES, normalizeWindows, parseBalance, parseBool } from './usage-windows';

/** A number sent as a JSON number or a numeric string. */
const looseNumber = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const optNumber = looseNumber.nullish();
const looseBool = z.union([z.boolean(), z.number(), z.string()]).nullish();

const windowSchema = z
  .object({
    used_percent: looseNumber,
    limit_window_seconds: optNumber,
    reset_after_seconds: optNumber,
    reset_at: optNumber,
  })
  .nullish();

const rateLimitSchema = z
  .object({
    allowed: looseBool,
    limit_reached: looseBool,
    primary_window: windowSchema,
    secondary_window: windowSchema,
  })
  .nullish();

const creditsSchema = z
  .object({
    has_credits: looseBool,
    unlimited: looseBool,
    balance: z.union([z.string(), z.number()]).nullish(),
  })
  .nullish();

const usageSchema = z.object({
  plan_type: z.string().nullish(),
  workspace_id: z.string().nullish(),
  workspace_label: z.string().nullish(),
  seat_type: z.string().nullish(),
  rate_limit: rateLimitSchema,
  credits: creditsSchema,
  rate_limit_reached_type: z.object({ kind: z.string().nullish() }).nullish(),
  rate_limit_reset_credits: z.object({ available_count: optNumber }).nullish(),
  additional_rate_limits: z
    .array(
      z.object({
        limit_name: z.string().nullish(),
        metered_feature: z.string().nullish(),
        rate_limit: rateLimitSchema,
      }),
    )
    .nullish(),
});

type WindowInput = z.infer<typeof windowSchema>;
type RateLimitInput = z.infer<typeof rateLimitSchema>;

/** One `additional_rate_limits` entry, with its raw identifiers. */
export interface AdditionalUsage {
  /** Raw `limit_name`, e.g. `codex_other` or `GPT-5.3-Codex-Spark`. */
  limitName: string | null;
  /** Raw `metered_feature`, e.g. `codex_bengalfox`. */
  meteredFeature: string | null;
  allowed: boolean | null;
  limitReached: boolean | null;
  /** Its sample; `family` is the raw `limit_name`, else `metered_feature`. Also listed in `samples`. */
  sample: UsageSample;
}

/** A parsed usage payload. */
export interface UsagePayload {
  /** `plan_type` as sent (lower-cased), or null. */
  planType: string | null;
  /** The standard family first (when `rate_limit` was present), then each additional limit. */
  samples: UsageSample[];
  /** Standard-family `allowed` / `limit_reached`, null when absent. */
  allowed: boolean | null;
  limitReached: boolean | null;
  additional: AdditionalUsage[];
  credits: Credits | null;
  workspace: { id: string | null; label: string | null; seatType: string | null };
  /** `rate_limit_reached_type.kind`, e.g. `rate_limit_reached` or `workspace_owner_credits_depleted`. */
  rateLimitReachedKind: string | null;
  /** `rate_limit_reset_credits.available_count`: limit resets the account may still use; null when absent. */
  resetCredits: number | null;
}

/** Result of {@link parseUsagePayload}. */
export type UsagePayloadResult =
  { ok: true; value: UsagePayload } | { ok: false; code: 'invalid_usage_payload'; message: string };

/**
 * Window from §9 fields: `reset_at` wins, else now + `reset_after_seconds`; minutes =
 * ceil(`limit_window_seconds` / 60), defaulting per slot.
 */
function toWindow(w: WindowInput, defaultMinutes: number, now: number): UsageWindow | null {
  if (w === null || w === undefined) return null;
  let resetAt: number | null = null;
  if (w.reset_at !== null && w.reset_at !== undefined && w.reset_at > 0) resetAt = Math.ceil(w.reset_at);
  else if (
    w.reset_after_seconds !== null &&
    w.reset_after_seconds !== undefined &&
    w.reset_after_seconds >= 0
  ) {
    resetAt = Math.ceil(now + w.reset_after_seconds);
  }
  const secs = w.limit_window_seconds;
  const windowMinutes =
    secs !== null && secs !== undefined && secs > 0 ? Math.ceil(secs / 60) : defaultMinutes;
  return { usedPercent: w.used_percent, windowMinutes, resetAt };
}

function toSample(family: string, rl: RateLimitInput, now: number): UsageSample {
  const windows = normalizeWindows(
    toWindow(rl?.primary_window, DEFAULT_WINDOW_MINUTES.primary, now),
    toWindow(rl?.secondary_window, DEFAULT_WINDOW_MINUTES.secondary, now),
  );
  return { family, ...windows, recordedAt: now };
}

/** A count as a whole number ≥ 0; anything else (negative, fractional, absent) is unknown, not a promise. */
function resetCreditCount(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isInteger(v) && v >= 0 ? v : null;
}

const boolOrNull = (v: unknown): boolean | null => parseBool(v) ?? null;

/** Parses a `/wham/usage` JSON body recorded at `now` (epoch s). */
export function parseUsagePayload(json: unknown, now: number): UsagePayloadResult {
  const parsed = usageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue !== undefined && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return {
      ok: false,
      code: 'invalid_usage_payload',
      message: `Malformed usage payload${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const p = parsed.data;
  let credits: Credits | null = null;
  if (p.credits !== null && p.credits !== undefined) {
    credits = {
      hasCredits: parseBool(p.credits.has_credits) ?? false,
      unlimited: parseBool(p.credits.unlimited) ?? false,
      balance: parseBalance(p.credits.balance),
    };
  }
  const resetCredits = resetCreditCount(p.rate_limit_reset_credits?.available_count);
  const samples: UsageSample[] = [];
  if (p.rate_limit !== null && p.rate_limit !== undefined) {
    const standard = toSample(STANDARD_FAMILY, p.rate_limit, now);
    if (credits !== null) standard.credits = credits;
    if (resetCredits !== null) standard.resetCredits = resetCredits;
    samples.push(standard);
  }
  const additional: AdditionalUsage[] = [];
  for (const entry of p.additional_rate_limits ?? []) {
    const limitName = entry.limit_name ?? null;
    const meteredFeature = entry.metered_feature ?? null;
    const family = limitName ?? meteredFeature;
    if (family === null || family === '') continue; // nothing to key it by
    const sample = toSample(family, entry.rate_limit, now);
    if (limitName !== null) sample.limitName = limitName;
    samples.push(sample);
    additional.push({
      limitName,
      meteredFeature,
      allowed: boolOrNull(entry.rate_limit?.allowed),
      limitReached: boolOrNull(entry.rate_limit?.limit_reached),
      sample,
    });
  }
  return {
    ok: true,
    value: {
      planType: p.plan_type ? p.plan_type.toLowerCase() : null,
      samples,
      allowed: boolOrNull(p.rate_limit?.allowed),
      limitReached: boolOrNull(p.rate_limit?.limit_reached),
      additional,
      credits,
      workspace: {
        id: p.workspace_id ?? null,
        label: p.workspace_label ?? null,
        seatType: p.seat_type ?? null,
      },
      rateLimitReachedKind: p.rate_limit_reached_type?.kind ?? null,
      resetCredits,
    },
  };
}
