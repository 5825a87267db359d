/**
 * Upstream error → {@link UpstreamOutcome} (PROTOCOL.md §10 classification table, §1.4 permanent lists,
 * BALANCER.md §1.3–1.4). Covers HTTP error answers, `response.failed` / `error` SSE events and network errors.
 */
import type { UpstreamOutcome } from '../balancer/outcome';
import {
  AUTH_401_CODES,
  DEACTIVATION_CODES,
  NEUTRAL_CODES,
  QUOTA_CODES,
  REAUTH_CODES,
  REFRESH_AND_RETRY_401_CODES,
  THROTTLE_CODES,
  TRANSIENT_CODES,
  USAGE_LIMIT_CODES,
  isOneOf,
} from './error-codes';
import { parseRetryAfter, parseTryAgainHint, validUpstreamReset } from './error-hints';
import type { JsonObject } from './json';
import { finiteNumber, isRecord, nonEmptyString, tryParseJson } from './json';
import type { HeaderBag } from './rate-limit-headers';
import { lowerCaseHeaders } from './rate-limit-headers';

/** What an upstream error says, gathered from its body and headers. Codes are lower-cased. */
export interface UpstreamErrorDetails {
  code?: string;
  type?: string;
  message?: string;
  param?: string;
  planType?: string;
  resetsAt?: number;
  resetsInSeconds?: number;
  /** `x-codex-active-limit`, else `limit_name` / `metered_limit_name` / `metered_feature` (BALANCER.md §1.4). */
  limitName?: string;
}

/** An upstream HTTP error answer. `body` is the parsed JSON, or the text when it was not JSON. */
export interface UpstreamErrorInput {
  status: number;
  body: unknown;
  headers?: HeaderBag;
}

const lower = (v: unknown): string | undefined => nonEmptyString(v)?.toLowerCase();

/** Decodes `x-error-json`: base64 JSON (`{"error":{"code"}}`), tolerating plain JSON. */
function decodeErrorJsonHeader(value: string): JsonObject | undefined {
  const plain = tryParseJson(value);
  if (isRecord(plain)) return plain;
  const decoded = tryParseJson(Buffer.from(value, 'base64').toString('utf8'));
  return isRecord(decoded) ? decoded : undefined;
}

/** Finds the error object: `body.error` when it is an object, else the body itself when it looks like one. */
function errorObjectOf(body: unknown): JsonObject | undefined {
  if (!isRecord(body)) return undefined;
  if (isRecord(body.error)) return body.error;
  if (isRecord(body.response) && isRecord(body.response.error)) return body.response.error;
  return body;
}

/**
 * Gathers code, type, message, reset fields and limit name from an upstream error body (JSON or text) and
 * its headers. Handles `{"error":{…}}`, `{"error":"<code>","error_description"}`, `{"detail":"…"}`, a
 * `response.failed` payload, and the 401 detail headers `x-openai-authorization-error` / `x-error-json`.
 */
export function extractUpstreamError(body: unknown, headers?: HeaderBag): UpstreamErrorDetails {
  const parsed = typeof body === 'string' ? (tryParseJson(body) ?? body) : body;
  const d: UpstreamErrorDetails = {};
  if (typeof parsed === 'string') {
    if (parsed.trim() !== '') d.message = parsed.trim();
  } else if (isRecord(parsed)) {
    const err = errorObjectOf(parsed) ?? {};
    const code = lower(err.code) ?? (err === parsed ? undefined : lower(parsed.code));
    const type = lower(err.type);
    if (code !== undefined) d.code = code;
    else if (typeof parsed.error === 'string') d.code = parsed.error.toLowerCase();
    if (type !== undefined) d.type = type;
    const message =
      nonEmptyString(err.message) ??
      nonEmptyString(parsed.error_description) ??
      nonEmptyString(parsed.detail);
    if (message !== undefined) d.message = message;
    const param = nonEmptyString(err.param);
    if (param !== undefined) d.param = param;
    const plan = nonEmptyString(err.plan_type);
    if (plan !== undefined) d.planType = plan;
    const at = finiteNumber(err.resets_at);
    if (at !== undefined) d.resetsAt = at;
    const inSec = finiteNumber(err.resets_in_seconds);
    if (inSec !== undefined) d.resetsInSeconds = inSec;
    const name =
      nonEmptyString(err.limit_name) ??
      nonEmptyString(err.metered_limit_name) ??
      nonEmptyString(err.metered_feature);
    if (name !== undefined) d.limitName = name;
  }
  if (headers !== undefined) {
    const h = lowerCaseHeaders(headers);
    const active = h.get('x-codex-active-limit')?.trim();
    if (active) d.limitName = active; // the header wins (BALANCER.md §1.4)
    if (d.code === undefined) {
      const authErr = lower(h.get('x-openai-authorization-error')?.trim());
      const json = h.get('x-error-json');
      const fromJson = json === undefined ? undefined : errorObjectOf(decodeErrorJsonHeader(json.trim()));
      const code = authErr ?? lower(fromJson?.code) ?? lower(fromJson?.type);
      if (code !== undefined) d.code = code;
      if (d.message === undefined && fromJson !== undefined) {
        const m = nonEmptyString(fromJson.message);
        if (m !== undefined) d.message = m;
      }
    }
  }
  return d;
}

