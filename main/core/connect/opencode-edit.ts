import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** What OpenCode's `openai` provider should say. */
export interface OpenCodeTarget {
  /** `<server>/v1`. */
  baseUrl: string;
  /** The proxy key when one is required, else a placeholder: the AI SDK refuses to start without any key. */
  apiKey: string;
  /** The pool's model ids, added to the provider's list when missing. */
  models: readonly string[];
}

/** The edited document, or why there is none. */
export type OpenCodeEditResult =
  { ok: true; text: string } | { ok: false; code: 'invalid_config'; message: string };

/** The key OpenCode gets when the pool needs none: any non-empty value satisfies the SDK. */
export const OPENCODE_PLACEHOLDER_KEY = 'codex-pool';

/**
 * Points OpenCode's built-in `openai` provider at the pool (PROTOCOL.md §13: the built-in provider speaks the
 * Responses API and keeps reasoning state; an `@ai-sdk/openai-compatible` one would not). jsonc-parser edits
 * the text in place, so comments, order and formatting of everything else survive.
 */
export function editOpenCodeConfig(text: string, target: OpenCodeTarget): OpenCodeEditResult {
  const source = text.trim() === '' ? '{\n  "$schema": "https://opencode.ai/config.json"\n}\n' : text;
  const parsed = parseJsonc(source);
  if (!parsed.ok) return parsed;
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    return {
      ok: false,
      code: 'invalid_config',
      message:
        'The OpenCode config is not a JSON object. Fix it or move it away, then try again; it was left untouched.',
    };
  }
  const indent = detectIndent(source);
  const options = {
    formattingOptions: {
      insertSpaces: indent !== '\t',
      tabSize: indent === '\t' ? 1 : indent.length,
      eol: source.includes('\r\n') ? '\r\n' : '\n',
    },
  };
  const current = openaiProvider(parsed.value);
  let next = source;
  const set = (path: (string | number)[], value: unknown): void => {
    next = applyEdits(next, modify(next, path, value, options));
  };
  if (current.baseURL !== target.baseUrl) set(['provider', 'openai', 'options', 'baseURL'], target.baseUrl);
  if (current.apiKey !== target.apiKey) set(['provider', 'openai', 'options', 'apiKey'], target.apiKey);
  for (const model of target.models) {
    if (!current.models.has(model)) set(['provider', 'openai', 'models', model], {});
  }
  const check = parseJsonc(next);
  if (!check.ok) return check;
  return { ok: true, text: next };
}

/** Where OpenCode's `openai` provider points now, or null when it is not configured with a base URL. */
export function openCodeBaseUrl(
  text: string,
): { ok: true; baseUrl: string | null; apiKey: string | null } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, baseUrl: null, apiKey: null };
  const parsed = parseJsonc(text);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  const p = openaiProvider(parsed.value);
  return { ok: true, baseUrl: p.baseURL, apiKey: p.apiKey };
}

function parseJsonc(
  text: string,
): { ok: true; value: unknown } | { ok: false; code: 'invalid_config'; message: string } {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (!first) return { ok: true, value };
  const { line, column } = position(text, first.offset);
  return {
    ok: false,
    code: 'invalid_config',
    message: `The OpenCode config does not parse (${printParseErrorCode(first.error)} at line ${line}, column ${column}). Fix it or move it away, then try again; it was left untouched.`,
  };
}

function openaiProvider(doc: unknown): {
  baseURL: string | null;
  apiKey: string | null;
  models: Set<string>;
} {
  const provider = record(record(record(doc)['provider'])['openai']);
  const options = record(provider['options']);
  return {
    baseURL: typeof options['baseURL'] === 'string' ? options['baseURL'] : null,
    apiKey: typeof options['apiKey'] === 'string' ? options['apiKey'] : null,
    models: new Set(Object.keys(record(provider['models']))),
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The indentation unit the file already uses (two spaces when it cannot tell). */
function detectIndent(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '  ';
  return m[1]!.startsWith('\t') ? '\t' : m[1]!;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
