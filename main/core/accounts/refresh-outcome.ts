/**
 * Classification of a failed token refresh (PROTOCOL.md §1.4). Pure: status and parsed body in, verdict out.
 */

const REAUTH_CODES = new Set([
  'refresh_token_expired',
  'refresh_token_reused',
  'refresh_token_invalidated',
  'invalid_grant',
  'token_invalidated',
  'token_expired',
  'app_session_terminated',
  'account_session_expired',
  'account_auth_invalidated',
]);
const DEACTIVATION_CODES = new Set(['account_deactivated', 'account_suspended', 'account_deleted']);

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
  if (code !== undefined && DEACTIVATION_CODES.has(code)) {
    return {
      kind: 'permanent',
      status: 'deactivated',
      code,
      message: `ChatGPT reports the account is ${code.replace('account_', '')}.`,
    };
  }
  if (status === 401 || (code !== undefined && REAUTH_CODES.has(code))) {
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