const RELOGIN_MESSAGE = /session has ended|log in again|reauth/i;
const DEACTIVATED_MESSAGE = /account has been deactivated/i;
const AT_CAPACITY_MESSAGE = /selected model is at capacity/i;
/** The model-entitlement 400 (§10): fails on this account, may work on another plan. */
const ENTITLEMENT_MESSAGE = /model is not supported when using codex with a chatgpt account/i;
/** 4xx statuses that mean the request itself is wrong, so every account would fail it (no penalty). */
const PAYLOAD_ERROR_STATUSES = new Set([400, 404, 405, 409, 413, 415, 422]);

/**
 * Classifies already-extracted details. `status` is undefined for stream failures (no HTTP status of their
 * own). Codes are looked up as `code`, then `type` (§10: key = `error.code || error.type`; checking both also
 * catches `type: usage_not_included` next to another code).
 */
export function classifyErrorDetails(
  status: number | undefined,
  d: UpstreamErrorDetails,
  now: number,
  retryAfterSeconds?: number,
): UpstreamOutcome {
  const keys = [d.code, d.type].filter((k): k is string => k !== undefined);
  const match = (list: readonly string[]): string | undefined => keys.find((k) => isOneOf(list, k));
  const message = d.message ?? '';
  const resetAt = validUpstreamReset({ resetsAt: d.resetsAt, resetsInSeconds: d.resetsInSeconds }, now);
  const withReset = <T extends object>(o: T): T => (resetAt === undefined ? o : { ...o, resetAt });
  const hint = parseTryAgainHint(message) ?? retryAfterSeconds;
  const withHint = <T extends object>(o: T): T => (hint === undefined ? o : { ...o, delayHintSeconds: hint });
  const withLimit = <T extends object>(o: T): T =>
    d.limitName === undefined ? o : { ...o, limitName: d.limitName };

  const deactivated = match(DEACTIVATION_CODES);
  if (deactivated !== undefined)
    return { kind: 'permanent', status: 'deactivated', code: deactivated, message };
  const reauth = match(REAUTH_CODES);
  if (reauth !== undefined) return { kind: 'permanent', status: 'reauth_required', code: reauth, message };
  if (DEACTIVATED_MESSAGE.test(message)) {
    return { kind: 'permanent', status: 'deactivated', code: d.code ?? 'account_deactivated', message };
  }
  if (status === 401) {
    const auth = match(AUTH_401_CODES);
    if (auth !== undefined || RELOGIN_MESSAGE.test(message)) {
      return {
        kind: 'permanent',
        status: 'reauth_required',
        code: auth ?? d.code ?? 'invalid_authentication',
        message,
      };
    }
    // BALANCER.md §7: a 401 that survived refresh-and-retry records an error and fails over.
    return { kind: 'client_error', code: d.code ?? 'unauthorized', penalise: true };
  }

  if (match(THROTTLE_CODES) !== undefined) return withHint(withReset({ kind: 'throttle' }));
  if (match(USAGE_LIMIT_CODES) !== undefined) return withLimit(withHint(withReset({ kind: 'usage_limit' })));
  const quota = match(QUOTA_CODES);
  if (quota !== undefined) return withLimit(withReset({ kind: 'quota', code: quota }));

  if (AT_CAPACITY_MESSAGE.test(message)) return { kind: 'transient', code: d.code ?? 'model_at_capacity' };
  const transient = match(TRANSIENT_CODES);
  if (transient !== undefined) return { kind: 'transient', code: transient };
  if (status !== undefined && status >= 500) return { kind: 'transient', code: d.code ?? `http_${status}` };
  // A bare 429 without a recognised code is still throttling.
  if (status === 429) return withHint(withReset({ kind: 'throttle' }));

  if (ENTITLEMENT_MESSAGE.test(message)) {
    return { kind: 'client_error', code: d.code ?? d.type ?? 'model_not_supported', penalise: true };
  }
  const code = d.code ?? d.type ?? (status === undefined ? 'upstream_error' : `http_${status}`);
  if (status === undefined) {
    // A stream failure without any code is upstream misbehaving; with an unknown code it is surfaced as is.
    return d.code === undefined && d.type === undefined
      ? { kind: 'transient', code: 'upstream_error' }
      : { kind: 'client_error', code, penalise: false };
  }
  return { kind: 'client_error', code, penalise: !PAYLOAD_ERROR_STATUSES.has(status) };
}

