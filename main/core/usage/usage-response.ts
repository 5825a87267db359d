/**
 * What a `/wham/usage` answer means for the account (PROTOCOL.md §9). Pure: status and parsed body in,
 * verdict out; the poller acts on it.
 */
import { classifyRefreshFailure } from '../accounts/refresh-outcome';

/** The verdict on one usage response. */
export type UsageVerdict =
  | { kind: 'ok' }
  /** 401: refresh the token and retry once; if it persists, stop polling the account for a while. */
  | { kind: 'unauthorized' }
  /** 403: not a deactivation (§9); stop polling the account for a while. */
  | { kind: 'forbidden' }
  /** 402, 404, a deactivation code or message → deactivated; a re-login code → reauth_required. */
  | { kind: 'permanent'; status: 'reauth_required' | 'deactivated'; code: string; message: string }
  /** 408, 429, 5xx and anything unknown: keep the account, back off. */
  | { kind: 'transient'; code: string; message: string };

function errorMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  const inner = typeof b.error === 'object' && b.error !== null ? (b.error as Record<string, unknown>) : {};
  for (const value of [inner.message, b.detail, b.message, b.error_description]) {
    if (typeof value === 'string') return value;
  }
  return '';
}

/** Classifies a usage response by HTTP status and parsed body. */
export function classifyUsageResponse(status: number, body: unknown): UsageVerdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 401) return { kind: 'unauthorized' };
  const text = errorMessage(body);
  if (status === 402 || status === 404 || /account has been deactivated/i.test(text)) {
    return {
      kind: 'permanent',
      status: 'deactivated',
      code: `usage_http_${status}`,
      message: `ChatGPT reports the account is deactivated or no longer has Codex (usage endpoint answered HTTP ${status}).`,
    };
  }
  if (status === 403) return { kind: 'forbidden' };
  // The refresh classifier knows the permanent code lists (PROTOCOL.md §1.4); 401 was handled above.
  const verdict = classifyRefreshFailure(status, body);
  if (verdict.kind === 'permanent') return verdict;
  return {
    kind: 'transient',
    code: verdict.code,
    message: `The usage endpoint answered HTTP ${status}; will retry.`,
  };
}

/** Statuses retried at once, with backoff, inside one poll (codex-lb: 408/429/500/502/503/504). */
export const RETRYABLE_USAGE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
