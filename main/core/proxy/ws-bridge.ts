/**
 * One client WebSocket bridged to at most one upstream socket at a time: client frames are taken in order (the
 * Codex CLI sends the next `response.create` only after the previous response ended), each `response.create`
 * is one pooled response ({@link runWsResponse}); closing either side closes the other.
 */
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import {
  MAX_WS_CREATE_BYTES,
  clientErrorBody,
  oversizeFrameError,
  parseWsClientMessage,
  wrappedErrorEvent,
} from '../protocol';
import { ConversationContext } from './ws-context';
import { runWsResponse, type WsExchangeDeps } from './ws-exchange';
import { SERVER_STOPPING, type UpstreamBinding, type WsConnection } from './ws-types';

/**
 * Bytes queued for a client above which the pool stops reading (upstream and the client itself), and below which
 * it reads again. The client too: each frame it sends is answered, so one that sends without reading would
 * otherwise make the pool buffer answers without bound.
 */
const CLIENT_BUFFER_HIGH = 4 * 1024 * 1024;
const CLIENT_BUFFER_LOW = 1024 * 1024;

/**
 * Messages waiting behind the response in flight. Responses run one at a time per connection (the Codex CLI waits
 * for each); upstream itself allows 16 in flight per connection, so this is the same bound on what a client holds.
 */
const MAX_QUEUED_MESSAGES = 16;
/** And their bytes: one full-size `response.create` may wait, not sixteen (≈240 MiB). */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/** Close code when Codex Pool stops (RFC 6455 "going away"): the client reconnects or falls back. */
const CLOSE_GOING_AWAY = 1001;

/** A bridged client connection, as the upgrade handler keeps it. */
export interface BridgedConnection {
  /** Finishes the response in flight (if any), refuses new ones, then closes the client socket. */
  shutdown(): Promise<void>;
  /** Cuts the connection now, upstream socket included. */
  terminate(): void;
}

/**
 * A client connection before and after its handshake: `attach` gives it the accepted client socket; `flushed`
 * resolves once everything sent so far is written out (compression is asynchronous).
 */
export type PendingConnection = WsConnection & { attach(client: WebSocket): void; flushed(): Promise<void> };

/** The connection state of one client, created before its handshake so an upstream socket can be bound early. */
export function createWsConnection(inbound: IncomingHttpHeaders, pingMs: number): PendingConnection {
  let binding: UpstreamBinding | undefined;
  let client: WebSocket | undefined;
  let paused = false;
  let written: Promise<void> = Promise.resolve();
  return {
    inbound,
    turnState: undefined,
    get binding() {
      return binding;
    },
    bind(next) {
      binding = next;
      // A client still behind holds the new socket too; the next send callback that finds it caught up resumes it.
      if (paused) next.socket.pause();
      // An upstream socket that closes while idle is simply forgotten; the next turn opens a new one.
      next.socket.on('error', () => undefined);
      const stopPinging = keepAlive(next.socket, pingMs, () => paused);
      next.socket.once('close', () => {
        stopPinging();
        if (binding === next) binding = undefined;
      });
    },
    dropBinding() {
      const current = binding;
      binding = undefined;
      if (current && current.socket.readyState !== WebSocket.CLOSED) current.socket.terminate();
    },
    send(text) {
      if (client?.readyState !== WebSocket.OPEN) return;
      const to = client;
      let done: () => void = () => undefined;
      written = new Promise((resolve) => (done = resolve));
      to.send(text, () => {
        done();
        // Written out: read upstream again once the client has caught up.
        if (paused && to.bufferedAmount < CLIENT_BUFFER_LOW) {
          paused = false;
          binding?.socket.resume();
          to.resume();
        }
      });
      // A client that reads slower than we write: stop reading rather than buffer without bound, as the SSE relay
      // does with the client's socket.
      if (!paused && to.bufferedAmount > CLIENT_BUFFER_HIGH) {
        paused = true;
        binding?.socket.pause();
        to.pause();
      }
    },
    attach(accepted) {
      client = accepted;
    },
    flushed: () => written,
  };
}

