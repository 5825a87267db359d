import { createSseParser, parseSsePayload, type SseEvent } from '../protocol';

/** Event types held back until the next event arrives (BALANCER.md §7, Pool): a failure right after them is
 * still a failure before the first byte, so we can fail over instead of breaking the client's stream. */
const HELD_TYPES = new Set(['response.created', 'response.in_progress', 'codex.rate_limits']);
const FAILURE_TYPES = new Set(['response.failed', 'error']);
const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);
/** Types whose payload the proxy reads (ids, usage, quota); every other event is forwarded unparsed. */
const INSPECTED_TYPES = new Set([...HELD_TYPES, ...TERMINAL_TYPES, 'response.output_item.done']);

/** One event as the relay hands it to a sink. `payload` is parsed only for the types the proxy reads. */
export interface RelayedEvent {
  type: string | undefined;
  payload: Record<string, unknown> | undefined;
  raw: Buffer;
}

/**
 * Where relayed events go: the raw SSE pass-through (Codex, /v1/responses streaming), the chat-completions
 * translator, or a collector for non-streaming clients. `commit` is called once, right before the first event
 * that reaches the client; until then nothing has been written and failover is still possible.
 */
export interface RelaySink {
  commit(): void;
  event(event: RelayedEvent): void | Promise<void>;
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

/**
 * Relays an upstream SSE body to a sink, event by event, as the bytes arrive. Events are forwarded as soon as
 * they are complete; only the three "opening" event types are held back, and only until the next event.
 * Reading stops while the sink is applying backpressure (its `event` promise), which stops reading upstream.
 */
export async function relayStream(
  body: AsyncIterable<Uint8Array>,
  sink: RelaySink,
  observe: EventObserver,
  /** Parse every payload (translating sinks need the deltas); the raw pass-through leaves deltas unparsed. */
  parseAll = false,
): Promise<RelayResult> {
  const parser = createSseParser();
  const held: RelayedEvent[] = [];
  let committed = false;

  const handle = async (events: SseEvent[]): Promise<RelayResult | undefined> => {
    for (const ev of events) {
      const relayed = toRelayed(ev, parseAll);
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
        sink.commit();
        for (const h of held.splice(0)) await sink.event(h);
      }
      await sink.event(relayed);
      if (relayed.type !== undefined && TERMINAL_TYPES.has(relayed.type))
        return { kind: 'terminal', event: relayed };
    }
    return undefined;
  };

  try {
    for await (const chunk of body) {
      const done = await handle(parser.push(chunk));
      if (done) return done;
    }
    const done = await handle(parser.end());
    if (done) return done;
  } catch (error) {
    return { kind: 'body_error', committed, error };
  }
  return { kind: 'truncated', committed };
}

function toRelayed(ev: SseEvent, parseAll: boolean): RelayedEvent {
  if (!ev.hasData) return { type: undefined, payload: undefined, raw: ev.raw };
  const type = peekType(ev);
  if (!parseAll && type !== undefined && !INSPECTED_TYPES.has(type))
    return { type, payload: undefined, raw: ev.raw };
  const parsed = parseSsePayload(ev);
  return { type: parsed?.type ?? type, payload: parsed?.payload, raw: ev.raw };
}

/**
 * The event type without parsing the JSON: the `event:` line when present, else the leading `"type"` field.
 * Deltas are most of a stream and the proxy never needs their content, so they are never parsed.
 */
function peekType(ev: SseEvent): string | undefined {
  if (ev.event !== undefined && ev.event !== '' && ev.event !== 'message') return ev.event;
  const m = /^\{\s*"type"\s*:\s*"([^"]+)"/.exec(ev.data);
  return m ? m[1] : undefined;
}
