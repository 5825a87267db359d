/**
 * Responses request bodies as the proxy forwards them upstream (PROTOCOL.md §5, codex-lb rules).
 */
import type { JsonObject } from './json';
import { isRecord } from './json';

/** Fields stripped before forwarding (§5): upstream rejects or ignores them for ChatGPT accounts. */
export const STRIPPED_RESPONSES_FIELDS = [
  'max_output_tokens',
  'max_completion_tokens',
  'metadata',
  'prompt_cache_retention',
  'safety_identifier',
  'temperature',
  'top_p',
  'truncation',
  'user',
] as const;

/** `include` values upstream accepts (§5); others are dropped. */
export const ALLOWED_INCLUDES = [
  'code_interpreter_call.outputs',
  'computer_call_output.output.image_url',
  'file_search_call.results',
  'message.input_image.image_url',
  'message.output_text.logprobs',
  'reasoning.encrypted_content',
  'web_search_call.action.sources',
] as const;

/** A 400 answer for a body we refuse. */
export interface BodyError {
  ok: false;
  status: 400;
  code: string;
  message: string;
  param?: string;
}

/** A prepared Responses body. */
export interface PreparedResponsesBody {
  ok: true;
  /** The body to send upstream (`store:false`, `stream:true`, …). */
  body: JsonObject;
  model: string;
  previousResponseId?: string;
  /** Whether the client asked for a stream (upstream always streams; non-streaming clients get a collected answer). */
  stream: boolean;
  /**
   * False when the client's body already follows every rule (Codex's does): its bytes can go upstream as they
   * came, with no re-serialisation of the whole conversation.
   */
  rewritten: boolean;
}

/** The common fields, checked. */
interface BaseFields {
  model: string;
  instructions?: string | null | undefined;
  previous_response_id?: string | null | undefined;
}

/**
 * Checks the common fields in order (model, input, instructions, previous_response_id) and returns the first
 * problem. Written out rather than a schema: it runs on every request, and a schema library copies `input` (the
 * whole conversation) to validate an array of anything.
 */
function checkBase(body: JsonObject): { ok: true; v: BaseFields } | BodyError {
  const { model, input, instructions, previous_response_id: previous } = body;
  if (model === undefined) return missing('model');
  if (typeof model !== 'string') return wrongType('model must be a string', 'model');
  if (input === undefined) return missing('input');
  if (typeof input !== 'string' && !Array.isArray(input))
    return wrongType('input must be a string or an array of items', 'input');
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string')
    return wrongType('instructions must be a string', 'instructions');
  if (previous !== undefined && previous !== null && typeof previous !== 'string')
    return wrongType('previous_response_id must be a string', 'previous_response_id');
  return { ok: true, v: { model, instructions, previous_response_id: previous } };
}

function missing(param: string): BodyError {
  return {
    ok: false,
    status: 400,
    code: 'missing_required_parameter',
    message: `${param} is required`,
    param,
  };
}

function wrongType(message: string, param: string): BodyError {
  return { ok: false, status: 400, code: 'invalid_type', message, param };
}

/** The 400 for a missing or blank model, shared by the Responses and Chat Completions paths. */
export const MODEL_REQUIRED: BodyError = {
  ok: false,
  status: 400,
  code: 'missing_required_parameter',
  message: 'model is required',
  param: 'model',
};

/** A 400 with code `invalid_value`. */
export function invalidValue(message: string, param?: string): BodyError {
  return param === undefined
    ? { ok: false, status: 400, code: 'invalid_value', message }
    : { ok: false, status: 400, code: 'invalid_value', message, param };
}

/** Maps tool types upstream renamed (§5): `web_search_preview` (and dated variants) → `web_search`. */
function normalizeTools(tools: unknown): unknown {
  if (!Array.isArray(tools)) return tools;
  return tools.map((t: unknown) =>
    isRecord(t) && typeof t.type === 'string' && t.type.startsWith('web_search_preview')
      ? { ...t, type: 'web_search' }
      : t,
  );
}