/**
 * Pings `socket` every `periodMs` and closes it when nothing (a pong, an event) came back for a whole period. Not
 * while it is paused for a slow client: unread, its pongs would look missing. Returns the stop.
 */
function keepAlive(socket: WebSocket, periodMs: number, paused: () => boolean): () => void {
  let heard = true;
  const hear = (): void => void (heard = true);
  socket.on('pong', hear);
  socket.on('message', hear);
  const timer = setInterval(() => {
    if (paused()) return void (heard = true);
    if (!heard) return socket.terminate();
    heard = false;
    socket.ping();
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Bridges an accepted client socket. `route` is the client route, for the request log. */
export function bridgeConnection(
  deps: WsExchangeDeps,
  client: WebSocket,
  conn: PendingConnection,
  route: string,
): BridgedConnection {
  conn.attach(client);
  const closed = new AbortController();
  const context = new ConversationContext();
  const queue: string[] = [];
  let queuedBytes = 0;
  let busy: Promise<void> | undefined;
  let stopping = false;

  const refuse = (status: number, body: Parameters<typeof wrappedErrorEvent>[1]): void =>
    conn.send(wrappedErrorEvent(status, body));

  const pump = (): void => {
    if (busy || closed.signal.aborted) return;
    const text = queue.shift();
    if (text === undefined) return;
    queuedBytes -= Buffer.byteLength(text);
    if (stopping) {
      refuse(503, clientErrorBody('server_shutting_down', 'Codex Pool is stopping. Try again in a minute.'));
      return pump();
    }
    const message = parseWsClientMessage(text);
    if (message.kind === 'invalid') {
      refuse(message.status, message.body);
      return pump();
    }
    if (message.kind === 'ack') {
      // Only the socket that produced the response can use its acknowledgement.
      const binding = conn.binding;
      if (binding?.socket.readyState === WebSocket.OPEN) binding.socket.send(text);
      return pump();
    }
    const create = {
      route,
      body: message.body,
      model: message.model,
      raw: text,
      rewritten: message.rewritten,
      ...(message.previousResponseId !== undefined ? { previousResponseId: message.previousResponseId } : {}),
    };
    busy = runWsResponse(deps, conn, context, create, closed.signal).finally(() => {
      busy = undefined;
      pump();
    });
  };

  client.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    // The server's binaryType is the default `nodebuffer`: one Buffer per message (a list only when fragmented).
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    if (isBinary) {
      return refuse(
        400,
        clientErrorBody('invalid_type', 'Binary messages are not supported; send JSON text.'),
      );
    }
    // Answered, not closed (PROTOCOL.md §7): a close or a 413 makes the Codex CLI resend it five times.
    if (bytes.length > MAX_WS_CREATE_BYTES) return refuse(400, oversizeFrameError(bytes.length));
    if (queue.length >= MAX_QUEUED_MESSAGES || queuedBytes + bytes.length > MAX_QUEUED_BYTES) {
      return refuse(
        429,
        clientErrorBody(
          'too_many_queued_responses',
          `At most ${MAX_QUEUED_MESSAGES} messages (${MAX_QUEUED_BYTES / 1024 / 1024} MiB) wait on one connection; send the next one when a response has ended.`,
          { type: 'invalid_request_error' },
        ),
      );
    }
    const text = bytes.toString('utf8');
    queue.push(text);
    queuedBytes += Buffer.byteLength(text);
    pump();
  });
  client.on('error', () => undefined);
  client.once('close', () => {
    closed.abort();
    queue.length = 0;
    queuedBytes = 0;
    conn.dropBinding();
  });

  return {
    async shutdown() {
      stopping = true;
      await busy;
      // The last events may still be compressing, and the terminate that follows a shutdown would discard them.
      // The close frame itself is not compressed: it is written at once. Its answer is not awaited, so a client
      // that does not read while idle cannot hold the stop up.
      await conn.flushed();
      client.close(CLOSE_GOING_AWAY, 'Codex Pool is stopping');
    },
    terminate() {
      // The response cut off here was ours to end, not the client's: its log row says so.
      closed.abort(SERVER_STOPPING);
      conn.dropBinding();
      client.terminate();
    },
  };
}
