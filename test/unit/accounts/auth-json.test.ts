import { describe, expect, it } from 'vitest';
import { AuthDataError } from '../../../main/core/accounts/jwt';
import {
  formatRfc3339Micros,
  parseAuthJson,
  toCodexAuthJson,
  toOpenCodeAuth,
} from '../../../main/core/accounts/auth-json';
import { NOW, accessToken, idToken } from './jwt-fixtures';

const ID = idToken();
const ACCESS = accessToken();
const REFRESH = 'rt_Refresh.Secret-123';

const codexFile = {
  auth_mode: 'chatgpt',
  OPENAI_API_KEY: null,
  tokens: { id_token: ID, access_token: ACCESS, refresh_token: REFRESH, account_id: 'ws-file' },
  last_refresh: '2026-01-01T00:00:00.123456Z',
  agent_identity: { ignored: true },
};

function authError(input: unknown): AuthDataError {
  try {
    parseAuthJson(input, { now: NOW });
  } catch (err) {
    expect(err).toBeInstanceOf(AuthDataError);
    const message = (err as Error).message;
    for (const secret of [ID, ACCESS, REFRESH, 'sk-proj-secret']) expect(message).not.toContain(secret);
    return err as AuthDataError;
  }
  throw new Error('expected an AuthDataError');
}

describe('parseAuthJson', () => {
  it('reads the Codex CLI file', () => {
    expect(parseAuthJson(codexFile, { now: 1 })).toEqual({
      format: 'codex',
      tokens: { idToken: ID, accessToken: ACCESS, refreshToken: REFRESH },
      accountId: 'ws-file',
      lastRefreshAt: NOW,
    });
  });

  it('accepts camelCase, JSON text, and a missing last_refresh (→ now)', () => {
    const camel = { tokens: { idToken: ID, accessToken: ACCESS, refreshToken: REFRESH, accountId: 'ws-c' } };
    expect(parseAuthJson(JSON.stringify(camel), { now: 42 })).toMatchObject({
      accountId: 'ws-c',
      lastRefreshAt: 42,
    });
    expect(parseAuthJson({ ...camel, lastRefreshAt: NOW + 5 }, { now: 42 }).lastRefreshAt).toBe(NOW + 5);
  });

  it('accepts a file without account_id or id_token', () => {
    const parsed = parseAuthJson({ tokens: { access_token: ACCESS, refresh_token: REFRESH } }, { now: NOW });
    expect(parsed.accountId).toBeUndefined();
    expect(parsed.tokens.idToken).toBeNull();
  });

  it('keeps ChatGPT tokens stored next to an exchanged API key by older CLIs', () => {
    const old = {
      OPENAI_API_KEY: 'sk-proj-secret',
      tokens: codexFile.tokens,
      last_refresh: codexFile.last_refresh,
    };
    expect(parseAuthJson(old, { now: NOW }).tokens.refreshToken).toBe(REFRESH);
  });

  it('reads the OpenCode entry (identity then comes from the access token)', () => {
    const file = {
      anthropic: { type: 'api', key: 'sk-ant' },
      openai: {
        type: 'oauth',
        refresh: REFRESH,
        access: ACCESS,
        expires: (NOW + 864000) * 1000,
        account_id: 'ws-oc',
      },
    };
    expect(parseAuthJson(file, { now: 7 })).toEqual({
      format: 'opencode',
      tokens: { idToken: null, accessToken: ACCESS, refreshToken: REFRESH },
      accountId: 'ws-oc',
      lastRefreshAt: NOW,
      accessExpiresAt: NOW + 864000,
    });
  });

  it.each([
    [
      'an API-key login',
      { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-proj-secret', tokens: null },
      'api_key_login',
    ],
    ['a key without tokens', { OPENAI_API_KEY: 'sk-proj-secret' }, 'api_key_login'],
    ['an OpenCode API key', { openai: { type: 'api', key: 'sk-proj-secret' } }, 'api_key_login'],
  ])('rejects %s with a clear message', (_, input, code) => {
    const err = authError(input);
    expect(err.code).toBe(code);
    expect(err.message).toBe('this auth.json holds an API key, not a ChatGPT login');
  });

  it.each([
    ['invalid JSON text', `{"tokens": {"access_token": "${ACCESS}"`, /not valid JSON/],
    ['an array', [1, 2], /expected a JSON object/],
    ['no tokens', { auth_mode: 'chatgpt' }, /no "tokens"/],
    [
      'a missing refresh token',
      { tokens: { id_token: ID, access_token: ACCESS } },
      /refresh_token is missing/,
    ],
    ['a wrong type', { tokens: { access_token: 12, refresh_token: REFRESH } }, /tokens\.access_token/],
    ['a bad date', { ...codexFile, last_refresh: `${REFRESH}` }, /last_refresh is not a date/],
    [
      'an OpenCode entry without access',
      { openai: { type: 'oauth', refresh: REFRESH } },
      /openai\.access is missing/,
    ],
  ])('rejects %s as "not an auth.json" without echoing tokens', (_, input, pattern) => {
    const err = authError(input);
    expect(err.code).toBe('not_auth_json');
    expect(err.message).toMatch(/^not an auth\.json: /);
    expect(err.message).toMatch(pattern);
  });
});

describe('export', () => {
  const tokens = { idToken: ID, accessToken: ACCESS, refreshToken: REFRESH };

  it('writes last_refresh as RFC 3339 UTC with microseconds', () => {
    expect(formatRfc3339Micros(NOW)).toBe('2026-01-01T00:00:00.000000Z');
    expect(formatRfc3339Micros(NOW + 0.123456)).toBe('2026-01-01T00:00:00.123456Z');
  });

  it('round-trips through the Codex CLI shape', () => {
    const file = toCodexAuthJson({ tokens, accountId: 'ws-team-1', lastRefreshAt: NOW });
    expect(file).toEqual({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: { id_token: ID, access_token: ACCESS, refresh_token: REFRESH, account_id: 'ws-team-1' },
      last_refresh: '2026-01-01T00:00:00.000000Z',
    });
    expect(parseAuthJson(JSON.parse(JSON.stringify(file)), { now: 0 })).toMatchObject({
      tokens,
      lastRefreshAt: NOW,
    });
  });

  it('refuses a Codex export without an id token', () => {
    expect(() =>
      toCodexAuthJson({ tokens: { ...tokens, idToken: null }, accountId: 'ws', lastRefreshAt: NOW }),
    ).toThrow(AuthDataError);
  });

  it('writes the OpenCode shape with expires in ms from the access token', () => {
    expect(toOpenCodeAuth({ tokens, accountId: 'ws-team-1' })).toEqual({
      openai: {
        type: 'oauth',
        refresh: REFRESH,
        access: ACCESS,
        expires: (NOW + 864000) * 1000,
        accountId: 'ws-team-1',
      },
    });
    expect(toOpenCodeAuth({ tokens, accountId: 'ws', accessExpiresAt: 5 }).openai.expires).toBe(5000);
  });
});
