import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawData, WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { Backend } from './backend';
import { httpFault } from './faults';
import { str } from './http-util';
import { MODELS_ETAG } from './models';
import type { StreamOutcome } from './responses';
import type { RecordedRequest, RequestLog } from './server';
import type { Account } from './state';

/** The one path upstream serves Responses over WebSocket on (PROTOCOL.md §7). */
export const WS_PATH = '/backend-api/codex/responses';

export interface WebSocketLimits {
  /** Frames above this are refused by closing the connection with 1009 (upstream fails at ~16 MiB). */
  maxFrameBytes: number;
  /** After this long a connection ends with `websocket_connection_limit_reached` (upstream: 60 min). */
  lifetimeMs: number;
}

export const DEFAULT_WS_LIMITS: WebSocketLimits = {
  maxFrameBytes: 16 * 1024 * 1024,
  lifetimeMs: 60 * 60 * 1000,
};

const LIMIT_REACHED = {
  type: 'invalid_request_error',
  code: 'websocket_connection_limit_reached',
  message:
    'Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.',
};

/** One client connection and its connection-local state. */
interface Connection {
  id: number;
  ws: WebSocket;
  req: IncomingMessage;
  account: Account;
  /** The most recent response on this connection: what `previous_response_id` may chain from. */
  last?: { id: string; items: unknown[]; bytes: number };
  /** Frames are answered one at a time, in order, as upstream does. */
  queue: Promise<void>;
  busy: boolean;
  expired: boolean;
  closed: AbortController;
  /** Answers nothing, pings included: a peer gone silent (a NAT that dropped the mapping, a dead host). */
  muted: boolean;
  /** `socket.bytesRead` at the previous frame: the wire (compressed) size of the next one. */
  bytesRead: number;
}

