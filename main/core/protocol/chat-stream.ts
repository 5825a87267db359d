/**
 * Upstream Responses events → Chat Completions stream chunks (PROTOCOL.md §11).
 *
 * Chunks are shaped for the official `openai` npm SDK's `chat.completions.stream()` helper, which is strict:
 * every chunk has `id`, `object`, `created`, `model` and `choices[{index, delta, finish_reason, logprobs}]`;
 * the first delta carries `role`; a delta may only hold `role` / `content` / `refusal` / `tool_calls`; tool
 * call arguments are appended by the client, so we must only ever send the new part; and the stream needs a
 * `finish_reason` before `[DONE]`.
 */
import type { OpenAiErrorBody } from './client-errors';
import type { JsonObject } from './json';
import { isRecord, nonEmptyString } from './json';
import { SSE_DONE_FRAME, eventTypeOf, formatSseData } from './sse-events';
import type { ChatUsage } from './stream-shared';
import {
  TRUNCATED_STREAM_ERROR,
  finishReasonForIncomplete,
  mapUsage,
  streamFailureError,
} from './stream-shared';

/** Options of {@link createChatStreamTranslator}. */
export interface ChatStreamOptions {
  /** The model the client asked for, echoed in every chunk. */
  model: string;
  /** `stream_options.include_usage`: `usage:null` on every chunk, then a usage chunk with `choices:[]`. */
  includeUsage: boolean;
  /** `created` (epoch s). */
  now: number;
  /** Chunk id; codex-lb uses `chatcmpl_temp`. */
  id?: string;
}

/** Chat finish reasons we produce. */
export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** A streaming tool-call delta. */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** A chunk delta. */
export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  refusal?: string;
  tool_calls?: ChatToolCallDelta[];
}

/** A `chat.completion.chunk`. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: 0; delta: ChatDelta; finish_reason: ChatFinishReason | null; logprobs: null }>;
  usage?: ChatUsage | null;
}

/** Translator state machine; see {@link createChatStreamTranslator}. */
export interface ChatStreamTranslator {
  /** Feeds one parsed upstream event payload; returns SSE frames (`data: …\n\n`) to send. */
  push(event: unknown): string[];
  /** Upstream ended: `[]` after a terminal event, else the `upstream_stream_truncated` error frame and `[DONE]`. */
  end(): string[];
  /** True once a terminal event (or end) produced `[DONE]`. */
  readonly finished: boolean;
}

interface ToolCallState {
  index: number;
  callId: string | undefined;
  name: string | undefined;
  /** Arguments already sent to the client. */
  sent: string;
  /** Arguments held back until the call's id and name are known. */
  pending: string;
  announced: boolean;
}

