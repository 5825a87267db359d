/**
 * SSE payload helpers: reading an event's JSON and type, and formatting events we emit (PROTOCOL.md §6, §11).
 */
import type { JsonObject } from './json';
import { isRecord, tryParseJson } from './json';
import type { SseEvent } from './sse';

/**
 * Older/alias event names some upstreams and SDK versions use, mapped to the current `response.output_*`
 * names so the rest of the code matches one spelling.
 */
const ALIAS_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['response.text.', 'response.output_text.'],
  ['response.audio_transcript.', 'response.output_audio_transcript.'],
  ['response.audio.', 'response.output_audio.'],
];

/** Maps alias event types (`response.text.delta`, `response.audio.delta`, …) to `response.output_*`. */
export function normalizeEventType(type: string): string {
  for (const [from, to] of ALIAS_PREFIXES) {
    if (type.startsWith(from)) return to + type.slice(from.length);
  }
  return type;
}

/** An SSE event's parsed JSON payload with its normalised type. */
export interface ParsedSsePayload {
  /** Normalised type: the JSON `type`, else the `event:` line, else `error` for a typeless `{error:{…}}`. */
  type: string | undefined;
  /** The parsed JSON object, unmodified. */
  payload: JsonObject;
}

/**
 * Parses an SSE event's data as a JSON object and works out its type. The `event:` line is optional upstream
 * (the Codex CLI reads the type from the JSON, §15), so the JSON `type` wins; a typeless payload carrying an
 * `error` object counts as an `error` event (§6). Returns undefined for data that is not a JSON object
 * (e.g. `[DONE]` or a keep-alive).
 */
export function parseSsePayload(event: Pick<SseEvent, 'event' | 'data'>): ParsedSsePayload | undefined {
  if (event.data === '') return undefined;
  const payload = tryParseJson(event.data);
  if (!isRecord(payload)) return undefined;
  let type: string | undefined;
  if (typeof payload.type === 'string' && payload.type !== '') type = payload.type;
  else if (event.event !== undefined && event.event !== '' && event.event !== 'message') type = event.event;
  else if (isRecord(payload.error)) type = 'error';
  return { type: type === undefined ? undefined : normalizeEventType(type), payload };
}

/** The normalised type of an already-parsed event payload (JSON `type`, or `error` for a typeless error). */
export function eventTypeOf(payload: unknown): string | undefined {
  if (!isRecord(payload)) return undefined;
  if (typeof payload.type === 'string' && payload.type !== '') return normalizeEventType(payload.type);
  if (isRecord(payload.error)) return 'error';
  return undefined;
}

/** Formats a named SSE event: `event: <type>\ndata: <json>\n\n`. */
export function formatSseEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Formats a data-only SSE frame (`data: <json>\n\n`), the Chat Completions streaming shape. */
export function formatSseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** The Chat Completions stream terminator. */
export const SSE_DONE_FRAME = 'data: [DONE]\n\n';
