import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamOutcome } from '../balancer';
import {
  buildUpstreamHeaders,
  classifyNetworkError,
  classifyStreamFailure,
  classifyUpstreamError,
  clientErrorBody,
  formatSeconds,
  httpStatusForError,
  isProgrammingError,
  parseCodexRateLimitsEvent,
  parseRateLimitHeaders,
  shouldRefreshAndRetry,
  streamFailureError,
  type CodexPersona,
  type JsonObject,
  type OpenAiErrorBody,
} from '../protocol';
import type { UpstreamClient } from '../upstream/client';
import { redactSecrets } from '../log';
import type { PoolState } from '../pool/pool-state';
import type { ResponseSink } from './sinks';
import { OPENING_STALL_CODE, relayStream, type RelayedEvent } from './stream-relay';

/** Upstream answers we relay to clients unchanged when they carry them. */
const RELAYED_RESPONSE_HEADERS = ['x-codex-turn-state', 'x-request-id', 'openai-model', 'x-models-etag'];
/** Cap on error bodies we read (they are small JSON; anything bigger is not an error we can use). */
const MAX_ERROR_BODY = 256 * 1024;

/** An error as it would be shown to the client, before anything was written. */
export interface SurfacedError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

/** What one upstream try on one account produced. */
export type TryResult =
  /** The response was delivered (success, or a failure after bytes reached the client). */
  | { kind: 'delivered'; outcome: UpstreamOutcome; status: number; errorCode: string | null }
  /** Failed before anything reached the client; the caller may retry or fail over. */
  | { kind: 'failed'; outcome: UpstreamOutcome; error: SurfacedError; refreshAndRetry: boolean }
  /** The client went away. */
  | { kind: 'client_gone' };

/** Facts gathered from a successful stream, for the request log and affinity. */
export interface StreamFacts {
  responseId: string | null;
  usage: JsonObject | null;
  ttfbAt: number | null;
}

/** Everything one try needs. */
export interface TryContext {
  upstream: UpstreamClient;
  pool: PoolState;
  persona: CodexPersona;
  now: () => number;
  nowMs: () => number;
  newRequestId: () => string;
  /** Pooled quota headers to send to the client with a success. */
  pooledHeaders: () => Record<string, string>;
  accountId: string;
  chatgptAccountId: string;
  accessToken: string;
  path: string;
  inbound: IncomingHttpHeaders;
  body: string | Buffer;
  signal: AbortSignal;
  sink: ResponseSink;
  facts: StreamFacts;
  /** `/responses/compact` answers JSON, not SSE. */
  json: boolean;
  /** Longest silence after the headers before the first event that reaches the client (the opening ones held). */
  openingIdleMs: number;
}

/**
 * One upstream request on one account: send, learn quota from the answer, then either relay the stream to the
 * client or report a failure that happened before the first byte (BALANCER.md §7).
 */
