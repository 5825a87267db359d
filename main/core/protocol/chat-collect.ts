/**
 * Non-streaming Chat Completions: the upstream events collected into one `chat.completion` (PROTOCOL.md §11).
 * Built on the stream translator, so streaming and non-streaming clients see the same text, tool calls and
 * finish reason.
 */
import type { OpenAiErrorBody } from './client-errors';
import { httpStatusForError } from './client-errors';
import type { ChatCompletionChunk, ChatFinishReason } from './chat-stream';
import { createChatStreamTranslator } from './chat-stream';
import { isRecord, tryParseJson } from './json';
import type { ChatUsage } from './stream-shared';

/** A collected tool call. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A `chat.completion` object. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: string | null;
      tool_calls?: ChatToolCall[];
    };
    finish_reason: ChatFinishReason;
    logprobs: null;
  }>;
  usage: ChatUsage | null;
}

/** Result of a collector: the object, or the error with the HTTP status to answer with. */
export type CollectResult<T> = { ok: true; value: T } | { ok: false; status: number; body: OpenAiErrorBody };

/** Options of {@link collectChatCompletion}. */
export interface CollectChatOptions {
  model: string;
  /** `created` (epoch s). */
  now: number;
  /** Completion id; defaults to `chatcmpl_temp` like the stream. */
  id?: string;
}

/**
 * Collects upstream event payloads into a `chat.completion`, or the upstream error (`response.failed` /
 * `error`) / `upstream_stream_truncated` when the events end without a terminal one.
 */
export function collectChatCompletion(
  events: Iterable<unknown>,
  options: CollectChatOptions,
): CollectResult<ChatCompletion> {
  const t = createChatStreamTranslator({
    model: options.model,
    includeUsage: true,
    now: options.now,
    id: options.id ?? 'chatcmpl_temp',
  });
  const frames: string[] = [];
  for (const e of events) {
    frames.push(...t.push(e));
    if (t.finished) break;
  }
  frames.push(...t.end());
  let content: string | null = null;
  let refusal: string | null = null;
  let finish: ChatFinishReason = 'stop';
  let usage: ChatUsage | null = null;
  const calls: ChatToolCall[] = [];
  for (const frame of frames) {
    const json = tryParseJson(frame.slice('data: '.length));
    if (!isRecord(json)) continue; // [DONE]
    if (isRecord(json.error)) {
      const body = json as unknown as OpenAiErrorBody;
      return { ok: false, status: httpStatusForError(body.error), body };
    }
    const c = json as unknown as ChatCompletionChunk;
    if (c.usage) usage = c.usage;
    const choice = c.choices[0];
    if (choice === undefined) continue;
    if (choice.finish_reason !== null) finish = choice.finish_reason;
    const d = choice.delta;
    if (d.content !== undefined) content = (content ?? '') + d.content;
    if (d.refusal !== undefined) refusal = (refusal ?? '') + d.refusal;
    for (const tc of d.tool_calls ?? []) {
      const call = (calls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (tc.id !== undefined) call.id = tc.id;
      if (tc.function?.name) call.function.name = tc.function.name;
      if (tc.function?.arguments) call.function.arguments += tc.function.arguments;
    }
  }
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content, refusal };
  if (calls.length > 0) message.tool_calls = calls;
  else if (content === null) message.content = '';
  return {
    ok: true,
    value: {
      id: options.id ?? 'chatcmpl_temp',
      object: 'chat.completion',
      created: options.now,
      model: options.model,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage,
    },
  };
}