export interface WebSocketEndpoint {
  limits: WebSocketLimits;
  /**
   * `openai-model` of the upgrade response; unset by default because the CLI shows "model rerouted" when it
   * differs from the model it asks for, and no model is known at the upgrade.
   */
  upgradeModel: string | undefined;
  /** Makes every open connection a silent peer: no pong, no answer to any frame; it still sees a close. */
  muteOpenConnections(): void;
  /** Connections open now, ever accepted, and upgrades held unanswered by a `stall` handshake fault now. */
  readonly stats: { open: number; accepted: number; stalledHandshakes: number };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** Upstream's error body as the wrapped `error` event: `{type:'error', status, error, headers}` (§7). */
function wrappedError(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): Record<string, unknown> {
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
  const detail = isRecord(body) ? str(body['detail']) : undefined;
  return {
    type: 'error',
    status,
    error: error ?? { type: 'invalid_request_error', message: detail ?? 'Request failed.' },
    ...(headers && Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

/** Answer a refused upgrade as a plain HTTP response on the raw socket. */
function refuse(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/**
 * Serve `response.create` over WebSocket on the HTTP server's upgrade event: the same auth, replies,
 * faults and usage as the SSE route, with the connection-local cache behind `previous_response_id`.
 */
export function attachWebSocket(
  server: Server,
  backend: Backend,
  log: RequestLog,
  now: () => number,
  closing: AbortSignal,
): WebSocketEndpoint {
  const endpoint: WebSocketEndpoint = {
    limits: { ...DEFAULT_WS_LIMITS },
    upgradeModel: undefined,
    muteOpenConnections: () => {
      for (const c of connections) c.muted = true;
    },
    stats: { open: 0, accepted: 0, stalledHandshakes: 0 },
  };
  // Pongs are sent by hand, so a muted connection can stop answering them.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true, autoPong: false });
  const connections = new Set<Connection>();
  const stalled = new Set<Duplex>();
  let ids = 0;
  let turnStates = 0;
  wss.on('headers', (headers) => {
    // What the CLI reads from the upgrade response (codex-api responses_websocket.rs `connect_websocket`).
    headers.push(
      `x-codex-turn-state: ts_ws_${++turnStates}`,
      `x-models-etag: ${MODELS_ETAG}`,
      'x-reasoning-included: true',
    );
    if (endpoint.upgradeModel) headers.push(`openai-model: ${endpoint.upgradeModel}`);
  });
  closing.addEventListener('abort', () => {
    for (const c of connections) c.ws.terminate();
    for (const s of stalled) s.destroy();
    wss.close();
  });

  const baseRecord = (req: IncomingMessage, c?: Connection): RecordedRequest => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    return {
      seq: log.nextSeq(),
      at: now(),
      method: 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      body: undefined,
      rawBody: Buffer.alloc(0),
      transport: 'websocket',
      ...(c ? { connectionId: c.id, accountId: c.account.id, accountEmail: c.account.email } : {}),
    };
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const record = baseRecord(req);
    const finish = (status: number) => {
      record.status = status;
      log.record(record);
    };
    if (record.path !== WS_PATH) {
      finish(404);
      return refuse(socket, 404, { detail: 'Not Found' });
    }
    const { account, error } = backend.identify(req, true);
    if (account) Object.assign(record, { accountId: account.id, accountEmail: account.email });
    if (error || !account) {
      finish(error?.status ?? 401);
      return refuse(socket, error?.status ?? 401, error?.body ?? {});
    }
    const fault = backend.takeFault('websocket_handshake', account);
    if (fault?.kind === 'reset_before_headers') {
      finish(0);
      return void socket.destroy();
    }
    // Holds the upgrade unanswered until the client gives up on it (`handshakeStalls` counts those still held).
    if (fault?.kind === 'stall') {
      finish(0);
      stalled.add(socket);
      endpoint.stats.stalledHandshakes = stalled.size;
      socket.on('error', () => undefined);
      // Reading is what notices the client's FIN; the server's sockets are half-open, so end ours too.
      socket.resume();
      socket.once('end', () => socket.destroy());
      socket.once('close', () => {
        stalled.delete(socket);
        endpoint.stats.stalledHandshakes = stalled.size;
      });
      return;
    }
    if (fault) {
      const f = httpFault(fault, { model: '', planType: account.planType, now: now() });
      finish(f.status);
      return refuse(socket, f.status, f.body);
    }
    wss.options.maxPayload = endpoint.limits.maxFrameBytes;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const c: Connection = {
        id: ++ids,
        ws,
        req,
        account,
        queue: Promise.resolve(),
        busy: false,
        expired: false,
        closed: new AbortController(),
        muted: false,
        bytesRead: req.socket.bytesRead,
      };
      record.connectionId = c.id;
      finish(101);
      open(c);
    });
  });

  function open(c: Connection): void {
    connections.add(c);
    endpoint.stats.accepted += 1;
    endpoint.stats.open += 1;
    const lifetime = setTimeout(() => {
      c.expired = true;
      if (!c.busy) endByLimit(c);
    }, endpoint.limits.lifetimeMs);
    lifetime.unref();
    c.ws.on('ping', (data: Buffer) => {
      if (!c.muted) c.ws.pong(data);
    });
    c.ws.on('message', (data: RawData, isBinary: boolean) => {
      if (c.muted) return;
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const wire = c.req.socket.bytesRead - c.bytesRead;
      c.bytesRead = c.req.socket.bytesRead;
      c.queue = c.queue.then(() => onFrame(c, raw, isBinary, wire)).catch(() => c.ws.terminate());
    });
    c.ws.on('error', (e: Error & { code?: string }) => {
      // ws refuses a frame over maxPayload by closing with 1009; record it so tests can see which frame.
      if (e.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
      const record = baseRecord(c.req, c);
      record.frameType = 'oversize';
      record.status = 1009;
      log.record(record);
    });
    c.ws.on('close', () => {
      clearTimeout(lifetime);
      connections.delete(c);
      endpoint.stats.open -= 1;
      c.closed.abort();
    });
  }

  function send(c: Connection, event: Record<string, unknown>): Promise<void> {
    return new Promise((resolve, reject) =>
      c.ws.send(JSON.stringify(event), (e) => (e ? reject(e) : resolve())),
    );
  }

  function endByLimit(c: Connection): void {
    void send(c, wrappedError(400, { error: LIMIT_REACHED }))
      .then(() => c.ws.close(1000, 'connection limit reached'))
      .catch(() => c.ws.terminate());
  }

  async function onFrame(c: Connection, raw: Buffer, isBinary: boolean, wire: number): Promise<void> {
    const record = baseRecord(c.req, c);
    record.rawBody = raw;
    record.wireBytes = wire;
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(raw.toString('utf8'));
    } catch {
      frame = undefined;
    }
    record.body = isRecord(frame) ? frame : undefined;
    record.frameType = str(record.body?.['type']) ?? 'invalid';
    log.record(record);
    const done = (status: number, outcome?: StreamOutcome) => {
      record.status = status;
      if (outcome) record.outcome = outcome;
      log.update(record);
    };
    if (record.frameType === 'response.processed') return done(200);
    if (record.frameType !== 'response.create' || !record.body) {
      await send(c, wrappedError(400, { detail: `Unsupported websocket event: ${record.frameType}` }));
      return done(400);
    }
    if (c.expired) {
      endByLimit(c);
      return done(400);
    }
    c.busy = true;
    try {
      const outcome = await create(c, record.body, raw.length, done);
      if (outcome) done(200, outcome);
    } finally {
      c.busy = false;
    }
    if (c.expired && c.ws.readyState === c.ws.OPEN) endByLimit(c);
  }

  /** One `response.create`; resolves with the stream's outcome, or undefined when `done` was called. */
  async function create(
    c: Connection,
    frame: Record<string, unknown>,
    rawLength: number,
    done: (status: number, outcome?: StreamOutcome) => void,
  ): Promise<StreamOutcome | undefined> {
    const { type: _type, previous_response_id: prev, generate, ...rest } = frame;
    const newItems = Array.isArray(rest['input']) ? (rest['input'] as unknown[]) : [];
    let items = newItems;
    let bytes = rawLength;
    if (prev !== undefined && prev !== null) {
      if (!c.last || c.last.id !== prev) {
        const f = httpFault(
          { kind: 'previous_response_not_found' },
          { model: '', planType: c.account.planType, now: now(), previousResponseId: String(prev) },
        );
        await send(c, wrappedError(f.status, f.body));
        done(f.status);
        return undefined;
      }
      items = [...c.last.items, ...newItems];
      bytes += c.last.bytes;
    }
    const body: Record<string, unknown> = { ...rest, input: items };
    if (generate === false) return warmUp(c, body, bytes);
    const header = c.req.headers['session_id'];
    const cacheKey = str(body['prompt_cache_key']) ?? (typeof header === 'string' ? header : undefined);
    const planned = backend.planResponse(c.account, { body, rawLength: bytes, cacheKey });
    if (planned.kind === 'reset') {
      c.ws.terminate();
      done(0, 'cut');
      return undefined;
    }
    if (planned.kind === 'error') {
      await send(c, wrappedError(planned.status, planned.body, planned.headers));
      done(planned.status);
      return undefined;
    }
    const signal = c.closed.signal;
    const events = planned.rateLimits ? [planned.rateLimits, ...planned.events] : planned.events;
    const { plan } = planned;
    const limit = plan.cutAfter ?? plan.stallAfter;
    backend.streams.peak = Math.max(backend.streams.peak, ++backend.streams.open);
    try {
      const wait = (planned.delayMs ?? 0) + (plan.firstByteDelayMs ?? 0);
      if (wait > 0) await sleep(wait, undefined, { signal });
      for (let i = 0; i < events.length; i++) {
        if (i === limit) {
          if (plan.cutAfter !== undefined) {
            c.ws.terminate();
            return 'cut';
          }
          // Hold the response open until the connection ends (a close before this point ends it at once).
          if (!signal.aborted)
            await new Promise<void>((resolve) =>
              signal.addEventListener('abort', () => resolve(), { once: true }),
            );
          return 'stalled';
        }
        if (i > 0 && plan.gapMs) {
          const [min, max] = plan.gapMs;
          await sleep(min + Math.random() * (max - min), undefined, { signal });
        }
        await send(c, { ...events[i], sequence_number: i });
      }
    } catch {
      return 'aborted';
    } finally {
      backend.streams.open -= 1;
    }
    if (planned.familyId) {
      backend.consume(c.account, planned.familyId);
      const output = Array.isArray(planned.response['output'])
        ? (planned.response['output'] as unknown[])
        : [];
      c.last = { id: String(planned.response['id']), items: [...items, ...output], bytes };
    }
    return 'completed';
  }

  /** `generate: false`: prepare the chain without running the model (nothing is spent). */
  async function warmUp(c: Connection, body: Record<string, unknown>, bytes: number): Promise<StreamOutcome> {
    const id = `resp_sim_ws_warmup_${c.id}_${++turnStates}`;
    const response = {
      id,
      object: 'response',
      created_at: now(),
      model: str(body['model']) ?? '',
      status: 'completed',
      output: [],
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    };
    await send(c, { type: 'response.created', response: { ...response, status: 'in_progress' } });
    await send(c, { type: 'response.completed', response });
    c.last = { id, items: body['input'] as unknown[], bytes };
    return 'completed';
  }

  return endpoint;
}