export async function tryUpstream(ctx: TryContext): Promise<TryResult> {
  const headers = buildUpstreamHeaders({
    inbound: ctx.inbound,
    accessToken: ctx.accessToken,
    chatgptAccountId: ctx.chatgptAccountId,
    persona: ctx.persona,
    newRequestId: ctx.newRequestId,
  });
  if (ctx.json) headers.accept = 'application/json';
  let response;
  try {
    response = await ctx.upstream.send('POST', ctx.path, headers, ctx.body, ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) return { kind: 'client_gone' };
    // A bug of ours is not the account's fault nor a network failure: the exchange logs it and answers a 500.
    if (isProgrammingError(err)) throw err;
    const outcome = requestErrorOutcome(err);
    return { kind: 'failed', outcome, refreshAndRetry: false, error: gatewayError(outcome, ctx) };
  }
  const upstreamHeaders = response.headers as Record<string, string | string[] | undefined>;
  learnFromHeaders(ctx, upstreamHeaders);

  if (response.statusCode !== 200) {
    const raw = await readCapped(response.body);
    const body = parseJsonOrText(raw);
    const input = { status: response.statusCode, body, headers: upstreamHeaders };
    const outcome = classifyUpstreamError(input, ctx.now());
    return {
      kind: 'failed',
      outcome,
      refreshAndRetry: shouldRefreshAndRetry(input),
      error: {
        status: response.statusCode,
        body: asEnvelope(body, response.statusCode),
        headers: {
          ...retryAfterFromReset(outcome, ctx.now()),
          ...pick(upstreamHeaders, ['retry-after', 'x-request-id']),
        },
      },
    };
  }

  // Copied key by key: on this V8 an object spread that adds keys costs ~1 µs per key (issue 14).
  const relayed = pick(upstreamHeaders, RELAYED_RESPONSE_HEADERS);
  const pooled = ctx.pooledHeaders();
  for (const name in pooled) relayed[name] = pooled[name]!;
  ctx.sink.setHeaders(relayed);
  if (ctx.json) return relayJson(ctx, response.body);

  const result = await relayStream(response.body, ctx.sink, (event) => observe(ctx, event), {
    parseAll: ctx.sink.parseAll,
    openingIdleMs: ctx.openingIdleMs,
  });
  const failureBeforeBytes = (event: RelayedEvent): TryResult => {
    const outcome = classifyStreamFailure(event.payload, ctx.now());
    const body = streamFailureError(event.payload ?? {});
    return {
      kind: 'failed',
      outcome,
      refreshAndRetry: false,
      error: { status: httpStatusForError(body.error), body, headers: {} },
    };
  };
  switch (result.kind) {
    case 'failed_before_commit':
      return failureBeforeBytes(result.event);
    case 'terminal': {
      const failed = result.event.type === 'response.failed' || result.event.type === 'error';
      if (failed && !ctx.sink.wrote) return failureBeforeBytes(result.event);
      ctx.sink.complete();
      if (!failed) return { kind: 'delivered', outcome: { kind: 'success' }, status: 200, errorCode: null };
      const outcome = classifyStreamFailure(result.event.payload, ctx.now());
      return {
        kind: 'delivered',
        outcome,
        status: 200,
        errorCode: streamFailureError(result.event.payload ?? {}).error.code,
      };
    }
    case 'truncated':
    case 'body_error': {
      if (ctx.signal.aborted) return { kind: 'client_gone' };
      const outcome: UpstreamOutcome =
        result.kind === 'truncated'
          ? { kind: 'transient', code: 'stream_incomplete' }
          : streamErrorOutcome(result.error);
      if (!ctx.sink.wrote)
        return { kind: 'failed', outcome, refreshAndRetry: false, error: gatewayError(outcome, ctx) };
      const code = 'code' in outcome ? outcome.code : 'stream_incomplete';
      ctx.sink.abort({
        code,
        message:
          code === 'stream_idle_timeout'
            ? 'The upstream stream stalled and was closed by Codex Pool.'
            : 'The upstream stream ended before the response completed.',
      });
      return { kind: 'delivered', outcome, status: 200, errorCode: code };
    }
  }
}

/** Learns quota from the response headers of any answer, success or 429 (PROTOCOL.md §8). */
function learnFromHeaders(ctx: TryContext, headers: Record<string, string | string[] | undefined>): void {
  const info = parseRateLimitHeaders(headers, ctx.now());
  for (const sample of info.samples) ctx.pool.ingestSample(ctx.accountId, sample);
}

function observe(ctx: TryContext, event: RelayedEvent): void {
  const payload = event.payload;
  if (!payload) return;
  ctx.facts.ttfbAt ??= ctx.nowMs();
  if (event.type === 'codex.rate_limits') {
    const sample = parseCodexRateLimitsEvent(payload, ctx.now());
    if (sample) ctx.pool.ingestSample(ctx.accountId, sample);
    return;
  }
  const response = payload.response;
  if (typeof response === 'object' && response !== null) {
    const r = response as JsonObject;
    if (typeof r.id === 'string') ctx.facts.responseId = r.id;
    if (typeof r.usage === 'object' && r.usage !== null) ctx.facts.usage = r.usage as JsonObject;
  }
}

async function relayJson(ctx: TryContext, body: AsyncIterable<Uint8Array>): Promise<TryResult> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
  } catch (err) {
    if (ctx.signal.aborted) return { kind: 'client_gone' };
    const outcome = streamErrorOutcome(err);
    return { kind: 'failed', outcome, refreshAndRetry: false, error: gatewayError(outcome, ctx) };
  }
  ctx.facts.ttfbAt ??= ctx.nowMs();
  const sinkEvent: RelayedEvent = { type: undefined, payload: undefined, raw: Buffer.concat(chunks) };
  ctx.sink.commit();
  ctx.sink.event(sinkEvent);
  await ctx.sink.flush();
  ctx.sink.complete();
  return { kind: 'delivered', outcome: { kind: 'success' }, status: 200, errorCode: null };
}

/**
 * A response body that broke off. undici's body timeout is our idle timeout: account-neutral (PROTOCOL.md §10).
 * Anything else is the stream ending without a terminal event, `stream_incomplete` (BALANCER.md §7), unless the
 * local network itself is down.
 */
