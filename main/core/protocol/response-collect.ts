/**
 * Non-streaming `/v1/responses`: the upstream events collected into one response object (PROTOCOL.md §11).
 */
import type { CollectResult } from './chat-collect';
import { httpStatusForCode, httpStatusForError } from './client-errors';
import type { JsonObject } from './json';
import { finiteNumber, isRecord } from './json';
import { eventTypeOf } from './sse-events';
import { TRUNCATED_STREAM_ERROR, streamFailureError } from './stream-shared';

/**
 * Returns `response.completed.response` (or `response.incomplete.response`); when its `output` is empty it is
 * filled from the `response.output_item.done` items in `output_index` order. A `response.failed` / `error`
 * event gives its error; no terminal event gives `upstream_stream_truncated`.
 */
export function collectResponse(events: Iterable<unknown>): CollectResult<JsonObject> {
  const items: Array<{ index: number; seq: number; item: unknown }> = [];
  for (const e of events) {
    if (!isRecord(e)) continue;
    const type = eventTypeOf(e);
    if (type === 'response.output_item.done' && e.item !== undefined) {
      items.push({ index: finiteNumber(e.output_index) ?? items.length, seq: items.length, item: e.item });
    } else if (type === 'response.completed' || type === 'response.incomplete') {
      const response: JsonObject = isRecord(e.response) ? { ...e.response } : {};
      if (!Array.isArray(response.output) || response.output.length === 0) {
        response.output = items.sort((a, b) => a.index - b.index || a.seq - b.seq).map((i) => i.item);
      }
      return { ok: true, value: response };
    } else if (type === 'response.failed' || type === 'error') {
      const body = streamFailureError(e);
      return { ok: false, status: httpStatusForError(body.error), body };
    }
  }
  return {
    ok: false,
    status: httpStatusForCode(TRUNCATED_STREAM_ERROR.error.code),
    body: TRUNCATED_STREAM_ERROR,
  };
}
