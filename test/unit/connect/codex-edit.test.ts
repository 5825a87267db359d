import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { editCodexConfig, type CodexTarget } from '../../../main/core/connect/codex-edit';

const URL = 'http://127.0.0.1:2455/backend-api/codex';
const login: CodexTarget = {
  baseUrl: URL,
  requiresOpenaiAuth: true,
  bearerToken: null,
  supportsWebsockets: false,
};
const TABLE = `[model_providers.codex-pool]\nname = "openai"\nbase_url = "${URL}"\nwire_api = "responses"\nrequires_openai_auth = true\n`;

const edited = (text: string, target: CodexTarget = login): string => {
  const result = editCodexConfig(text, target);
  if (!result.ok) throw new Error(result.message);
  return result.text;
};

describe('editCodexConfig', () => {
  it.each<[string, string, string]>([
    ['an empty file', '', `model_provider = "codex-pool"\n\n${TABLE}`],
    ['root keys only', 'model = "gpt-5.5"\n', `model = "gpt-5.5"\nmodel_provider = "codex-pool"\n\n${TABLE}`],
    [
      'tables only: the key goes first, set apart',
      '[features]\nweb_search = true\n',
      `model_provider = "codex-pool"\n\n[features]\nweb_search = true\n\n${TABLE}`,
    ],
    [
      'another model_provider, with a trailing comment',
      'model_provider = "openai"   # was the default\n[a]\nx = 1\n',
      `model_provider = "codex-pool" # was the default\n[a]\nx = 1\n\n${TABLE}`,
    ],
    [
      'no final newline',
      'model = "m"\n[a]\nx = 1',
      `model = "m"\nmodel_provider = "codex-pool"\n[a]\nx = 1\n\n${TABLE}`,
    ],
    [
      'our table with an old port and a key of the user',
      `model_provider = "codex-pool"\n\n[model_providers.codex-pool]\nname = "openai"\nbase_url  =  "http://127.0.0.1:9999/backend-api/codex"  # old\nstream_idle_timeout_ms = 600000\n\n# next\n[b]\n`,
      `model_provider = "codex-pool"\n\n[model_providers.codex-pool]\nname = "openai"\nbase_url = "${URL}" # old\nstream_idle_timeout_ms = 600000\nwire_api = "responses"\nrequires_openai_auth = true\n\n# next\n[b]\n`,
    ],
    [
      'a quoted table header, indented keys',
      `model_provider = "codex-pool"\n[model_providers."codex-pool"]\n  name = "openai"\n  base_url = "x"\n  wire_api = "responses"\n  requires_openai_auth = true\n`,
      `model_provider = "codex-pool"\n[model_providers."codex-pool"]\n  name = "openai"\n  base_url = "${URL}"\n  wire_api = "responses"\n  requires_openai_auth = true\n`,
    ],
    [
      'a sub-table of ours: new keys go before it',
      `model_provider = "codex-pool"\n[model_providers.codex-pool]\nname = "openai"\n[model_providers.codex-pool.http_headers]\nX-Team = "a"\n`,
      `model_provider = "codex-pool"\n[model_providers.codex-pool]\nname = "openai"\nbase_url = "${URL}"\nwire_api = "responses"\nrequires_openai_auth = true\n[model_providers.codex-pool.http_headers]\nX-Team = "a"\n`,
    ],
    [
      'look-alike lines inside a multi-line string and an array',
      `notes = """\n[model_providers.codex-pool]\nmodel_provider = "nope"\n"""\nargs = [\n  "[x]", # a comment with ] and "quotes"\n  'y # not a comment',\n]\n`,
      `notes = """\n[model_providers.codex-pool]\nmodel_provider = "nope"\n"""\nargs = [\n  "[x]", # a comment with ] and "quotes"\n  'y # not a comment',\n]\nmodel_provider = "codex-pool"\n\n${TABLE}`,
    ],
  ])('%s', (_name, input, expected) => {
    expect(edited(input)).toBe(expected);
    expect(edited(expected)).toBe(expected); // running twice changes nothing
  });

  it('keeps CRLF line endings in the lines it adds', () => {
    const out = edited('model = "m"\r\n[a]\r\nx = 1\r\n');
    expect(out).toBe(
      `model = "m"\r\nmodel_provider = "codex-pool"\r\n[a]\r\nx = 1\r\n\r\n${TABLE.replace(/\n/g, '\r\n')}`,
    );
  });

  it('drops requires_openai_auth without a login, and writes the proxy key when one is required', () => {
    const withLogin = edited('');
    const out = edited(withLogin, { ...login, requiresOpenaiAuth: false, bearerToken: 'cp-abc' });
    expect(out).not.toContain('requires_openai_auth');
    expect(out).toContain('experimental_bearer_token = "cp-abc"\n');
    const back = edited(out, { ...login, requiresOpenaiAuth: false });
    expect(back).not.toContain('experimental_bearer_token');
  });

  it('turns WebSocket transport on when the pool serves it, and off again when it does not', () => {
    const on = edited('', { ...login, supportsWebsockets: true });
    expect(on).toBe(`model_provider = "codex-pool"\n\n${TABLE}supports_websockets = true\n`);
    expect(edited(on, { ...login, supportsWebsockets: true })).toBe(on);
    expect(edited(on)).toBe(`model_provider = "codex-pool"\n\n${TABLE}`);
  });

  it.each([
    ['an inline table', '[model_providers]\ncodex-pool = { name = "x", base_url = "y" }\n'],
    ['dotted keys at the root', 'model_providers.codex-pool.base_url = "y"\n'],
    ['dotted keys in the parent table', '[model_providers]\ncodex-pool.base_url = "y"\n'],
  ])('refuses %s rather than guess', (_name, input) => {
    const result = editCodexConfig(input, login);
    expect(result).toMatchObject({ ok: false, code: 'unsupported_layout' });
  });

  it.each([
    ['a broken header', '[features\nx = 1\n'],
    ['a value missing', 'model = \n'],
    ['a duplicate key', 'a = 1\na = 2\n'],
  ])('refuses a file that does not parse: %s', (_name, input) => {
    const result = editCodexConfig(input, login);
    expect(result).toMatchObject({ ok: false, code: 'invalid_config' });
    if (!result.ok) expect(result.message).toMatch(/does not parse.*left untouched/);
  });

  // Any arrangement of the sections people keep: the edit only adds lines (and swaps model_provider), so
  // deleting what it added gives back the original, byte for byte, and the result is valid TOML.
  it('leaves every other line alone, whatever the arrangement', () => {
    const sections = [
      '# header comment\n',
      '[mcp_servers.docs]\ncommand = "node"\nargs = [\n  "a", # x\n  "b",\n]\n',
      '[profiles.deep]\nmodel = "gpt-5.5"\n',
      '[features]\nweb_search = true\n\n',
      "[tui]\nnotifications = ['a', 'b']\n",
      '\n\n# trailing notes\n',
      '[model_providers.other]\nname = "o"\nbase_url = "http://127.0.0.1:9/v1"\n',
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(sections), fc.boolean(), (picked, withRoot) => {
        const input = (withRoot ? 'model = "gpt-5.5"\n' : '') + picked.join('');
        const out = edited(input);
        expect(() => parse(out)).not.toThrow();
        const added = new Set(['model_provider = "codex-pool"', ...TABLE.trimEnd().split('\n')]);
        const kept = out.split('\n').filter((line) => !added.has(line));
        const original = input.split('\n');
        // What remains is the original plus at most the blank separator lines the edit added.
        expect(kept.filter((l) => l !== '')).toEqual(original.filter((l) => l !== ''));
        expect(edited(out)).toBe(out);
      }),
      { numRuns: 60 },
    );
  });
});