/** The §5 rewrites shared by `/responses` and `/responses/compact`. */
function applyUpstreamRules(src: JsonObject): JsonObject {
  const out: JsonObject = { ...src };
  for (const f of STRIPPED_RESPONSES_FIELDS) delete out[f];
  if (out.service_tier === 'fast') out.service_tier = 'priority';
  if ('tools' in out) out.tools = normalizeTools(out.tools);
  if ('include' in out) {
    const allowed: readonly string[] = ALLOWED_INCLUDES;
    const kept = Array.isArray(out.include)
      ? out.include.filter((v): v is string => typeof v === 'string' && allowed.includes(v))
      : [];
    if (kept.length > 0) out.include = kept;
    else delete out.include;
  }
  return out;
}

/** True when {@link prepareResponsesBody} would change nothing in `src`. */
function followsUpstreamRules(src: JsonObject): boolean {
  const allowed: readonly unknown[] = ALLOWED_INCLUDES;
  const include = src.include;
  return (
    src.store === false &&
    src.stream === true &&
    typeof src.instructions === 'string' &&
    src.service_tier !== 'fast' &&
    src.previous_response_id !== null &&
    !('background' in src) &&
    !STRIPPED_RESPONSES_FIELDS.some((f) => f in src) &&
    (include === undefined ||
      (Array.isArray(include) && include.length > 0 && include.every((v) => allowed.includes(v)))) &&
    (!Array.isArray(src.tools) ||
      !src.tools.some(
        (t: unknown) => isRecord(t) && typeof t.type === 'string' && t.type.startsWith('web_search_preview'),
      ))
  );
}

/** Validates the common fields; returns the typed view or the 400. */
function validate(body: unknown): { ok: true; v: BaseFields; src: JsonObject } | BodyError {
  if (!isRecord(body)) {
    return { ok: false, status: 400, code: 'invalid_type', message: 'Request body must be a JSON object' };
  }
  const checked = checkBase(body);
  if (!checked.ok) return checked;
  if (checked.v.model.trim() === '') return MODEL_REQUIRED;
  return { ok: true, v: checked.v, src: body };
}

/**
 * Validates a Responses body and rewrites it for upstream (§5): `store:false`, `stream:true`,
 * `instructions` present (`""` when missing), stripped fields removed, `include` filtered, `service_tier`
 * `fast` → `priority`, `web_search_preview` → `web_search`. Input items are forwarded untouched.
 */
export function prepareResponsesBody(body: unknown): PreparedResponsesBody | BodyError {
  const checked = validate(body);
  if (!checked.ok) return checked;
  const { v, src } = checked;
  const out = applyUpstreamRules(src);
  out.instructions = v.instructions ?? '';
  out.store = false;
  out.stream = true;
  delete out.background; // a background job cannot be relayed as a stream
  if (v.previous_response_id === null) delete out.previous_response_id;
  const result: PreparedResponsesBody = {
    ok: true,
    body: out,
    model: v.model,
    stream: src.stream === true,
    rewritten: !followsUpstreamRules(src),
  };
  if (v.previous_response_id) result.previousResponseId = v.previous_response_id;
  return result;
}

/** A prepared compact body. */
export interface PreparedCompactBody {
  ok: true;
  body: JsonObject;
  model: string;
}

/**
 * Validates a `/responses/compact` body (`{model, input, instructions}` plus optional tools/reasoning/text)
 * and applies the §5 rewrites; `store`, `stream`, `background` and `include` are removed (the endpoint answers
 * JSON, §3).
 */
export function prepareCompactBody(body: unknown): PreparedCompactBody | BodyError {
  const checked = validate(body);
  if (!checked.ok) return checked;
  const out = applyUpstreamRules(checked.src);
  out.instructions = checked.v.instructions ?? '';
  for (const f of ['store', 'stream', 'background', 'include', 'stream_options']) delete out[f];
  return { ok: true, body: out, model: checked.v.model };
}
