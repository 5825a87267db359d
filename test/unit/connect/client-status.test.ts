import { describe, expect, it } from 'vitest';
import { codexPointing, openCodePointing } from '../../../main/core/connect/client-status';
import { classifyClient } from '../../../main/core/connect/client-seen';

const OURS = 'http://127.0.0.1:2455/backend-api/codex';

describe('codexPointing', () => {
  it.each<[string, string | null, string, RegExp]>([
    ['no file', null, 'missing', /creates one/],
    ['built-in provider', 'model = "gpt-5.5"\n', 'not_connected', /built-in OpenAI/],
    [
      'connected',
      `model_provider = "codex-pool"\n[model_providers.codex-pool]\nbase_url = "${OURS}"\n`,
      'connected',
      /by default/,
    ],
    [
      'a Codex Pool on another port',
      'model_provider = "codex-pool"\n[model_providers.codex-pool]\nbase_url = "http://127.0.0.1:2456/backend-api/codex"\n',
      'other_proxy',
      /a Codex Pool on port 2456/,
    ],
    [
      'another proxy selected',
      'model_provider = "lb"\n[model_providers.lb]\nbase_url = "https://lb.example.com/backend-api/codex"\n',
      'other_proxy',
      /another server: https:\/\/lb\.example\.com/,
    ],
    ['a file that does not parse', 'model = \n', 'invalid', /does not parse/],
  ])('%s', (_name, content, state, detail) => {
    const pointing = codexPointing(content, OURS);
    expect(pointing.state).toBe(state);
    expect(pointing.detail).toMatch(detail);
  });

  it('sees a default profile that overrides model_provider (or stops Codex 0.169), and says so', () => {
    const content = `model_provider = "codex-pool"\nprofile = "work"\n[profiles.work]\nmodel_provider = "lb"\n[model_providers.lb]\nbase_url = "https://lb.example.com/x"\n[model_providers.codex-pool]\nbase_url = "${OURS}"\n`;
    const p = codexPointing(content, OURS);
    expect(p.state).toBe('other_proxy');
    expect(p.notes.join(' ')).toMatch(
      /selects the profile "work".*refuses at start \(older versions let its provider "lb" win/,
    );
  });

  it('says what connecting replaces', () => {
    const p = codexPointing(
      'model_provider = "lb"\n[model_providers.lb]\nbase_url = "https://lb.example.com/x"\n',
      OURS,
    );
    expect(p.notes.join(' ')).toMatch(
      /uses the provider "lb" \(https:\/\/lb\.example\.com\/x\).*Undo brings the choice back/,
    );
  });
});

describe('openCodePointing', () => {
  const V1 = 'http://127.0.0.1:2455/v1';
  it.each<[string, string | null, string]>([
    ['no file', null, 'missing'],
    ['no provider', '{ // c\n "model": "openai/gpt-5.5" }', 'not_connected'],
    ['ours', `{"provider":{"openai":{"options":{"baseURL":"${V1}"}}}}`, 'connected'],
    [
      'another port',
      '{"provider":{"openai":{"options":{"baseURL":"http://127.0.0.1:2999/v1"}}}}',
      'other_proxy',
    ],
    ['broken', '{"provider": ', 'invalid'],
  ])('%s', (_name, content, state) => {
    expect(openCodePointing(content, V1).state).toBe(state);
  });
});

describe('classifyClient', () => {
  it.each<[string | undefined, string | undefined, string]>([
    ['codex_exec/0.169.0 (Debian 12.0.0; x86_64) unknown (codex_exec; 0.169.0)', 'codex_exec', 'codex'],
    ['codex_vscode/0.169.0 (Mac OS 15; arm64)', undefined, 'codex'],
    [undefined, 'codex_cli_rs', 'codex'],
    ['opencode/1.2.3 ai-sdk/openai/2.0.0', undefined, 'opencode'],
    ['OpenAI/JS 6.7.0', undefined, 'other'],
    [undefined, undefined, 'other'],
  ])('%s / %s → %s', (ua, originator, kind) => {
    expect(classifyClient(ua, originator)).toBe(kind);
  });
});
