/**
 * Closed code lists for classifying upstream errors (PROTOCOL.md §1.4, §10; BALANCER.md §1.3, §8).
 */

/** Codes that mean the account needs a new browser login (PROTOCOL.md §1.4). */
export const REAUTH_CODES = [
  'refresh_token_expired',
  'refresh_token_reused',
  'refresh_token_invalidated',
  'invalid_grant',
  'token_invalidated',
  'token_expired',
  'app_session_terminated',
  'account_session_expired',
  'account_auth_invalidated',
] as const;

/** Codes that mean the account is gone (PROTOCOL.md §1.4). */
export const DEACTIVATION_CODES = ['account_deactivated', 'account_suspended', 'account_deleted'] as const;

/** 401 codes that mean re-login once a refresh did not help (PROTOCOL.md §10). */
export const AUTH_401_CODES = [
  'token_invalidated',
  'token_expired',
  'invalid_api_key',
  'invalid_authentication',
  'authentication_error',
] as const;

/**
 * 401 codes worth one token refresh and one retry on the same account (Codex CLI behaviour, BALANCER.md §7).
 * A 401 with no code also qualifies (see `shouldRefreshAndRetry`); deactivation and refresh-token codes do
 * not, since a refresh cannot fix them.
 */
export const REFRESH_AND_RETRY_401_CODES = AUTH_401_CODES;

/** Throttling (account-wide, `rate_limited` kind `throttle`). */
export const THROTTLE_CODES = ['rate_limit_exceeded'] as const;
/** A usage window is full (`rate_limited` kind `usage_limit`, or a family block). */
export const USAGE_LIMIT_CODES = ['usage_limit_reached'] as const;
/** Quota codes (`quota_exceeded`). */
export const QUOTA_CODES = ['insufficient_quota', 'usage_not_included', 'quota_exceeded'] as const;

/** Transient upstream codes (error count, same-account retries). `slow_down` comes with 503s (§10). */
export const TRANSIENT_CODES = [
  'server_error',
  'upstream_error',
  'stream_incomplete',
  'overloaded_error',
  'server_is_overloaded',
  'slow_down',
  'model_at_capacity',
] as const;

/** Account-neutral codes of our own (no state change). */
export const NEUTRAL_CODES = ['stream_idle_timeout', 'network_unavailable', 'client_disconnected'] as const;

/** Selection errors of the pool (BALANCER.md §8), answered with 503 (except `usage_limit_reached`: 429). */
export const POOL_SELECTION_CODES = [
  'no_accounts',
  'no_plan_support_for_model',
  'additional_quota_data_unavailable',
  'quota_exhausted',
  'no_additional_quota_eligible_accounts',
  'previous_response_owner_unavailable',
  'single_account_not_configured',
  'single_account_unavailable',
] as const;

/** Codes of our own request validation (400). */
export const REQUEST_VALIDATION_CODES = [
  'invalid_request_error',
  'invalid_json',
  'missing_required_parameter',
  'invalid_type',
  'invalid_value',
  'unsupported_parameter',
  'unsupported_value',
] as const;

/** Membership test for the readonly code lists above. */
export function isOneOf(list: readonly string[], code: string | undefined): boolean {
  return code !== undefined && list.includes(code);
}