function streamErrorOutcome(err: unknown): UpstreamOutcome {
  const code = (err as { code?: string } | null)?.code;
  // A stall is the account's stream going quiet, so it counts against the account's health (error backoff).
  if (code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'transient', code: 'stream_idle_timeout' };
  if (code === OPENING_STALL_CODE) return { kind: 'transient', code: 'upstream_stalled' };
  const network = classifyNetworkError(err);
  return network.kind === 'neutral' ? network : { kind: 'transient', code: 'stream_incomplete' };
}

/** A network error as an outcome; a wait for headers that ran out is a stall of this account. */
function requestErrorOutcome(err: unknown): UpstreamOutcome {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'transient', code: 'upstream_headers_timeout' };
  return classifyNetworkError(err);
}

/** The error a client sees when an attempt failed in transport, before anything reached it. */
function gatewayError(outcome: UpstreamOutcome, ctx: Pick<TryContext, 'openingIdleMs'>): SurfacedError {
  const code = 'code' in outcome ? outcome.code : 'upstream_error';
  const seconds = formatSeconds(ctx.openingIdleMs);
  const stalls: Record<string, string> = {
    stream_idle_timeout: 'The upstream stream stalled.',
    upstream_headers_timeout: `The ChatGPT backend did not answer within ${seconds}. Try again in a minute.`,
    upstream_stalled: `The ChatGPT backend started a response, then sent nothing for ${seconds}. Try again in a minute.`,
  };
  const message =
    stalls[code] ??
    (code === 'stream_incomplete'
      ? 'The upstream stream ended before the response started.'
      : 'Could not reach the ChatGPT backend.');
  return {
    status: code in stalls ? 504 : 502,
    body: clientErrorBody(code, message),
    headers: {},
  };
}

/** `Retry-After` from the reset upstream named in the body, for answers whose headers carry none. */
export function retryAfterFromReset(outcome: UpstreamOutcome, now: number): Record<string, string> {
  const resetAt = 'resetAt' in outcome ? outcome.resetAt : undefined;
  return resetAt === undefined || resetAt <= now ? {} : { 'retry-after': String(Math.ceil(resetAt - now)) };
}

/** Longest upstream reason we pass on. */
const MAX_REASON_LENGTH = 500;

/**
 * Upstream's own reason, for the client: FastAPI-style `{"detail": "…"}` (or `{"detail": {"message": …}}`, or a
 * list of validation errors), or a short plain-text body. Credentials are redacted and the length is capped.
 */
function upstreamReason(body: unknown): string | undefined {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (typeof body === 'object' && body !== null && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === 'string') text = detail;
    else if (typeof detail === 'object' && detail !== null) {
      const first: unknown = Array.isArray(detail) ? detail[0] : detail;
      const message =
        typeof first === 'object' && first !== null
          ? ((first as Record<string, unknown>).msg ?? (first as Record<string, unknown>).message)
          : undefined;
      text = typeof message === 'string' ? message : JSON.stringify(detail);
    }
  }
  text = text?.replace(/\s+/g, ' ').trim();
  if (!text || text.startsWith('<')) return undefined; // empty, or an HTML error page
  const safe = redactSecrets(text);
  return safe.length > MAX_REASON_LENGTH ? `${safe.slice(0, MAX_REASON_LENGTH)}…` : safe;
}

/** An upstream error answer as the OpenAI envelope (its own when it has one). */
export function asEnvelope(body: unknown, status: number): OpenAiErrorBody {
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object') {
    const error = (body as { error: Record<string, unknown> }).error;
    const code =
      typeof error.code === 'string'
        ? error.code
        : typeof error.type === 'string'
          ? error.type
          : `http_${status}`;
    return {
      error: {
        ...error,
        message: typeof error.message === 'string' ? error.message : `Upstream answered ${status}.`,
        type: typeof error.type === 'string' ? error.type : 'server_error',
        code,
      },
    };
  }
  const reason = upstreamReason(body);
  return clientErrorBody(
    `http_${status}`,
    reason === undefined
      ? `Upstream answered HTTP ${status}.`
      : `Upstream answered HTTP ${status}: ${reason}`,
  );
}

async function readCapped(body: AsyncIterable<Uint8Array> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ERROR_BODY) {
      body.destroy?.();
      break;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The named headers that are present, joined when repeated. */
export function pick(
  headers: Record<string, string | string[] | undefined>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && v.length > 0) out[name] = v.join(', ');
  }
  return out;
}

/** JSON when it parses, else the text. */
export function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
