/**
 * One `response.create` on one account over an upstream WebSocket: reuse or open the connection's upstream
 * socket, send the frame (only the new items while upstream still holds the conversation, the whole context
 * otherwise), relay the events to the client, and report the same {@link TryResult} as an HTTP try, so the
 * balancer's retry and failover rules apply unchanged (BALANCER.md §7).
 */
import type { UpstreamOutcome } from '../balancer';
import {
  RESPONSES_WEBSOCKET_BETA,
  buildUpstreamHeaders,
  classifyNetworkError,
  classifyStreamFailure,
  classifyUpstreamError,
  clientErrorBody,
  httpStatusForError,
  isConnectionLimitError,
  isPreviousResponseNotFound,
  shouldRefreshAndRetry,
  streamFailureError,
  type JsonObject,
} from '../protocol';
import { openUpstreamSocket, upstreamSocketUrl, type UpstreamSocketResult } from '../upstream/ws-connect';
import type { TryResult } from './upstream-attempt';
import { asEnvelope, parseJsonOrText, pick, retryAfterFromReset } from './upstream-attempt';
import type { WsConnection, WsResponseRun, WsTryDeps } from './ws-types';
import { readEvents, type ReadEnd } from './ws-read';

/** Upstream closes a connection after 60 minutes (§7); one opened this long ago is replaced before a new turn. */
export const UPSTREAM_SOCKET_MAX_AGE_MS = 55 * 60_000;
/** Reconnects within one try after `websocket_connection_limit_reached`: not the account's fault, not a retry. */
const MAX_TRANSPARENT_RECONNECTS = 2;

/** Headers of the upstream upgrade: the HTTP ones (§4.1–4.2) minus the WebSocket handshake's own, plus the beta. */
function upgradeHeaders(deps: WsTryDeps, conn: WsConnection, accessToken: string, chatgptAccountId: string) {
  const headers = buildUpstreamHeaders({
    inbound: conn.inbound,
    accessToken,
    chatgptAccountId,
    persona: deps.persona,
    newRequestId: deps.newRequestId,
  });
  for (const name of Object.keys(headers)) if (name.startsWith('sec-websocket-')) delete headers[name];
  delete headers.accept;
  delete headers['content-type'];
  headers['openai-beta'] = RESPONSES_WEBSOCKET_BETA;
  // A reconnect within a conversation carries the turn state upstream gave this connection.
  if (conn.turnState !== undefined && headers['x-codex-turn-state'] === undefined)
    headers['x-codex-turn-state'] = conn.turnState;
  return headers;
}

/**
 * Opens an upstream socket for `accountId` and binds the connection to it (closing any other), keeping the
 * turn state upstream's upgrade carried. Resolves with how the handshake ended; the relayed upgrade headers are
 * in `headers` of an open result.
 */
export async function openBinding(
  deps: WsTryDeps,
  conn: WsConnection,
  accountId: string,
  accessToken: string,
  chatgptAccountId: string,
  options: { signal: AbortSignal; handshakeTimeoutMs: number },
): Promise<UpstreamSocketResult> {
  conn.dropBinding();
  const opened = await openUpstreamSocket({
    url: upstreamSocketUrl(deps.upstreamBaseUrl, '/codex/responses'),
    headers: upgradeHeaders(deps, conn, accessToken, chatgptAccountId),
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    maxPayload: deps.maxUpstreamPayload,
    signal: options.signal,
  });
  if (opened.kind !== 'open') return opened;
  const turnState = pick(opened.headers, ['x-codex-turn-state'])['x-codex-turn-state'];
  if (turnState !== undefined) conn.turnState = turnState;
  conn.bind({
    accountId,
    accessToken,
    socket: opened.socket,
    openedAt: deps.nowMs(),
    lastResponseId: undefined,
  });
  return opened;
}

/**
 * Runs one try of `run` on `accountId`. Never throws for upstream trouble: every ending is a {@link TryResult}.
 */
