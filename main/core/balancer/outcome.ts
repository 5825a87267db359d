/**
 * What one upstream attempt ended with, already classified (PROTOCOL.md §10). This is the contract between
 * the protocol layer (which reads status codes, bodies, headers and SSE events) and the balancer's state
 * reducer (BALANCER.md §1.3–1.4), which turns an outcome into the next account state.
 */
export type UpstreamOutcome =
  /** `response.completed` reached the client. */
  | { kind: 'success' }
  /** 429 `usage_limit_reached`: a usage window is full. */
  | {
      kind: 'usage_limit';
      /** Upstream reset (epoch s) from `resets_at` / `resets_in_seconds`, already validated; else undefined. */
      resetAt?: number;
      /** Seconds parsed from a "try again in …" hint, if any. */
      delayHintSeconds?: number;
      /** Raw limit name that triggered it (`x-codex-active-limit`, `limit_name`, `metered_limit_name`, `metered_feature`). */
      limitName?: string;
    }
  /** 429 `rate_limit_exceeded`: throttling, always account-wide. */
  | { kind: 'throttle'; resetAt?: number; delayHintSeconds?: number }
  /** `insufficient_quota`, `usage_not_included`, `quota_exceeded`. */
  | { kind: 'quota'; code: string; resetAt?: number; limitName?: string }
  /** Re-login or deactivation codes (PROTOCOL.md §1.4). */
  | { kind: 'permanent'; status: 'reauth_required' | 'deactivated'; code: string; message: string }
  /** 5xx, transient codes, network errors. */
  | { kind: 'transient'; code: string }
  /** Other 4xx. `penalise` is false for payload errors that would fail on any account. */
  | { kind: 'client_error'; code: string; penalise: boolean }
  /** Our idle timeout, local network down, client gone: no state change. */
  | { kind: 'neutral'; code: string };

/** The `kind` of an {@link UpstreamOutcome}. */
export type UpstreamOutcomeKind = UpstreamOutcome['kind'];
