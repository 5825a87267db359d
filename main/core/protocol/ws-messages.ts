/**
 * The Responses WebSocket variant's messages (PROTOCOL.md §7) as pure functions: what a client frame asks for,
 * the body that goes upstream, and the wrapped `error` event both sides use. No sockets here.
 */
import type { OpenAiErrorBody } from './client-errors';
import { clientErrorBody } from './client-errors';
import { isRecord, nonEmptyString, type JsonObject } from './json';
import { prepareResponsesBody } from './responses-body';

/** The beta token of the upgrade (§4.1): exactly this, never together with `responses=experimental`. */
export const RESPONSES_WEBSOCKET_BETA = 'responses_websockets=2026-02-06';

/**
 * Largest `response.create` frame we forward. Upstream fails frames above ~16 MiB; codex-lb caps at 15 MiB and
 * answers a bigger one with a 400 error event, because a 413 (or a close) makes the Codex CLI retry the full
 * payload five times and then pin the session to HTTP (§7).
 */
export const MAX_WS_CREATE_BYTES = 15 * 1024 * 1024;

/** Upgrade response headers the Codex CLI reads (§7), relayed from upstream's own upgrade. */
export const RELAYED_UPGRADE_HEADERS = [
  'x-codex-turn-state',
  'x-models-etag',
  'x-reasoning-included',
  'openai-model',
] as const;

/** A client frame, decided. */
export type WsClientMessage =
  /** A `response.create`, its body already checked and rewritten for upstream (§5). */
  | {
      kind: 'create';
      /** The body without `type`, as it goes upstream. */
      body: JsonObject;
      model: string;
      previousResponseId?: string;
      /** False when the client's frame already followed every rule and can go upstream as it came. */
      rewritten: boolean;
    }
  /** `response.processed` and other acknowledgements: meaningful only to the socket that produced the response. */
  | { kind: 'ack'; type: string }
  /** A frame we refuse: answered with a wrapped error event, the connection stays usable. */
  | { kind: 'invalid'; status: number; body: OpenAiErrorBody };

/** Message types passed to the upstream socket unchanged. */
const ACK_TYPES: ReadonlySet<string> = new Set(['response.processed']);

/** Decides what a client's text frame asks for. */
export function parseWsClientMessage(text: string): WsClientMessage {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (err) {
    const message =
      err instanceof RangeError
        ? 'The message is nested too deeply to process.'
        : 'The message is not valid JSON.';
    return invalid('invalid_json', message);
  }
  if (!isRecord(frame)) return invalid('invalid_type', 'A message must be a JSON object with a "type".');
  const type = nonEmptyString(frame.type);
  if (type !== undefined && ACK_TYPES.has(type)) return { kind: 'ack', type };
  if (type !== 'response.create') {
    return invalid(
      'unsupported_value',
      `Message type ${JSON.stringify(type ?? null)} is not supported; send "response.create".`,
    );
  }
  const { type: _type, ...body } = frame;
  const prepared = prepareResponsesBody(body);
  if (!prepared.ok) {
    return {
      kind: 'invalid',
      status: prepared.status,
      body: clientErrorBody(
        prepared.code,
        prepared.message,
        prepared.param === undefined ? {} : { param: prepared.param },
      ),
    };
  }
  const out: WsClientMessage = {
    kind: 'create',
    body: prepared.body,
    model: prepared.model,
    rewritten: prepared.rewritten,
  };
  if (prepared.previousResponseId !== undefined) out.previousResponseId = prepared.previousResponseId;
  return out;
}

/** The upstream frame of a prepared body. */
export function responseCreateFrame(body: JsonObject): string {
  return JSON.stringify({ type: 'response.create', ...body });
}

/**
 * The wrapped error event of §7: `{"type":"error","status":…,"error":{…},"headers":{…}}`. The Codex CLI maps
 * `status` as it would an HTTP answer's (429 → usage limit, 5xx → retry).
 */
export function wrappedErrorEvent(
  status: number,
  body: OpenAiErrorBody,
  headers: Record<string, string> = {},
): string {
  const event: JsonObject = { type: 'error', status, error: body.error };
  if (Object.keys(headers).length > 0) event.headers = headers;
  return JSON.stringify(event);
}

/** The answer to a frame above {@link MAX_WS_CREATE_BYTES}: a 400, so the client does not retry it as sent. */
export function oversizeFrameError(bytes: number): OpenAiErrorBody {
  const mib = (n: number): string => (n / (1024 * 1024)).toFixed(1);
  return clientErrorBody(
    'invalid_request_error',
    `The message is ${mib(bytes)} MiB; at most ${mib(MAX_WS_CREATE_BYTES)} MiB is accepted over a WebSocket. Shorten the conversation (compact it) and send it again.`,
    { type: 'invalid_request_error', fields: { param: 'input' } },
  );
}

/** Upstream asks for a new connection: its 60-minute limit (§7). Not the account's fault. */
export function isConnectionLimitError(payload: JsonObject): boolean {
  return errorCodeOf(payload) === 'websocket_connection_limit_reached';
}

/** Upstream no longer knows the `previous_response_id` on this connection (its cache is per connection). */
export function isPreviousResponseNotFound(payload: JsonObject): boolean {
  return errorCodeOf(payload) === 'previous_response_not_found';
}

function errorCodeOf(payload: JsonObject): string | undefined {
  const error =
    isRecord(payload.response) && isRecord(payload.response.error) ? payload.response.error : payload.error;
  if (!isRecord(error)) return undefined;
  return nonEmptyString(error.code) ?? nonEmptyString(error.type);
}

function invalid(code: string, message: string): WsClientMessage {
  return { kind: 'invalid', status: 400, body: clientErrorBody(code, message) };
}