export async function tryWebSocket(
  deps: WsTryDeps,
  conn: WsConnection,
  run: WsResponseRun,
  accountId: string,
  accessToken: string,
  chatgptAccountId: string,
): Promise<TryResult> {
  let reconnects = 0;
  let resentFull = false;
  for (;;) {
    if (run.signal.aborted) return { kind: 'client_gone' };
    const bound = conn.binding;
    const reusable =
      bound !== undefined &&
      bound.accountId === accountId &&
      // After a refresh the old socket still speaks with the old token: a 401 on it would repeat.
      bound.accessToken === accessToken &&
      bound.socket.readyState === bound.socket.OPEN &&
      deps.nowMs() - bound.openedAt < UPSTREAM_SOCKET_MAX_AGE_MS;
    if (!reusable) {
      const opened = await openBinding(deps, conn, accountId, accessToken, chatgptAccountId, {
        signal: run.signal,
        handshakeTimeoutMs: deps.timeouts.connectMs + deps.timeouts.headersMs,
      });
      if (opened.kind === 'error') {
        if (run.signal.aborted) return { kind: 'client_gone' };
        return handshakeError(opened.error);
      }
      if (opened.kind === 'refused') return refused(deps, opened.status, opened.body, opened.headers);
    }
    const binding = conn.binding!;
    // Upstream knows the previous response only on the socket that produced it; anywhere else, send it all.
    const incremental =
      !resentFull &&
      run.previousResponseId !== undefined &&
      binding.lastResponseId === run.previousResponseId;
    const frame = incremental ? run.clientFrame() : run.fullFrame();
    if (frame === undefined) {
      // A previous_response_id this connection never completed: upstream decides (previous_response_not_found).
      binding.socket.send(run.clientFrame());
    } else binding.socket.send(frame);

    const end = await readEvents(deps, conn, binding.socket, run);
    const next = decide(deps, conn, run, end, { incremental, reconnects });
    if (next === 'reconnect') {
      reconnects += 1;
      conn.dropBinding();
      continue;
    }
    if (next === 'resend_full') {
      resentFull = true;
      continue;
    }
    return next;
  }
}

/** Turns how the events ended into a try result, or a transparent step (new socket, full resend). */
function decide(
  deps: WsTryDeps,
  conn: WsConnection,
  run: WsResponseRun,
  end: ReadEnd,
  step: { incremental: boolean; reconnects: number },
): TryResult | 'reconnect' | 'resend_full' {
  switch (end.kind) {
    case 'client_gone':
      conn.dropBinding();
      return { kind: 'client_gone' };
    case 'completed':
      conn.binding!.lastResponseId = run.facts.responseId ?? undefined;
      return { kind: 'delivered', outcome: { kind: 'success' }, status: 200, errorCode: null };
    case 'failed_after_bytes':
      return { kind: 'delivered', outcome: end.outcome, status: 200, errorCode: end.code };
    case 'failed_before_bytes': {
      const payload = end.payload;
      if (isConnectionLimitError(payload) && step.reconnects < MAX_TRANSPARENT_RECONNECTS) return 'reconnect';
      if (isPreviousResponseNotFound(payload) && step.incremental) return 'resend_full';
      return failedEvent(deps, payload);
    }
    case 'dropped_before_bytes':
      conn.dropBinding();
      return failedTransport(end.outcome, end.message);
  }
}

/** A wrapped error or `response.failed` before anything reached the client: an HTTP-like failure. */
function failedEvent(deps: WsTryDeps, payload: JsonObject): TryResult {
  const outcome = classifyStreamFailure(payload, deps.now());
  const body = streamFailureError(payload);
  const status = typeof payload.status === 'number' ? payload.status : httpStatusForError(body.error);
  const headers = stringHeaders(payload.headers);
  return {
    kind: 'failed',
    outcome,
    refreshAndRetry: shouldRefreshAndRetry({ status, body: { error: body.error }, headers }),
    error: {
      status,
      body,
      headers: {
        ...retryAfterFromReset(outcome, deps.now()),
        ...pick(headers, ['retry-after']),
      },
    },
  };
}

/** Upstream answered the upgrade with an HTTP error: classified as the same answer to a POST would be. */
function refused(
  deps: WsTryDeps,
  status: number,
  raw: string,
  headers: Record<string, string | string[] | undefined>,
): TryResult {
  const body = parseJsonOrText(raw);
  const input = { status, body, headers };
  const outcome = classifyUpstreamError(input, deps.now());
  return {
    kind: 'failed',
    outcome,
    refreshAndRetry: shouldRefreshAndRetry(input),
    error: {
      status,
      body: asEnvelope(body, status),
      headers: {
        ...retryAfterFromReset(outcome, deps.now()),
        ...pick(headers, ['retry-after', 'x-request-id']),
      },
    },
  };
}

/** The handshake got no answer: refused, reset, or timed out (a stall of this account: fail over, no retry). */
function handshakeError(error: unknown): TryResult {
  const timedOut = error instanceof Error && /handshake has timed out/i.test(error.message);
  const outcome: UpstreamOutcome = timedOut
    ? { kind: 'transient', code: 'upstream_headers_timeout' }
    : classifyNetworkError(error);
  return failedTransport(
    outcome,
    timedOut
      ? 'The ChatGPT backend did not accept the WebSocket in time. Try again in a minute.'
      : 'Could not open a WebSocket to the ChatGPT backend.',
  );
}

function failedTransport(outcome: UpstreamOutcome, message: string): TryResult {
  const code = 'code' in outcome ? outcome.code : 'upstream_error';
  const stall = code === 'upstream_headers_timeout' || code === 'upstream_stalled';
  return {
    kind: 'failed',
    outcome,
    refreshAndRetry: false,
    error: { status: stall ? 504 : 502, body: clientErrorBody(code, message), headers: {} },
  };
}

/** The string-valued headers of a wrapped error event. */
function stringHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}
