/**
 * Closed vocabularies of the product, shared by the core, the admin API contract and the renderer.
 * See ../shared/BALANCER.md for what each value means.
 */

/** The eight routing strategies (BALANCER.md §3). The first is the default. */
export const ROUTING_STRATEGIES = [
  'capacity_weighted',
  'fill_first',
  'usage_weighted',
  'round_robin',
  'relative_availability',
  'sequential_drain',
  'reset_drain',
  'single_account',
] as const;
/** A routing strategy name. */
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];
/** The strategy used when none is set or the stored one is unknown. */
export const DEFAULT_ROUTING_STRATEGY: RoutingStrategy = 'capacity_weighted';

/** Persisted account statuses (BALANCER.md §1.1). */
export const ACCOUNT_STATUSES = [
  'active',
  'rate_limited',
  'quota_exceeded',
  'paused',
  'reauth_required',
  'deactivated',
] as const;
/** An account status. */
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Per-account routing policy (BALANCER.md §4.2). */
export const ROUTING_POLICIES = ['normal', 'burn_first', 'preserve'] as const;
/** A routing policy. */
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

/** Why an account is `rate_limited`: a usage window is full, or upstream throttled it. */
export type RateLimitKind = 'usage_limit' | 'throttle';

/** The limit family of the standard Codex quota; additional families use their quota key. */
export const STANDARD_FAMILY = 'codex';

/** One quota window as last reported by upstream. Times are epoch seconds. */
export interface UsageWindow {
  /** 0–100, may be fractional. */
  usedPercent: number;
  windowMinutes: number;
  /** When the window resets, or null when unknown. */
  resetAt: number | null;
}

/** Credits as reported by upstream (headers, events or the usage endpoint). */
export interface Credits {
  hasCredits: boolean;
  unlimited: boolean;
  /** Decimal string as upstream sends it, e.g. "9.99"; null when unknown. */
  balance: string | null;
}

/**
 * One observation of an account's quota for one limit family, with the time it was recorded.
 * `primary` is the short (5 h) window, `secondary` the long one (weekly, or monthly for monthly-only plans)
 * after window normalisation (PROTOCOL.md §8).
 */
export interface UsageSample {
  /** `codex` for the standard quota, else the canonical quota key (or the raw id when unregistered). */
  family: string;
  primary: UsageWindow | null;
  secondary: UsageWindow | null;
  credits?: Credits | null;
  /**
   * Standard family only: `rate_limit_reset_credits.available_count` of the usage endpoint, the limit resets the
   * account may still use. Kept in memory from the latest poll, not stored.
   */
  resetCredits?: number | null;
  /** Upstream display name of the family when it sent one (e.g. `GPT-5.3-Codex-Spark`). */
  limitName?: string | null;
  /** Epoch seconds when the sample was taken. */
  recordedAt: number;
}

/**
 * How a conversation's turn got its account (issue 9), recorded per request with a prompt_cache_key / session.
 * On a turn served by another account than the conversation's previous turn, it is the hop's cause:
 * `limit` the mapped account was rate limited or out of quota; `cap` it reached a cap the user set; `rebind`
 * budget pressure moved it (BALANCER.md §6.2 rule 2); `unavailable` it was paused, needs a login, was
 * cooling down or could not serve the model; `failover` the first account tried failed during the request;
 * `new` no live mapping (first turn, or idle past the 30-minute affinity TTL); `hit` the mapping held;
 * `continuity` `previous_response_id` chose the owner; `off` sticky sessions are turned off.
 */
export const AFFINITY_CAUSES = [
  'hit',
  'new',
  'rebind',
  'limit',
  'cap',
  'unavailable',
  'failover',
  'continuity',
  'off',
] as const;
/** One affinity cause. */
export type AffinityCause = (typeof AFFINITY_CAUSES)[number];
