/**
 * Errors we answer clients with: the OpenAI envelope and its HTTP status (PROTOCOL.md §10 last paragraph,
 * BALANCER.md §8). One place, so every client-visible error has a code, a message and the right status.
 */
import {
  AUTH_401_CODES,
  POOL_SELECTION_CODES,
  REAUTH_CODES,
  REQUEST_VALIDATION_CODES,
  isOneOf,
} from './error-codes';

/** The OpenAI error envelope. */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    code: string;
    param?: string;
    /** Epoch seconds, on usage-limit errors. */
    resets_at?: number;
    [extra: string]: unknown;
  };
}

/** Optional parts of {@link clientErrorBody}. */
export interface ClientErrorExtra {
  /** Defaults from the code (see {@link errorTypeForCode}). */
  type?: string;
  param?: string;
  resetsAt?: number;
  /** Further upstream fields to keep (e.g. `plan_type`, `resets_in_seconds`). */
  fields?: Record<string, unknown>;
}

const AUTH_CODES = [
  ...AUTH_401_CODES,
  ...REAUTH_CODES,
  'unauthorized',
  'invalid_proxy_api_key',
  'missing_api_key',
];
const RATE_CODES = ['rate_limit_exceeded', 'usage_limit_reached', 'insufficient_quota'];

/**
 * HTTP status for an error code when no upstream status applies (§10): auth codes 401; permission 403;
 * not found 404; rate/usage/quota 429; request validation 400; pool selection 503 (BALANCER.md §8); else 502.
 */
export function httpStatusForCode(code: string): number {
  const c = code.toLowerCase();
  if (isOneOf(AUTH_CODES, c)) return 401;
  if (c === 'permission_error' || c === 'insufficient_permissions') return 403;
  if (c === 'not_found' || c === 'not_found_error') return 404;
  if (isOneOf(RATE_CODES, c)) return 429;
  if (isOneOf(REQUEST_VALIDATION_CODES, c)) return 400;
  if (isOneOf(POOL_SELECTION_CODES, c)) return 503;
  return 502;
}

/**
 * HTTP status for an error object we relay without an upstream status (e.g. a `response.failed` collected for a
 * non-streaming client): by code, else by type (`invalid_request_error` → 400, …), else 502.
 */
export function httpStatusForError(error: { code: string; type?: string }): number {
  const byCode = httpStatusForCode(error.code);
  if (byCode !== 502 || error.type === undefined) return byCode;
  return httpStatusForCode(error.type);
}

/** The envelope `type` for a code: request errors are `invalid_request_error`, 429s name themselves,
 * auth and permission errors have their own types, everything else is `server_error` (BALANCER.md §8). */
export function errorTypeForCode(code: string): string {
  const status = httpStatusForCode(code);
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return code === 'insufficient_quota' ? 'insufficient_quota' : code;
  return 'server_error';
}

/** Builds `{"error":{message,type,code,param?,resets_at?}}`. */
export function clientErrorBody(
  code: string,
  message: string,
  extra: ClientErrorExtra = {},
): OpenAiErrorBody {
  const error: OpenAiErrorBody['error'] = {
    ...extra.fields,
    message,
    type: extra.type ?? errorTypeForCode(code),
    code,
  };
  if (extra.param !== undefined) error.param = extra.param;
  if (extra.resetsAt !== undefined) error.resets_at = extra.resetsAt;
  return { error };
}
