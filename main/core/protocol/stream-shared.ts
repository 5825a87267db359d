/**
 * Pieces shared by the stream translators and collectors: usage mapping (PROTOCOL.md §11) and turning a
 * `response.failed` / `error` event into the OpenAI error object clients receive.
 */
import type { OpenAiErrorBody } from './client-errors';
import type { JsonObject } from './json';
import { finiteNumber, isRecord, nonEmptyString } from './json';

/** Chat Completions usage. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

/** Responses usage → Chat usage (§11); null when the response carried none. */
export function mapUsage(usage: unknown): ChatUsage | null {
  if (!isRecord(usage)) return null;
  const prompt = finiteNumber(usage.input_tokens) ?? 0;
  const completion = finiteNumber(usage.output_tokens) ?? 0;
  const out: ChatUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: finiteNumber(usage.total_tokens) ?? prompt + completion,
  };
  const cached = isRecord(usage.input_tokens_details)
    ? finiteNumber(usage.input_tokens_details.cached_tokens)
    : undefined;
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = isRecord(usage.output_tokens_details)
    ? finiteNumber(usage.output_tokens_details.reasoning_tokens)
    : undefined;
  if (reasoning !== undefined) out.completion_tokens_details = { reasoning_tokens: reasoning };
  return out;
}

/** Error envelope for an upstream stream that ended without a terminal event (§11). */
export const TRUNCATED_STREAM_ERROR: OpenAiErrorBody = {
  error: {
    message: 'Upstream stream ended before the response completed',
    type: 'server_error',
    code: 'upstream_stream_truncated',
  },
};

const PASSTHROUGH_ERROR_FIELDS = ['param', 'plan_type', 'resets_at', 'resets_in_seconds'] as const;

/**
 * The OpenAI error object of a `response.failed` (`response.error`) or `error` (`error`) event, keeping
 * upstream's code, message, type and reset fields; a generic `upstream_error` when it has none.
 */
export function streamFailureError(payload: JsonObject): OpenAiErrorBody {
  const src =
    isRecord(payload.response) && isRecord(payload.response.error) ? payload.response.error : payload.error;
  const err = isRecord(src) ? src : {};
  const code = nonEmptyString(err.code) ?? nonEmptyString(err.type) ?? 'upstream_error';
  const error: OpenAiErrorBody['error'] = {
    message: nonEmptyString(err.message) ?? 'Upstream error',
    type: nonEmptyString(err.type) ?? 'server_error',
    code,
  };
  const extra: Record<string, unknown> = {};
  for (const k of PASSTHROUGH_ERROR_FIELDS) if (err[k] !== undefined && err[k] !== null) extra[k] = err[k];
  return { error: { ...error, ...extra } };
}

/** `response.incomplete` reason → chat finish reason (§11). */
export function finishReasonForIncomplete(response: unknown): 'length' | 'content_filter' | 'stop' {
  const details = isRecord(response) ? response.incomplete_details : undefined;
  const reason = isRecord(details) ? details.reason : undefined;
  if (reason === 'max_output_tokens') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  return 'stop';
}
