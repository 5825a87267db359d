/**
 * Reads one response's events from an upstream socket and relays them to the client, with the same hold-back
 * as the SSE relay (BALANCER.md §7, Pool): `response.created`, `response.in_progress` and `codex.rate_limits`
 * wait for the next event, so an error right after them is still a failure before the first byte. Stall
 * watchdogs as over HTTP: the opening wait (`headersMs`) and the idle bound once events flow (`bodyIdleMs`).
 */
import type WebSocket from 'ws';
import type { UpstreamOutcome } from '../balancer';
import {
  classifyStreamFailure,
  clientErrorBody,
  parseCodexRateLimitsEvent,
  streamFailureError,
  wrappedErrorEvent,
  type JsonObject,
} from '../protocol';
import { isRecord } from '../protocol/json';
import { OutputCollector } from './ws-context';
import type { WsConnection, WsResponseRun, WsTryDeps } from './ws-types';

const HELD_TYPES: ReadonlySet<string> = new Set([
  'response.created',
  'response.in_progress',
  'codex.rate_limits',
]);
const FAILURE_TYPES: ReadonlySet<string> = new Set(['response.failed', 'error']);
const DONE_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);

/** How reading one response ended. */
export type ReadEnd =
  | { kind: 'completed' }
  /** A failure event (already relayed to the client), or a drop / stall answered with the terminal error event. */
  | { kind: 'failed_after_bytes'; outcome: UpstreamOutcome; code: string }
  /** A wrapped `error` or `response.failed` before anything reached the client. */
  | { kind: 'failed_before_bytes'; payload: JsonObject }
  /** The socket closed or stalled before anything reached the client. */
  | { kind: 'dropped_before_bytes'; outcome: UpstreamOutcome; message: string }
  | { kind: 'client_gone' };

/** The status of the terminal error event for a broken stream: a gateway failure the Codex CLI retries. */
const BROKEN_STREAM_STATUS = 502;

/** Reads until the response is decided. Resolves once; never rejects. */
export function readEvents(
  deps: WsTryDeps,
  conn: WsConnection,
  socket: WebSocket,
  run: WsResponseRun,
): Promise<ReadEnd> {
  run.output = new OutputCollector();
  return new Promise((resolve) => {
    const held: string[] = [];
    let sawEvent = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (end: ReadEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      run.signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    /** After bytes: the client hears a terminal error event, never a silent end (PROTOCOL.md §7). */
    const breakStream = (code: string, message: string): void => {
      conn.send(
        wrappedErrorEvent(BROKEN_STREAM_STATUS, clientErrorBody(code, message, { type: 'server_error' })),
      );
      finish({ kind: 'failed_after_bytes', outcome: { kind: 'transient', code }, code });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(onStall, run.wrote ? deps.timeouts.bodyIdleMs : deps.timeouts.headersMs);
    };
    function onStall(): void {
      // The socket's state is unknown now: it is closed, and the next try opens a fresh one.
      socket.terminate();
      if (run.wrote)
        return breakStream(
          'stream_idle_timeout',
          'The upstream stream stalled and was closed by Codex Pool.',
        );
      finish({
        kind: 'dropped_before_bytes',
        outcome: { kind: 'transient', code: sawEvent ? 'upstream_stalled' : 'upstream_headers_timeout' },
        message: 'The ChatGPT backend did not answer within the time allowed. Try again in a minute.',
      });
    }
    function onAbort(): void {
      finish({ kind: 'client_gone' });
    }
    function onClose(): void {
      if (run.wrote)
        return breakStream(
          'stream_incomplete',
          'The upstream WebSocket closed before the response completed.',
        );
      finish({
        kind: 'dropped_before_bytes',
        outcome: { kind: 'transient', code: 'stream_incomplete' },
        message: 'The upstream WebSocket closed before the response started.',
      });
    }
    function onMessage(data: WebSocket.RawData, isBinary: boolean): void {
      if (isBinary) return; // upstream speaks JSON text only; a binary frame is nothing a client could use
      const text = data.toString();
      let payload: JsonObject | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (isRecord(parsed)) payload = parsed;
      } catch {
        payload = undefined;
      }
      const type = typeof payload?.type === 'string' ? payload.type : undefined;
      sawEvent = true;
      if (payload) observe(deps, conn, run, type, payload);
      if (!run.wrote) {
        if (type !== undefined && FAILURE_TYPES.has(type) && payload) {
          return finish({ kind: 'failed_before_bytes', payload });
        }
        if (type === undefined || HELD_TYPES.has(type)) {
          held.push(text);
          return arm();
        }
        run.wrote = true;
        for (const h of held.splice(0)) conn.send(h);
      }
      conn.send(text);
      if (type !== undefined && DONE_TYPES.has(type)) return finish({ kind: 'completed' });
      if (type !== undefined && FAILURE_TYPES.has(type)) {
        const outcome = classifyStreamFailure(payload, deps.now());
        return finish({
          kind: 'failed_after_bytes',
          outcome,
          code: streamFailureError(payload ?? {}).error.code,
        });
      }
      arm();
    }

    if (run.signal.aborted) return finish({ kind: 'client_gone' });
    socket.on('message', onMessage);
    socket.on('close', onClose);
    run.signal.addEventListener('abort', onAbort, { once: true });
    if (socket.readyState !== socket.OPEN) return onClose();
    arm();
  });
}

/** Learns quota, ids, usage and output items from an event. */
function observe(
  deps: WsTryDeps,
  conn: WsConnection,
  run: WsResponseRun,
  type: string | undefined,
  payload: JsonObject,
): void {
  run.facts.ttfbAt ??= deps.nowMs();
  if (type === 'codex.rate_limits') {
    const sample = parseCodexRateLimitsEvent(payload, deps.now());
    const accountId = conn.binding?.accountId;
    if (sample && accountId !== undefined) deps.pool.ingestSample(accountId, sample);
    return;
  }
  run.output.observe(type, payload);
  const response = payload.response;
  if (isRecord(response)) {
    if (typeof response.id === 'string') run.facts.responseId = response.id;
    if (isRecord(response.usage)) run.facts.usage = response.usage;
  }
}