/** Creates a translator for one response. */
export function createChatStreamTranslator(options: ChatStreamOptions): ChatStreamTranslator {
  const id = options.id ?? 'chatcmpl_temp';
  let sentRole = false;
  let finished = false;
  const tools = new Map<string, ToolCallState>();
  /** Text already sent per `item_id:content_index`, so a `.done` can fill in what deltas missed. */
  const textSent = new Map<string, string>();

  const chunk = (delta: ChatDelta, finishReason: ChatFinishReason | null = null): string => {
    const d: ChatDelta = sentRole ? delta : { role: 'assistant', ...delta };
    sentRole = true;
    const c: ChatCompletionChunk = {
      id,
      object: 'chat.completion.chunk',
      created: options.now,
      model: options.model,
      choices: [{ index: 0, delta: d, finish_reason: finishReason, logprobs: null }],
    };
    if (options.includeUsage) c.usage = null;
    return formatSseData(c);
  };

  const toolKey = (e: JsonObject, item?: JsonObject): string =>
    nonEmptyString(item?.id) ??
    nonEmptyString(e.item_id) ??
    nonEmptyString(item?.call_id) ??
    nonEmptyString(e.call_id) ??
    `output_${String(e.output_index ?? 0)}`;

  const toolState = (key: string): ToolCallState => {
    let s = tools.get(key);
    if (s === undefined) {
      s = { index: tools.size, callId: undefined, name: undefined, sent: '', pending: '', announced: false };
      tools.set(key, s);
    }
    return s;
  };

  /** Announces a call once its id and name are known (or when forced at the end), with held-back arguments. */
  const announce = (s: ToolCallState, out: string[], force = false): void => {
    if (s.announced || (!force && (s.callId === undefined || s.name === undefined))) return;
    s.announced = true;
    const call: ChatToolCallDelta = {
      index: s.index,
      type: 'function',
      function: { name: s.name ?? '', arguments: s.pending },
    };
    if (s.callId !== undefined) call.id = s.callId;
    s.sent = s.pending;
    s.pending = '';
    out.push(chunk({ tool_calls: [call] }));
  };

  const appendArgs = (s: ToolCallState, delta: string, out: string[]): void => {
    if (delta === '') return;
    if (!s.announced) {
      s.pending += delta;
      return;
    }
    s.sent += delta;
    out.push(chunk({ tool_calls: [{ index: s.index, function: { arguments: delta } }] }));
  };

  /** `.done` / `added` carry the full arguments: they replace ours; we can only send what is missing. */
  const replaceArgs = (s: ToolCallState, full: string, out: string[]): void => {
    if (!s.announced) {
      s.pending = full;
      return;
    }
    if (full.startsWith(s.sent)) appendArgs(s, full.slice(s.sent.length), out);
  };

  const onToolItem = (e: JsonObject, item: JsonObject, out: string[]): void => {
    const s = toolState(toolKey(e, item));
    s.callId ??= nonEmptyString(item.call_id);
    s.name ??= nonEmptyString(item.name);
    if (typeof item.arguments === 'string') replaceArgs(s, item.arguments, out);
    announce(s, out);
  };

  const onText = (key: string, text: string, out: string[], kind: 'content' | 'refusal'): void => {
    if (text === '') return;
    textSent.set(key, (textSent.get(key) ?? '') + text);
    out.push(chunk(kind === 'content' ? { content: text } : { refusal: text }));
  };

  /** A `.done` with the full text: send what the deltas did not. */
  const onFullText = (key: string, full: string, out: string[]): void => {
    const sent = textSent.get(key) ?? '';
    if (full.length > sent.length && full.startsWith(sent))
      onText(key, full.slice(sent.length), out, 'content');
  };

  const finish = (out: string[], reason: ChatFinishReason, usage: ChatUsage | null): void => {
    for (const s of tools.values()) announce(s, out, true);
    out.push(chunk({}, reason));
    if (options.includeUsage) {
      const c: ChatCompletionChunk = {
        id,
        object: 'chat.completion.chunk',
        created: options.now,
        model: options.model,
        choices: [],
        usage,
      };
      out.push(formatSseData(c));
    }
    out.push(SSE_DONE_FRAME);
    finished = true;
  };

  const fail = (out: string[], error: OpenAiErrorBody): void => {
    out.push(formatSseData(error), SSE_DONE_FRAME);
    finished = true;
  };

  return {
    get finished() {
      return finished;
    },
    push(event) {
      const out: string[] = [];
      if (finished || !isRecord(event)) return out;
      const type = eventTypeOf(event);
      const textKey = `${String(event.item_id ?? '')}:${String(event.content_index ?? 0)}`;
      const item = isRecord(event.item) ? event.item : undefined;
      switch (type) {
        case 'response.output_text.delta':
          if (typeof event.delta === 'string') onText(textKey, event.delta, out, 'content');
          break;
        case 'response.refusal.delta':
          if (typeof event.delta === 'string') onText(`refusal:${textKey}`, event.delta, out, 'refusal');
          break;
        case 'response.output_text.done':
          if (typeof event.text === 'string') onFullText(textKey, event.text, out);
          break;
        case 'response.output_item.added':
        case 'response.output_item.done':
          if (item?.type === 'function_call') onToolItem(event, item, out);
          else if (
            type === 'response.output_item.done' &&
            item?.type === 'message' &&
            Array.isArray(item.content)
          ) {
            item.content.forEach((part: unknown, i) => {
              if (isRecord(part) && part.type === 'output_text' && typeof part.text === 'string') {
                onFullText(`${String(item.id ?? event.item_id ?? '')}:${i}`, part.text, out);
              }
            });
          }
          break;
        case 'response.function_call_arguments.delta':
          if (typeof event.delta === 'string') appendArgs(toolState(toolKey(event)), event.delta, out);
          break;
        case 'response.function_call_arguments.done': {
          const s = toolState(toolKey(event));
          s.callId ??= nonEmptyString(event.call_id);
          s.name ??= nonEmptyString(event.name);
          if (typeof event.arguments === 'string') replaceArgs(s, event.arguments, out);
          announce(s, out);
          break;
        }
        case 'response.completed':
        case 'response.incomplete': {
          const response = isRecord(event.response) ? event.response : {};
          const reason: ChatFinishReason =
            tools.size > 0
              ? 'tool_calls'
              : type === 'response.incomplete'
                ? finishReasonForIncomplete(response)
                : 'stop';
          finish(out, reason, mapUsage(response.usage));
          break;
        }
        case 'response.failed':
        case 'error':
          fail(out, streamFailureError(event));
          break;
        default:
          break;
      }
      return out;
    },
    end() {
      if (finished) return [];
      const out: string[] = [];
      fail(out, TRUNCATED_STREAM_ERROR);
      return out;
    },
  };
}
