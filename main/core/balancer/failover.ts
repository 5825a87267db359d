/**
 * The failover decision (BALANCER.md §7) as a pure function: what to do after one failed attempt, and which error
 * the client finally sees when attempts run out.
 */
import { MAX_ACCOUNTS_PER_COMPACT, MAX_ACCOUNTS_PER_REQUEST, TRANSIENT_RETRY_DELAYS } from './constants';
import type { BalancerError } from './errors';
import type { UpstreamOutcome } from './outcome';

/**
 * What one attempt ended with: an {@link UpstreamOutcome}, or an upstream 401 / auth code, which is not a state
 * change by itself (refresh first, §7) and so is not part of the outcome contract.
 */
export type AttemptFailure = UpstreamOutcome | { readonly kind: 'unauthorized'; readonly code: string };

/** Where the request stands when an attempt ended. */
export interface FailoverInput {
  readonly failure: AttemptFailure;
  /** Anything (status line, header, byte) already reached the client. */
  readonly bytesSent: boolean;
  /** Distinct accounts tried so far in this request, including the current one. */
  readonly accountsTried: number;
  /** Same-account retries already made on the current account for transient failures. */
  readonly sameAccountRetries: number;
  /** The 401 refresh-and-retry was already used on the current account. */
  readonly refreshedAfterUnauthorized: boolean;
  readonly isCompact: boolean;
  /** Owner-pinned (§6.3) or single_account: never move to another account. */
  readonly pinned: boolean;
  /** Uniform [0, 1) for the ±10 % retry jitter. */
  readonly random: () => number;
}

/** Why a failure is surfaced to the client instead of retried elsewhere. */
export type SurfaceReason =
  'after_first_byte' | 'not_retryable' | 'pinned' | 'attempts_exhausted' | 'neutral';

/** The decision. */
export type FailoverDecision =
  /** Success: nothing to do. */
  | { readonly action: 'complete' }
  /** Transient: retry the same account after the delay (0.2 s, then 0.4 s, ±10 %). */
  | { readonly action: 'retry_same'; readonly delaySeconds: number }
  /** 401: refresh the token (single-flight) and retry the same account once. */
  | { readonly action: 'refresh_and_retry' }
  /** Reselect excluding the accounts tried. `recordError`: call `recordAccountError` first (second 401). */
  | { readonly action: 'failover'; readonly recordError: boolean }
  /** Give the failure to the client (as an HTTP error before the first byte, else a `response.failed` event). */
  | { readonly action: 'surface'; readonly reason: SurfaceReason; readonly recordError: boolean };

/**
 * Transient failures that are not retried on the same account: the account stalled (no headers, or silence after
 * the opening events) for a whole timeout, and another wait on it would push the client past its own timeout.
 */
const STALL_CODES: ReadonlySet<string> = new Set(['upstream_headers_timeout', 'upstream_stalled']);

/** Max distinct accounts per request: 3, or 2 for compact (§7). */
export function maxAccounts(isCompact: boolean): number {
  return isCompact ? MAX_ACCOUNTS_PER_COMPACT : MAX_ACCOUNTS_PER_REQUEST;
}

/**
 * Decide what follows a failed attempt (§7). State changes for {@link UpstreamOutcome}s are recorded separately by
 * `applyOutcome`; this only decides the next move.
 */
export function decideFailover(input: FailoverInput): FailoverDecision {
  const f = input.failure;
  if (f.kind === 'success') return { action: 'complete' };
  if (f.kind === 'neutral') return { action: 'surface', reason: 'neutral', recordError: false };
  const secondUnauthorized = f.kind === 'unauthorized' && input.refreshedAfterUnauthorized;
  // After the first byte nothing moves: the failure becomes a final response.failed event.
  if (input.bytesSent)
    return { action: 'surface', reason: 'after_first_byte', recordError: secondUnauthorized };
  if (f.kind === 'client_error') return { action: 'surface', reason: 'not_retryable', recordError: false };
  if (f.kind === 'unauthorized' && !input.refreshedAfterUnauthorized) return { action: 'refresh_and_retry' };
  if (
    f.kind === 'transient' &&
    !STALL_CODES.has(f.code) &&
    input.sameAccountRetries < TRANSIENT_RETRY_DELAYS.length
  ) {
    const base = TRANSIENT_RETRY_DELAYS[input.sameAccountRetries] as number;
    return { action: 'retry_same', delaySeconds: base * (0.9 + 0.2 * input.random()) };
  }
  // usage_limit, throttle, quota, permanent, exhausted transient retries, second 401: move on if allowed.
  if (input.pinned) return { action: 'surface', reason: 'pinned', recordError: secondUnauthorized };
  if (input.accountsTried >= maxAccounts(input.isCompact)) {
    return { action: 'surface', reason: 'attempts_exhausted', recordError: secondUnauthorized };
  }
  return { action: 'failover', recordError: secondUnauthorized };
}

/** The client-visible error once no further attempt is made (§7 last bullet). */
export type FinalError =
  { readonly use: 'upstream' } | { readonly use: 'selection'; readonly error: BalancerError };

/**
 * After at least one upstream attempt, when attempts are exhausted or reselection found no account: the last upstream
 * error as received — except that a rate-limit or quota failure becomes the pool-exhausted 429 (§8 step 2) when the
 * reselection reports the whole pool exhausted. `reselectionError` is the error of a selection run with the tried
 * accounts excluded (null when it found an account, i.e. attempts ran out first).
 */
export function finalError(last: AttemptFailure, reselectionError: BalancerError | null): FinalError {
  const limitLike = last.kind === 'usage_limit' || last.kind === 'throttle' || last.kind === 'quota';
  if (limitLike && reselectionError !== null && reselectionError.code === 'usage_limit_reached') {
    return { use: 'selection', error: reselectionError };
  }
  return { use: 'upstream' };
}
