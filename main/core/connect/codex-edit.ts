import { parse } from 'smol-toml';
import { findTable, samePath, scanToml, tableBody, type TomlLayout } from './toml-layout';

/** The provider id Codex Pool owns in `config.toml`; also the profile's name. */
export const CODEX_PROVIDER_ID = 'codex-pool';

/** What the Codex provider should say. */
export interface CodexTarget {
  /** `<server>/backend-api/codex`. */
  baseUrl: string;
  /**
   * Set when Codex has a login (auth.json): it then keeps using it, which the IDE extension needs; the proxy
   * ignores that bearer. Left out without a login, so the interactive CLI does not ask the user to sign in.
   */
  requiresOpenaiAuth: boolean;
  /** A proxy key (`cp-…`) when the pool requires one; Codex sends it instead of its login (observed, 0.169). */
  bearerToken: string | null;
  /**
   * Whether the pool serves Responses over WebSocket. Codex then keeps one socket per conversation and sends only
   * the new items of each call instead of the whole history (README, "WebSocket transport").
   */
  supportsWebsockets: boolean;
}

/** Why an edit was refused. */
export type CodexEditError = { code: 'invalid_config' | 'unsupported_layout'; message: string };

/** The edited document, or why there is none. */
export type CodexEditResult = { ok: true; text: string } | ({ ok: false } & CodexEditError);

type Value = string | boolean;
type Splice = { at: number; remove: number; insert: string[] };

/**
 * Computes the `config.toml` (or the profile file `codex-pool.config.toml`) that routes Codex through the
 * pool: one `[model_providers.codex-pool]` table and the top-level `model_provider`. Every other byte stays. The result is re-parsed and
 * compared with the expected document, so a layout this editor does not understand is refused, never damaged.
 */
export function editCodexConfig(text: string, target: CodexTarget): CodexEditResult {
  let before: Record<string, unknown>;
  try {
    before = parse(text) as Record<string, unknown>;
  } catch (err) {
    return {
      ok: false,
      code: 'invalid_config',
      message: `config.toml does not parse as TOML (${firstLine(err)}). Fix it or move it away, then try again; it was left untouched.`,
    };
  }
  const layout = scanToml(text);
  const provider = providerEntries(target);
  const splices: Splice[] = [];
  const appended: string[][] = [];
  const unsupported = upsertTable(
    layout,
    ['model_providers', CODEX_PROVIDER_ID],
    provider,
    before,
    splices,
    appended,
  );
  if (unsupported) return unsupported;
  setRootKey(layout, 'model_provider', CODEX_PROVIDER_ID, before, splices);
  const next = render(layout, splices, appended);

  const expected = parse(text) as Record<string, unknown>;
  const providers = objectAt(expected, 'model_providers');
  const current = (providers[CODEX_PROVIDER_ID] ?? {}) as Record<string, unknown>;
  for (const [key, value] of provider) {
    if (value === null) delete current[key];
    else current[key] = value;
  }
  providers[CODEX_PROVIDER_ID] = current;
  expected['model_provider'] = CODEX_PROVIDER_ID;
  let after: unknown;
  try {
    after = parse(next);
  } catch {
    after = undefined;
  }
  if (after === undefined || canonical(after) !== canonical(expected)) return unsupportedLayout();
  return { ok: true, text: next };
}

/** The provider's managed keys, in the order a new table lists them; null means "must be absent". */
function providerEntries(t: CodexTarget): Map<string, Value | null> {
  return new Map<string, Value | null>([
    // Remote compaction is used only when the name equals the built-in OpenAI provider's (PROTOCOL.md §13).
    ['name', 'openai'],
    ['base_url', t.baseUrl],
    ['wire_api', 'responses'],
    ['requires_openai_auth', t.requiresOpenaiAuth ? true : null],
    ['experimental_bearer_token', t.bearerToken],
    // Absent means false for a custom provider.
    ['supports_websockets', t.supportsWebsockets ? true : null],
  ]);
}

function unsupportedLayout(): { ok: false } & CodexEditError {
  return {
    ok: false,
    code: 'unsupported_layout',
    message:
      'config.toml defines the codex-pool provider in a form Codex Pool does not edit (an inline table or dotted keys). Write it as a [model_providers.codex-pool] table, or remove it, then try again; the file was left untouched.',
  };
}