/**
 * Classifies an upstream HTTP error answer (status ≥ 400) into an outcome for the balancer. A 401 should
 * first go through {@link shouldRefreshAndRetry}; classify the answer that remains after that retry.
 */
export function classifyUpstreamError(input: UpstreamErrorInput, now: number): UpstreamOutcome {
  const details = extractUpstreamError(input.body, input.headers);
  const retryAfter =
    input.headers === undefined
      ? undefined
      : parseRetryAfter(lowerCaseHeaders(input.headers).get('retry-after'), now);
  return classifyErrorDetails(input.status, details, now, retryAfter);
}

/**
 * Classifies a `response.failed` or `error` SSE event payload (same mapping, from `response.error` /
 * `error`). A WebSocket-wrapped error's `status` and `headers` (§7) are honoured.
 */
export function classifyStreamFailure(event: unknown, now: number, headers?: HeaderBag): UpstreamOutcome {
  const obj = isRecord(event) ? event : {};
  const status = finiteNumber(obj.status);
  const innerHeaders = isRecord(obj.headers) ? (obj.headers as HeaderBag) : undefined;
  const error = isRecord(obj.response) && isRecord(obj.response.error) ? obj.response.error : obj.error;
  // Only the error object counts: the event's own `type` (`response.failed`) is not an error code.
  const details = extractUpstreamError(isRecord(error) ? { error } : {}, { ...innerHeaders, ...headers });
  return classifyErrorDetails(status, details, now);
}

/**
 * True when a 401 deserves one token refresh and one retry on the same account: no code, or a code from
 * {@link REFRESH_AND_RETRY_401_CODES}, or a re-login message (the Codex CLI refreshes on any 401).
 */
export function shouldRefreshAndRetry(input: UpstreamErrorInput): boolean {
  if (input.status !== 401) return false;
  const d = extractUpstreamError(input.body, input.headers);
  if (d.code === undefined) return true;
  return isOneOf(REFRESH_AND_RETRY_401_CODES, d.code) || RELOGIN_MESSAGE.test(d.message ?? '');
}

const LOCAL_NETWORK_CODES = new Set(['ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTDOWN']);

/**
 * Classifies a thrown network / transport error. Local connectivity failures (no route, DNS down) are
 * account-neutral (`network_unavailable`); aborts caused by the client going away are neutral
 * (`client_disconnected`); our idle timeout (an error whose code is `stream_idle_timeout`) is neutral;
 * everything else (reset, refused, timeouts, undici socket errors) is transient.
 */
export function classifyNetworkError(err: unknown): UpstreamOutcome {
  const { codes, names } = causeChain(err);
  const neutral = codes.find((c) => isOneOf(NEUTRAL_CODES, c));
  if (neutral !== undefined) return { kind: 'neutral', code: neutral };
  if (codes.some((c) => LOCAL_NETWORK_CODES.has(c))) return { kind: 'neutral', code: 'network_unavailable' };
  if (/\bAbortError\b/.test(names)) return { kind: 'neutral', code: 'client_disconnected' };
  return { kind: 'transient', code: codes[0]?.toLowerCase() ?? 'network_error' };
}

/**
 * Whether an error the HTTP client threw is a fault in Codex Pool rather than the transport's: one of the
 * engine's own classes (a `TypeError` such as "x is not a function", a `RangeError`…) with no `code` on it or its
 * causes. undici's errors and the system's carry a `code` (undici wraps its "fetch failed" around one); a proxy's
 * plain `Error` stays a transport failure.
 */
export function isProgrammingError(err: unknown): boolean {
  const engine =
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError;
  return engine && causeChain(err).codes.length === 0;
}

/** The `code`s and `name`s of an error and its first causes. */
function causeChain(err: unknown): { codes: string[]; names: string } {
  const codes: string[] = [];
  let names = '';
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && isRecord(cur); depth++) {
    if (typeof cur.code === 'string') codes.push(cur.code);
    if (typeof cur.name === 'string') names += ` ${cur.name}`;
    cur = cur.cause;
  }
  return { codes, names };
}
