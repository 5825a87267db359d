/**
 * Classification of a failed token refresh (PROTOCOL.md §1.4). Pure: status and parsed body in, verdict out.
 */
import { DEACTIVATION_CODES, REAUTH_CODES } from '../protocol';

// The same lists upstream errors are classified with: one source for what "re-login" and "gone" mean.
const REAUTH = new Set<string>(REAUTH_CODES);
const DEACTIVATION = new Set<string>(DEACTIVATION_CODES);

/** What a refresh failure means for the account. */
export type RefreshFailure =
  | { kind: 'permanent'; status: 'reauth_required' | 'deactivated'; code: string; message: string }
  | { kind: 'transient'; code: string; message: string };

/** Reads the error code: `error.code`, else `error` when it is a string, else top-level `code`. */
export function refreshErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.error === 'object' && b.error !== null) {
    const code = (b.error as Record<string, unknown>).code;
    if (typeof code === 'string') return code;
  }
  if (typeof b.error === 'string') return b.error;
  return typeof b.code === 'string' ? b.code : undefined;
}

/** Classifies a non-2xx refresh response. Only the listed codes and 401 are permanent; all else is retried. */
export function classifyRefreshFailure(status: number, body: unknown): RefreshFailure {
  const code = refreshErrorCode(body)?.toLowerCase();
  if (code !== undefined && DEACTIVATION.has(code)) {
    return {
      kind: 'permanent',
      status: 'deactivated',
      code,
      message: `ChatGPT reports the account is ${code.replace('account_', '')}.`,
    };
  }
  if (status === 401 || (code !== undefined && REAUTH.has(code))) {
    const why = code ?? `HTTP ${status}`;
    return {
      kind: 'permanent',
      status: 'reauth_required',
      code: code ?? 'refresh_unauthorized',
      message: `Sign in again: the saved login was rejected (${why}).${code === 'refresh_token_reused' ? ' Another app (often the Codex CLI sharing this auth.json) refreshed it first.' : ''}`,
    };
  }
  return {
    kind: 'transient',
    code: code ?? `http_${status}`,
    message: `Token refresh failed (HTTP ${status}); will retry.`,
  };
}
