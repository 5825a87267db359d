/**
 * Chat Completions request → upstream Responses request (PROTOCOL.md §11, codex-lb's translation).
 */
import type { JsonObject } from './json';
import { isRecord, nonEmptyString } from './json';
import type { BodyError } from './responses-body';
import { MODEL_REQUIRED, invalidValue, prepareResponsesBody } from './responses-body';

/** A translated chat request. */
export interface TranslatedChatRequest {
  ok: true;
  /** The prepared upstream Responses body. */
  body: JsonObject;
  model: string;
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** `stream_options.include_usage`. */
  includeUsage: boolean;
  previousResponseId?: string;
}

/** Tool types the chat path refuses (§5). */
export const UNSUPPORTED_CHAT_TOOL_TYPES = [
  'file_search',
  'code_interpreter',
  'computer_use',
  'computer_use_preview',
  'image_generation',
] as const;

/** Chat fields with no Responses equivalent on the ChatGPT backend; dropped silently. */
const DROPPED_CHAT_FIELDS = [
  'messages',
  'store',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stream_options',
  'response_format',
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'reasoning_effort',
  'verbosity',
  'stop',
  'seed',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'presence_penalty',
  'frequency_penalty',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
] as const;

class TranslationError extends Error {
  constructor(readonly result: BodyError) {
    super(result.message);
  }
}

const fail = (message: string, param?: string): never => {
  throw new TranslationError(invalidValue(message, param));
};

/** Text of a string content or an array of text parts (system, developer and tool messages). */
function textOf(content: unknown, param: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return fail(`${param} must be a string or an array of content parts`, param);
  return content
    .map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** A user content part → Responses input content (§11). */
function userPart(part: unknown, param: string): JsonObject {
  if (typeof part === 'string') return { type: 'input_text', text: part };
  if (!isRecord(part)) return fail(`${param} must be a content part object`, param);
  switch (part.type) {
    case 'text':
    case 'input_text':
      if (part.text !== undefined && typeof part.text !== 'string')
        return fail(`${param}.text must be a string`, `${param}.text`);
      return { type: 'input_text', text: typeof part.text === 'string' ? part.text : '' };
    case 'image_url': {
      const img = part.image_url;
      const url = typeof img === 'string' ? img : isRecord(img) ? nonEmptyString(img.url) : undefined;
      if (url === undefined) return fail(`${param}.image_url.url is required`, param);
      const out: JsonObject = { type: 'input_image', image_url: url };
      if (isRecord(img) && typeof img.detail === 'string') out.detail = img.detail;
      return out;
    }
    case 'input_audio': {
      const audio = isRecord(part.input_audio) ? part.input_audio : {};
      const data = nonEmptyString(audio.data);
      if (data === undefined) return fail(`${param}.input_audio.data is required`, param);
      const format = nonEmptyString(audio.format) ?? 'wav';
      return {
        type: 'input_file',
        file_data: `data:audio/${format};base64,${data}`,
        filename: `audio.${format}`,
      };
    }
    case 'file': {
      const file = isRecord(part.file) ? part.file : {};
      if (file.file_id !== undefined) {
        fail('file_id is not supported: send the file inline as file_data (a data URL)', param);
      }
      const out: JsonObject = { type: 'input_file' };
      const data = nonEmptyString(file.file_data);
      const url = nonEmptyString(file.file_url);
      if (data !== undefined) out.file_data = data;
      else if (url !== undefined) out.file_url = url;
      else return fail(`${param}.file needs file_data or file_url`, param);
      if (typeof file.filename === 'string') out.filename = file.filename;
      return out;
    }
    default:
      return fail(`Unsupported content part type '${String(part.type)}'`, param);
  }
}

/** Assistant content → output parts. */
function assistantParts(content: unknown, param: string): JsonObject[] {
  if (content === null || content === undefined || content === '') return [];
  if (typeof content === 'string') return [{ type: 'output_text', text: content }];
  if (!Array.isArray(content)) return fail(`${param} must be a string or an array of content parts`, param);
  return content.flatMap((p: unknown): JsonObject[] => {
    if (!isRecord(p)) return [];
    if (p.type === 'refusal' && typeof p.refusal === 'string')
      return [{ type: 'refusal', refusal: p.refusal }];
    return typeof p.text === 'string' ? [{ type: 'output_text', text: p.text }] : [];
  });
}

/** Messages → instructions + input items. */
function translateMessages(
  messages: unknown[],
  keepSystemAsInput: boolean,
): { instructions: string; input: JsonObject[] } {
  const instructions: string[] = [];
  const input: JsonObject[] = [];
  messages.forEach((m, i) => {
    const param = `messages[${i}]`;
    if (!isRecord(m)) return fail(`${param} must be an object`, param);
    const role = m.role;
    switch (role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content, `${param}.content`);
        // With json_object the model must see "JSON" in the messages, so the system text stays in the input.
        if (keepSystemAsInput) input.push({ type: 'message', role, content: [{ type: 'input_text', text }] });
        else if (text !== '') instructions.push(text);
        return;
      }
      case 'user': {
        const c = m.content;
        if (c !== null && c !== undefined && typeof c !== 'string' && !Array.isArray(c))
          return fail(`${param}.content must be a string or an array of content parts`, `${param}.content`);
        const parts = Array.isArray(c)
          ? c.map((p, j) => userPart(p, `${param}.content[${j}]`))
          : [userPart(typeof c === 'string' ? c : '', `${param}.content`)];
        input.push({ type: 'message', role: 'user', content: parts });
        return;
      }
      case 'assistant': {
        const parts = assistantParts(m.content, `${param}.content`);
        if (parts.length > 0) input.push({ type: 'message', role: 'assistant', content: parts });
        const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
        calls.forEach((tc: unknown, j) => {
          const fn = isRecord(tc) && isRecord(tc.function) ? tc.function : undefined;
          const callId = isRecord(tc) ? nonEmptyString(tc.id) : undefined;
          const name = fn === undefined ? undefined : nonEmptyString(fn.name);
          if (callId === undefined || name === undefined) {
            fail(`${param}.tool_calls[${j}] needs an id and function.name`, param);
          }
          const args = fn?.arguments;
          input.push({
            type: 'function_call',
            call_id: callId,
            name,
            arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
          });
        });
        return;
      }
      case 'tool': {
        const callId = nonEmptyString(m.tool_call_id);
        if (callId === undefined) return fail(`${param}.tool_call_id is required`, param);
        input.push({
          type: 'function_call_output',
          call_id: callId,
          output: textOf(m.content, `${param}.content`),
        });
        return;
      }
      default:
        return fail(`${param}.role '${String(role)}' is not supported`, param);
    }
  });
  return { instructions: instructions.join('\n'), input };
}

