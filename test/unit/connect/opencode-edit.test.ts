import { describe, expect, it } from 'vitest';
import { parse } from 'jsonc-parser';
import { editOpenCodeConfig, type OpenCodeTarget } from '../../../main/core/connect/opencode-edit';

const target: OpenCodeTarget = {
  baseUrl: 'http://127.0.0.1:2455/v1',
  apiKey: 'codex-pool',
  models: ['gpt-5.5'],
};
const edited = (text: string, t: OpenCodeTarget = target): string => {
  const result = editOpenCodeConfig(text, t);
  if (!result.ok) throw new Error(result.message);
  return result.text;
};

describe('editOpenCodeConfig', () => {
  it('creates a config with the schema and the provider from nothing', () => {
    const out = edited('');
    expect(parse(out)).toEqual({
      $schema: 'https://opencode.ai/config.json',
      provider: {
        openai: { options: { baseURL: target.baseUrl, apiKey: 'codex-pool' }, models: { 'gpt-5.5': {} } },
      },
    });
  });

  it('keeps the options and models the user already has, and only adds what is missing', () => {
    const input = `{
\t// tabs here
\t"provider": {
\t\t"openai": {
\t\t\t"options": { "timeout": 600000, "baseURL": "https://api.openai.com/v1" },
\t\t\t"models": { "gpt-5.5": { "name": "mine" } }
\t\t}
\t}
}
`;
    const out = edited(input, { ...target, models: ['gpt-5.5', 'gpt-5.4'] });
    expect(out).toContain('\t// tabs here');
    expect(out).not.toMatch(/\n {2}"/); // the file's tab indentation is kept for what is added
    const doc = parse(out) as { provider: { openai: { options: object; models: object } } };
    expect(doc.provider.openai.options).toEqual({
      timeout: 600000,
      baseURL: target.baseUrl,
      apiKey: 'codex-pool',
    });
    expect(doc.provider.openai.models).toEqual({ 'gpt-5.5': { name: 'mine' }, 'gpt-5.4': {} });
    expect(edited(out, { ...target, models: ['gpt-5.5', 'gpt-5.4'] })).toBe(out);
  });

  it('keeps CRLF line endings', () => {
    const out = edited('{\r\n  "theme": "x"\r\n}\r\n');
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it.each([
    ['a syntax error', '{"provider": '],
    ['an array at the top', '[1, 2]'],
  ])('refuses %s and says the file was left untouched', (_name, input) => {
    const result = editOpenCodeConfig(input, target);
    expect(result).toMatchObject({ ok: false, code: 'invalid_config' });
    if (!result.ok) expect(result.message).toMatch(/left untouched/);
  });
});