/** Updates the keys of one table in place, or queues a new table at the end of the document. */
function upsertTable(
  layout: TomlLayout,
  path: string[],
  entries: Map<string, Value | null>,
  before: Record<string, unknown>,
  splices: Splice[],
  appended: string[][],
): ({ ok: false } & CodexEditError) | null {
  const header = findTable(layout, path);
  const existing = valueAt(before, path);
  if (header < 0) {
    if (existing !== undefined) return unsupportedLayout();
    const lines = [`[${path.map(formatKey).join('.')}]`];
    for (const [key, value] of entries)
      if (value !== null) lines.push(`${formatKey(key)} = ${formatValue(value)}`);
    appended.push(lines);
    return null;
  }
  const current = (existing ?? {}) as Record<string, unknown>;
  const body = tableBody(layout, header);
  let insertAt = (body.at(-1)?.end ?? layout.statements[header]!.end) + 1;
  const additions: string[] = [];
  for (const [key, value] of entries) {
    const statement = body.find((s) => samePath(s.path, [key]));
    if (!statement) {
      if (value !== null) additions.push(`${formatKey(key)} = ${formatValue(value)}`);
      continue;
    }
    if (value === null) {
      splices.push({ at: statement.start, remove: statement.end - statement.start + 1, insert: [] });
    } else if (current[key] !== value) {
      const comment = statement.comment ? ` ${statement.comment}` : '';
      splices.push({
        at: statement.start,
        remove: statement.end - statement.start + 1,
        insert: [`${statement.indent}${formatKey(key)} = ${formatValue(value)}${comment}`],
      });
    }
  }
  if (additions.length > 0) {
    // Right after the table's last key: a blank line or comment before the next header stays where it was.
    insertAt = Math.min(insertAt, layout.lines.length);
    splices.push({ at: insertAt, remove: 0, insert: additions });
  }
  return null;
}

/** Sets a top-level key: in place when present, else after the last top-level key (or at the top). */
function setRootKey(
  layout: TomlLayout,
  key: string,
  value: string,
  before: Record<string, unknown>,
  splices: Splice[],
): void {
  const root = tableBody(layout, -1);
  const statement = root.find((s) => samePath(s.path, [key]));
  const line = `${formatKey(key)} = ${formatValue(value)}`;
  if (statement) {
    if (before[key] === value) return;
    const comment = statement.comment ? ` ${statement.comment}` : '';
    splices.push({
      at: statement.start,
      remove: statement.end - statement.start + 1,
      insert: [`${statement.indent}${line}${comment}`],
    });
    return;
  }
  const last = root.at(-1);
  if (last) splices.push({ at: last.end + 1, remove: 0, insert: [line] });
  else {
    // No top-level keys: a key must precede every table, so it goes first, set apart by a blank line.
    const firstIsBlank = layout.lines.length === 0 || layout.lines[0]!.trim() === '';
    splices.push({ at: 0, remove: 0, insert: firstIsBlank ? [line] : [line, ''] });
  }
}

function render(layout: TomlLayout, splices: Splice[], appended: string[][]): string {
  const lines = [...layout.lines];
  // Bottom-up, so earlier line numbers stay valid; splices never overlap (one per statement).
  for (const s of [...splices].sort((a, b) => b.at - a.at)) lines.splice(s.at, s.remove, ...s.insert);
  let finalEol = layout.finalEol;
  for (const table of appended) {
    if (lines.length > 0 && lines.at(-1)!.trim() !== '') lines.push('');
    lines.push(...table);
    finalEol = true;
  }
  if (lines.length === 0) return '';
  return lines.join(layout.eol) + (finalEol ? layout.eol : '');
}

/** A key as TOML writes it: bare when it can be. */
function formatKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** A string or boolean as a TOML literal (JSON's string escapes are valid TOML basic-string escapes). */
function formatValue(value: Value): string {
  return typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function valueAt(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = doc;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function objectAt(doc: Record<string, unknown>, key: string): Record<string, unknown> {
  const node = doc[key];
  if (node !== null && typeof node === 'object' && !Array.isArray(node))
    return node as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  doc[key] = fresh;
  return fresh;
}

/** A comparable rendering of a parsed document: keys sorted, dates and other values tagged by type. */
function canonical(value: unknown): string {
  if (value instanceof Date) return `date:${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return `${typeof value}:${String(value)}`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