/** Chat tools → flat Responses tools; unsupported types are a 400 (§5, §11). */
function translateTools(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) return fail('tools must be an array', 'tools');
  return tools.map((t: unknown, i) => {
    if (!isRecord(t)) return fail(`tools[${i}] must be an object`, 'tools');
    const type = String(t.type);
    if ((UNSUPPORTED_CHAT_TOOL_TYPES as readonly string[]).includes(type)) {
      return fail(`Tool type '${type}' is not supported on /v1/chat/completions`, 'tools');
    }
    if (type !== 'function' || !isRecord(t.function)) return t;
    const fn = t.function;
    const out: JsonObject = { type: 'function', name: fn.name };
    for (const k of ['description', 'parameters', 'strict'] as const) if (fn[k] !== undefined) out[k] = fn[k];
    return out;
  });
}

function translateToolChoice(choice: unknown): unknown {
  if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function)) {
    return { type: 'function', name: choice.function.name };
  }
  return choice;
}

/** `response_format` → `text.format` (json_schema flattens its `json_schema` object). */
function translateResponseFormat(rf: JsonObject): JsonObject {
  if (rf.type === 'json_schema' && isRecord(rf.json_schema))
    return { type: 'json_schema', ...rf.json_schema };
  return { type: rf.type };
}

function translate(src: JsonObject): JsonObject {
  if (src.n !== undefined && src.n !== null && src.n !== 1)
    fail('n must be 1: only one choice is supported', 'n');
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    return fail('messages must be a non-empty array', 'messages');
  }
  const rf = isRecord(src.response_format) ? src.response_format : undefined;
  const { instructions, input } = translateMessages(src.messages, rf?.type === 'json_object');
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(src)) {
    if (!(DROPPED_CHAT_FIELDS as readonly string[]).includes(k)) out[k] = v;
  }
  out.instructions = instructions;
  out.input = input;
  if (src.tools !== undefined && src.tools !== null) out.tools = translateTools(src.tools);
  if (src.tool_choice !== undefined && src.tool_choice !== null)
    out.tool_choice = translateToolChoice(src.tool_choice);
  const text: JsonObject = isRecord(src.text) ? { ...src.text } : {};
  if (rf !== undefined && typeof rf.type === 'string') text.format = translateResponseFormat(rf);
  if (typeof src.verbosity === 'string') text.verbosity = src.verbosity;
  if (Object.keys(text).length > 0) out.text = text;
  if (typeof src.reasoning_effort === 'string' && !isRecord(src.reasoning)) {
    out.reasoning = { effort: src.reasoning_effort };
  }
  const so = isRecord(src.stream_options) ? src.stream_options : undefined;
  if (so?.include_obfuscation !== undefined)
    out.stream_options = { include_obfuscation: so.include_obfuscation };
  return out;
}

/**
 * Translates a `/v1/chat/completions` body into an upstream Responses body (§11), already prepared with the
 * §5 rules. A body with `input` and no `messages` is treated as Responses-shaped. Errors are 400s with a
 * clear message and `param`.
 */
export function chatToResponsesRequest(body: unknown): TranslatedChatRequest | BodyError {
  if (!isRecord(body)) {
    return { ok: false, status: 400, code: 'invalid_type', message: 'Request body must be a JSON object' };
  }
  const so = isRecord(body.stream_options) ? body.stream_options : undefined;
  const includeUsage = so?.include_usage === true;
  let responsesBody: unknown = body;
  if (!(body.input !== undefined && body.messages === undefined)) {
    if (typeof body.model !== 'string' || body.model.trim() === '') return MODEL_REQUIRED;
    try {
      responsesBody = translate(body);
    } catch (err) {
      if (err instanceof TranslationError) return err.result;
      throw err;
    }
  }
  const prepared = prepareResponsesBody(responsesBody);
  if (!prepared.ok) return prepared;
  const out: TranslatedChatRequest = {
    ok: true,
    body: prepared.body,
    model: prepared.model,
    stream: body.stream === true,
    includeUsage,
  };
  if (prepared.previousResponseId !== undefined) out.previousResponseId = prepared.previousResponseId;
  return out;
}
