import { describe, expect, it } from 'vitest';
import { buildUpstreamHeaders, controlHeaders, extractStickyKey } from '../../../main/core/protocol';

const persona = {
  originator: 'codex_cli_rs',
  version: '0.144.0',
  userAgent: 'codex_cli_rs/0.144.0 (Mac OS 26.5.0; arm64) iTerm.app/3.6.10',
};
const build = (inbound: Record<string, string | string[] | undefined>) =>
  buildUpstreamHeaders({
    inbound,
    accessToken: 'acct-token',
    chatgptAccountId: 'acct-1',
    persona,
    newRequestId: () => 'req-generated',
  });

describe('buildUpstreamHeaders (§4.1–4.2)', () => {
  it("never forwards the client's own authorization or chatgpt-account-id", () => {
    const out = build({
      Authorization: 'Bearer users-own-chatgpt-token',
      'ChatGPT-Account-Id': 'users-own-account',
      originator: 'codex_exec',
    });
    expect(out.authorization).toBe('Bearer acct-token');
    expect(out['chatgpt-account-id']).toBe('acct-1');
    const serialized = JSON.stringify(out);
    expect(serialized).not.toContain('users-own-chatgpt-token');
    expect(serialized).not.toContain('users-own-account');
    expect(Object.keys(out).filter((k) => k.toLowerCase() === 'authorization')).toEqual(['authorization']);
  });

  it('drops infrastructure, hop-by-hop and internal headers', () => {
    const out = build({
      host: '127.0.0.1:2455',
      'content-length': '123',
      forwarded: 'for=1.2.3.4',
      'x-forwarded-for': '1.2.3.4',
      'x-forwarded-proto': 'https',
      'x-real-ip': '1.2.3.4',
      'true-client-ip': '1.2.3.4',
      'cf-connecting-ip': '1.2.3.4',
      'cf-ray': 'abc',
      'x-codex-installation-id': 'inst',
      'x-openai-internal-codex-responses-lite': '1',
      connection: 'keep-alive, x-custom-hop',
      'x-custom-hop': 'drop me',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      trailer: 'x',
      'transfer-encoding': 'chunked',
      upgrade: 'websocket',
      'proxy-authorization': 'Basic x',
      'proxy-connection': 'keep-alive',
      'accept-encoding': 'gzip, br',
      cookie: 'cp_session=secret',
      'x-api-key': 'cp-secret',
      accept: 'application/json',
      'content-type': 'text/plain',
    });
    expect(out).toEqual({
      originator: persona.originator,
      'user-agent': persona.userAgent,
      version: persona.version,
      authorization: 'Bearer acct-token',
      'chatgpt-account-id': 'acct-1',
      accept: 'text/event-stream',
      'content-type': 'application/json',
      'x-request-id': 'req-generated',
    });
  });

  it('passes through the listed client headers', () => {
    const passed = {
      session_id: 's1',
      'session-id': 's2',
      'thread-id': 't1',
      'x-client-request-id': 'c1',
      'x-codex-turn-state': 'ts',
      'x-codex-turn-metadata': '{"request_kind":"compaction"}',
      'x-codex-beta-features': 'a,b',
      'x-openai-subagent': 'review',
      'openai-organization': 'org',
      'openai-project': 'proj',
      'openai-beta': 'responses=experimental',
      'x-request-id': 'client-req',
    };
    const out = build({ ...passed, originator: 'codex_exec', 'user-agent': 'codex_exec/0.169.0' });
    expect(out).toMatchObject(passed);
    expect(out['x-request-id']).toBe('client-req');
  });

  it('keeps request-id instead of generating x-request-id', () => {
    const out = build({ 'request-id': 'r-9' });
    expect(out['request-id']).toBe('r-9');
    expect(out['x-request-id']).toBeUndefined();
  });

  it('strips the WebSocket beta token over HTTP', () => {
    expect(build({ 'openai-beta': 'responses_websockets=2026-02-06' })['openai-beta']).toBeUndefined();
  });

  it.each([
    ['originator codex_exec', { originator: 'codex_exec', 'user-agent': 'anything/1', version: '0.169.0' }],
    ['originator Codex Desktop', { originator: 'Codex Desktop', 'user-agent': 'Electron' }],
    ['user-agent prefix codex_vscode', { 'user-agent': 'codex_vscode/1.2 (Linux)' }],
  ])('native client (%s) keeps its fingerprint', (_label, inbound) => {
    const out = build({ ...inbound, 'x-stainless-lang': 'js' });
    for (const [k, v] of Object.entries(inbound)) expect(out[k]).toBe(v);
    expect(out['x-stainless-lang']).toBe('js');
  });

  it('replaces a non-native fingerprint with the Codex persona', () => {
    const out = build({
      'user-agent': 'OpenAI/JS 6.7.0',
      originator: 'opencode',
      version: '9',
      'x-stainless-lang': 'js',
      'x-stainless-os': 'Linux',
      'x-openai-client-user-agent': '{}',
      'openai-project': 'p',
    });
    expect(out).toEqual({
      'openai-project': 'p',
      originator: 'codex_cli_rs',
      'user-agent': persona.userAgent,
      version: '0.144.0',
      authorization: 'Bearer acct-token',
      'chatgpt-account-id': 'acct-1',
      accept: 'text/event-stream',
      'content-type': 'application/json',
      'x-request-id': 'req-generated',
    });
  });
});

describe('controlHeaders (§4.3)', () => {
  it('sends only authorization, accept and chatgpt-account-id by default', () => {
    expect(controlHeaders('tok', 'acct')).toEqual({
      authorization: 'Bearer tok',
      accept: 'application/json',
      'chatgpt-account-id': 'acct',
    });
    expect(controlHeaders('tok', 'acct', { userAgent: 'ua', fedramp: true })).toMatchObject({
      'user-agent': 'ua',
      'x-openai-fedramp': 'true',
    });
  });
});

describe('extractStickyKey (BALANCER §6.1)', () => {
  it.each([
    [{ prompt_cache_key: 'pck' }, { session_id: 's' }, 'pck'],
    [{ promptCacheKey: 'camel' }, {}, 'camel'],
    [{ prompt_cache_key: '' }, { session_id: 's', 'session-id': 's2' }, 's'],
    [{}, { 'session-id': 's2', 'thread-id': 't' }, 's2'],
    [{}, { 'thread-id': 't' }, 't'],
    [null, { 'session-id': '  ' }, undefined],
    [{}, {}, undefined],
  ])('%j + %j → %s', (body, headers, expected) => {
    expect(extractStickyKey(body, headers)).toBe(expected);
  });
});
