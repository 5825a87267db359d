import type { Readable } from 'node:stream';
import { createSseSplitter, parseSseBlock, parseSsePayload, peekBlockType } from '../protocol';

/** Event types held back until the next event arrives (BALANCER.md §7, Pool): a failure right after them is
 * still a failure before the first byte, so we can fail over instead of breaking the client's stream. */
const HELD_TYPES = new Set(['response.created', 'response.in_progress', 'codex.rate_limits']);
const FAILURE_TYPES = new Set(['response.failed', 'error']);
const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);
/** Types whose payload the proxy reads (ids, usage, quota); every other event is forwarded undecoded. */
const INSPECTED_TYPES = new Set([...HELD_TYPES, ...TERMINAL_TYPES]);

/** The error code of a body destroyed because the opening events were followed by silence. */
export const OPENING_STALL_CODE = 'CODEX_POOL_OPENING_STALL';

/** One event as the relay hands it to a sink. `payload` is parsed only for the types the proxy reads. */
export interface RelayedEvent {
  type: string | undefined;
  payload: Record<string, unknown> | undefined;
  raw: Buffer;
}

/**
 * Where relayed events go: the raw SSE pass-through (Codex, /v1/responses streaming), the chat-completions
 * translator, or a collector for non-streaming clients. `commit` is called once, right before the first event
 * that reaches the client; until then nothing has been written and failover is still possible. `event` takes
 * the events of one upstream chunk; `flush` then writes them, so one chunk costs one socket write, and its
 * promise is the socket's backpressure. The events of the chunk that holds the terminal event are not flushed:
 * the sink's owner completes the response with them.
 */
export interface RelaySink {
  commit(): void;
  event(event: RelayedEvent): void;
  flush(): void | Promise<void>;
}

/** How a relayed stream ended. */
export type RelayResult =
  /** A `response.failed` / `error` arrived before anything reached the client: the caller may fail over. */
  | { kind: 'failed_before_commit'; event: RelayedEvent }
  /** The stream reached a terminal event (completed, failed, incomplete, error) after committing. */
  | { kind: 'terminal'; event: RelayedEvent }
  /** Upstream closed without a terminal event. `committed` tells whether the client saw anything. */
  | { kind: 'truncated'; committed: boolean }
  /** The upstream body errored (reset, idle timeout, client abort). */
  | { kind: 'body_error'; committed: boolean; error: unknown };

/** Something that observes every inspected event (usage samples, response ids, token counts). */
export type EventObserver = (event: RelayedEvent) => void;

/** How to relay. */
export interface RelayOptions {
  /** Parse every payload (translating sinks need the deltas); the raw pass-through reads only a few events. */
  parseAll: boolean;
  /** Longest silence before the first event that reaches the client; past it the body is destroyed. */
  openingIdleMs?: number;
}

/** An upstream body: undici's body, a Node Readable. */
export type RelayBody = Readable;

const ignore = (): void => undefined;

/**
 * Relays an upstream SSE body to a sink as the bytes arrive: each chunk's complete events are handed over and
 * flushed at once, and reading pauses while the client's socket is full. Only the three "opening" event types
 * are held back, and only until the next event; if that next event does not come within `openingIdleMs`, the
 * body is destroyed with {@link OPENING_STALL_CODE} so the caller can fail over while the client has heard
 * nothing. Once the stream is decided the rest of the body is drained, not destroyed, so its keep-alive
 * connection goes back to the pool. Rejects only if the sink or the observer throws.
 */
export function relayStream(
  body: RelayBody,
  sink: RelaySink,
  observe: EventObserver,
  options: RelayOptions,
): Promise<RelayResult> {
  return new Promise((resolve, reject) => {
    const splitter = createSseSplitter();
    const held: RelayedEvent[] = [];
    let committed = false;
    let settled = false;
    const watchdog =
      options.openingIdleMs === undefined
        ? undefined
        : setTimeout(() => {
            const error = new Error('upstream sent nothing after the opening events');
            body.destroy(Object.assign(error, { code: OPENING_STALL_CODE }));
          }, options.openingIdleMs);

    const settle = (outcome: () => void, drain: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.on('error', ignore);
      if (drain) body.resume();
      else if (!body.destroyed) body.destroy();
      outcome();
    };
    const finish = (result: RelayResult, drain: boolean): void => settle(() => resolve(result), drain);

    /** Hands one chunk's blocks to the sink; a result once the stream is decided. */
    const handle = (blocks: Buffer[]): RelayResult | undefined => {
      for (const raw of blocks) {
        const relayed = toRelayed(raw, options.parseAll);
        if (relayed.payload) observe(relayed);
        if (!committed) {
          if (relayed.type !== undefined && FAILURE_TYPES.has(relayed.type)) {
            return { kind: 'failed_before_commit', event: relayed };
          }
          if (relayed.type === undefined || HELD_TYPES.has(relayed.type)) {
            held.push(relayed);
            continue;
          }
          committed = true;
          clearTimeout(watchdog);
          sink.commit();
          for (const h of held.splice(0)) sink.event(h);
        }
        sink.event(relayed);
        if (relayed.type !== undefined && TERMINAL_TYPES.has(relayed.type))
          return { kind: 'terminal', event: relayed };
      }
      return undefined;
    };

    /**
     * Writes what a chunk produced; decides once the socket took it. The chunk that ends the stream is left to the
     * sink's `complete`, which writes it with the end of the response: one socket write, not two (issue 14).
     */
    const step = (done: RelayResult | undefined, onWritten: () => void): void => {
      const flushed = committed && done?.kind !== 'terminal' ? sink.flush() : undefined;
      if (!flushed) return onWritten();
      body.pause();
      flushed.then(onWritten, (err: unknown) => settle(() => reject(err), false));
    };

    function onData(chunk: Buffer): void {
      try {
        if (!committed) watchdog?.refresh();
        const done = handle(splitter.push(chunk));
        step(done, () => (done ? finish(done, true) : body.resume()));
      } catch (err) {
        settle(() => reject(err), false);
      }
    }
    function onEnd(): void {
      try {
        const done = handle(splitter.end()) ?? { kind: 'truncated', committed };
        step(done, () => finish(done, false));
      } catch (err) {
        settle(() => reject(err), false);
      }
    }
    function onError(error: unknown): void {
      finish({ kind: 'body_error', committed, error }, false);
    }

    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}

/** A block as a relayed event: typed by a peek, decoded only when the proxy or the sink must read it. */
function toRelayed(raw: Buffer, parseAll: boolean): RelayedEvent {
  const peeked = peekBlockType(raw);
  if (!parseAll && peeked !== undefined && !INSPECTED_TYPES.has(peeked))
    return { type: peeked, payload: undefined, raw };
  const ev = parseSseBlock(raw);
  if (!ev.hasData) return { type: undefined, payload: undefined, raw };
  const parsed = parseSsePayload(ev);
  return { type: parsed?.type ?? peeked ?? eventLine(ev.event), payload: parsed?.payload, raw };
}

function eventLine(event: string | undefined): string | undefined {
  return event === undefined || event === '' || event === 'message' ? undefined : event;
}
