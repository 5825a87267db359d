/**
 * Every numeric constant of BALANCER.md in one place, so a reviewer can check them against the spec at a glance.
 * Times are seconds; percentages are 0–100.
 */

/** Effective usage adds this many points per request in flight on the account (§0). */
export const IN_FLIGHT_PENALTY = 2.5;
/** Upstream resets further ahead than this are treated as missing (§1.3). */
export const MAX_RESET_AHEAD = 366 * 86_400;

/** Minimum `reset_at` distance for a usage limit without a "try again" hint (§1.3). */
export const MIN_USAGE_LIMIT_RESET = 30;
/** Base of the jittered 429 delay: 0.2 s × 2^(n−1) × U(0.9, 1.1) (§1.3). */
export const RATE_LIMIT_BASE_DELAY = 0.2;
/** Quota error cooldown (§1.3). */
export const QUOTA_COOLDOWN = 120;
/** Quota `reset_at` when upstream gives none (§1.3). */
export const QUOTA_DEFAULT_RESET = 3600;
/** After a restart the rate-limit cooldown is unknown; usage recovery waits this long after `blocked_at` (§1.5). */
export const RESTART_COOLDOWN_FALLBACK = 30;

/** Error backoff starts at this many errors (§1.6). */
export const BACKOFF_MIN_ERRORS = 3;
/** First backoff step (§1.6). */
export const BACKOFF_BASE = 30;
/** Backoff ceiling (§1.6). */
export const BACKOFF_MAX = 300;

/** Health: drain at raw short-window use ≥ this (not for free plans) (§1.7). */
export const DRAIN_SHORT_PERCENT = 85;
/** Health: drain at raw long-window use ≥ this (§1.7). */
export const DRAIN_LONG_PERCENT = 90;
/** Health: drain at this many errors… (§1.7) */
export const DRAIN_ERROR_COUNT = 2;
/** …when the last one is younger than this (§1.7). */
export const DRAIN_ERROR_WINDOW = 60;
/** Draining → probing after this long without a drain condition (§1.7). */
export const DRAIN_MIN_DURATION = 60;
/** A probing account is due when not selected for this long (§1.7). */
export const PROBE_INTERVAL = 60;
/** Probing → healthy after this many consecutive successes (§1.7). */
export const PROBE_SUCCESSES = 3;

/** Over budget = effective P strictly above this (§4.3, §6.2). */
export const BUDGET_PERCENT = 95;
/** prefer_earlier_reset / reset_drain bucket for an unknown reset (§4.1, §3.7). */
export const UNKNOWN_BUCKET = 10_000;
/** One day, the prefer_earlier_reset bucket width (§4.1). */
export const DAY = 86_400;
/** relative_availability: seconds to reset when unknown (§3.5). */
export const RELATIVE_UNKNOWN_RESET = 604_800;
/** relative_availability: floor on seconds to reset (§3.5). */
export const RELATIVE_MIN_RESET = 300;
/** relative_availability: weights below this are dropped (§3.5). */
export const RELATIVE_MIN_WEIGHT = 0.1;
/** relative_availability: draw among this many (§3.5). */
export const RELATIVE_TOP_N = 5;

/** Gate freshness (§5.3). */
export const GATE_FRESHNESS = 180;

/** Sticky: a rate limit at least this far away rebinds the key (§6.2 rule 3). */
export const STICKY_LONG_RATE_LIMIT = 600;
/** Sticky: a rate limit ending within this is waited out on the mapped account (§6.2 rule 6). */
export const STICKY_NEAR_RESET = 10;
/** Sticky mapping TTL since `updated_at` (§6.1). */
export const STICKY_TTL = 1800;
/** Skip refreshing a sticky mapping younger than this (§6.1). */
export const STICKY_REFRESH_MIN = 15;

/** Failover: distinct accounts per request (§7). */
export const MAX_ACCOUNTS_PER_REQUEST = 3;
/** Failover: distinct accounts per compact request (§7). */
export const MAX_ACCOUNTS_PER_COMPACT = 2;
/** Same-account retry delays for transient failures (§7). */
export const TRANSIENT_RETRY_DELAYS = [0.2, 0.4] as const;

/** Client-visible waits are capped at this many seconds (§8). */
export const RETRY_AFTER_CAP = 300;
