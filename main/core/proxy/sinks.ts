import type { ServerResponse } from 'node:http';
import {
  SSE_DONE_FRAME,
  collectChatCompletion,
  collectResponse,
  createChatStreamTranslator,
  formatSseData,
  formatSseEvent,
  type OpenAiErrorBody,
} from '../protocol';
import { sendJson } from '../http/respond';
import type { RelayedEvent, RelaySink } from './stream-relay';

/** How a stream that reached the client ended without a terminal event of its own. */
export interface StreamFailure {
  code: string;
  message: string;
}

/**
 * Presents one upstream Responses stream to one kind of client. The exchange decides accounts, retries and
 * failover; a sink only writes. `wrote` tells the exchange whether failover is still possible.
 */
export interface ResponseSink extends RelaySink {
  /** Parse every event (translating sinks) or only the ones the proxy inspects (the raw pass-through). */
  readonly parseAll: boolean;
  /** True once anything reached the client. */
  readonly wrote: boolean;
  /** Headers to send with the success response (turn state, request id, pooled quota). */
  setHeaders(headers: Record<string, string>): void;
  /** The stream reached a terminal event (already passed to `event`). */
  complete(): void;
  /** The stream broke after bytes reached the client: end it with a terminal failure the client understands. */
  abort(failure: StreamFailure): void;
}

/** As name, value, name, value…: `writeHead` takes that list as it is. */
const SSE_HEADERS = [
  'content-type',
  'text/event-stream; charset=utf-8',
  'cache-control',
  'no-cache',
  'x-accel-buffering',
  'no',
];

/** Writes with backpressure: resolves when the socket has room again, or the client is gone. */
function write(res: ServerResponse, data: string | Buffer): void | Promise<void> {
  if (res.destroyed) return;
  if (res.write(data)) return;
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * One write for many parts: views that sit side by side in one buffer (the events of one upstream chunk) are
 * joined without a copy.
 */
function joined(parts: Buffer[]): Buffer {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.buffer !== first.buffer || p.byteOffset !== end) return Buffer.concat(parts);
    end += p.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** What the two streaming sinks share: SSE response headers, written once at commit; writes batched per chunk. */
abstract class SseSink implements ResponseSink {
  abstract readonly parseAll: boolean;
  wrote = false;
  private headers: Record<string, string> = {};
  /** What the events of the current chunk produced, written by `flush`. */
  protected pending: (Buffer | string)[] = [];

  constructor(protected readonly res: ServerResponse) {}

  setHeaders(headers: Record<string, string>): void {
    this.headers = headers;
  }

  /** The status line and headers go out with the first events, in the same write (`flush` follows at once). */
  commit(): void {
    this.wrote = true;
    // A flat list rather than `{ ...SSE_HEADERS, ...headers }`: on this V8 a spread that adds keys costs ~1 µs
    // per key, on every stream (issue 14).
    const head = SSE_HEADERS.slice();
    for (const name in this.headers) head.push(name, this.headers[name]!);
    this.res.writeHead(200, head);
  }

  flush(): void | Promise<void> {
    const parts = this.pending;
    if (parts.length === 0) return;
    this.pending = [];
    return write(this.res, this.join(parts));
  }

  /** Takes what `flush` has not written yet. */
  protected take(): Buffer | string {
    const parts = this.pending;
    this.pending = [];
    return parts.length === 0 ? '' : this.join(parts);
  }

  protected abstract join(parts: (Buffer | string)[]): Buffer | string;
  abstract event(event: RelayedEvent): void;
  abstract complete(): void;
  abstract abort(failure: StreamFailure): void;
}

/**
 * The Codex / Responses SSE pass-through: upstream's event bytes go to the client unchanged, as they arrive.
 */
export class RawSseSink extends SseSink {
  readonly parseAll = false;

  /**
   * @param drop event types not forwarded: OpenAI SDK clients get no `codex.rate_limits` (its stream helpers
   *   throw on event types they do not know); Codex clients get everything.
   */
  constructor(
    res: ServerResponse,
    private readonly drop: ReadonlySet<string> = new Set(),
  ) {
    super(res);
  }

  event(event: RelayedEvent): void {
    if (event.type !== undefined && this.drop.has(event.type)) return;
    this.pending.push(event.raw);
  }

  protected join(parts: (Buffer | string)[]): Buffer {
    return joined(parts as Buffer[]);
  }

  complete(): void {
    this.res.end(this.take());
  }

  abort(failure: StreamFailure): void {
    const failed = {
      type: 'response.failed',
      response: {
        object: 'response',
        status: 'failed',
        error: { code: failure.code, message: failure.message },
        incomplete_details: null,
      },
    };
    // A partial event may still be open on the wire: a blank line closes it before ours.
    const rest = this.take();
    if (rest.length > 0) this.res.write(rest);
    this.res.end('\n' + formatSseEvent('response.failed', failed));
  }
}

/** Chat Completions streaming: each upstream event becomes `chat.completion.chunk` frames (PROTOCOL.md §11). */
export class ChatStreamSink extends SseSink {
  readonly parseAll = true;
  private readonly translator;

  constructor(res: ServerResponse, options: { model: string; includeUsage: boolean; now: number }) {
    super(res);
    this.translator = createChatStreamTranslator(options);
  }

  event(event: RelayedEvent): void {
    if (!event.payload) return;
    for (const frame of this.translator.push(event.payload)) this.pending.push(frame);
  }

  protected join(parts: (Buffer | string)[]): string {
    return parts.join('');
  }

  complete(): void {
    this.res.end(this.take() + this.translator.end().join(''));
  }

  abort(failure: StreamFailure): void {
    const frames = this.translator.finished
      ? []
      : [
          formatSseData({ error: { message: failure.message, type: 'server_error', code: failure.code } }),
          SSE_DONE_FRAME,
        ];
    this.res.end(this.take() + frames.join(''));
  }
}

/**
 * Non-streaming clients (`stream:false` on /v1/responses or /v1/chat/completions): upstream always streams, so
 * the events are collected and answered as one JSON object. Nothing is written before the end, so a failure at
 * any point still allows failover.
 */
export class CollectSink implements ResponseSink {
  readonly parseAll = true;
  readonly wrote = false;
  private readonly events: unknown[] = [];
  private headers: Record<string, string> = {};

  constructor(
    private readonly res: ServerResponse,
    private readonly collect: (
      events: unknown[],
    ) => { ok: true; value: unknown } | { ok: false; status: number; body: OpenAiErrorBody },
  ) {}

  setHeaders(headers: Record<string, string>): void {
    this.headers = headers;
  }

  commit(): void {}

  event(event: RelayedEvent): void {
    if (event.payload) this.events.push(event.payload);
  }

  flush(): void {}

  complete(): void {
    const result = this.collect(this.events);
    if (result.ok) sendJson(this.res, 200, result.value, this.headers);
    else sendJson(this.res, result.status, result.body, this.headers);
  }

  abort(failure: StreamFailure): void {
    sendJson(this.res, 502, {
      error: { message: failure.message, type: 'server_error', code: failure.code },
    });
  }
}

/** A collector for non-streaming `/v1/responses`. */
export function responseCollector(res: ServerResponse): CollectSink {
  return new CollectSink(res, (events) => collectResponse(events));
}

/** A collector for non-streaming `/v1/chat/completions`. */
export function chatCollector(res: ServerResponse, options: { model: string; now: number }): CollectSink {
  return new CollectSink(res, (events) => collectChatCompletion(events, options));
}
