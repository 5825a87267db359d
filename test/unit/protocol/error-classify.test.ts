import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  DEACTIVATION_CODES,
  REAUTH_CODES,
  classifyNetworkError,
  classifyStreamFailure,
  classifyUpstreamError,
  isProgrammingError,
  shouldRefreshAndRetry,
} from '../../../main/core/protocol';

const NOW = 1_741_490_000;

const usageLimitBody = {
  error: {
    type: 'usage_limit_reached',
    message: 'The usage limit has been reached',
    plan_type: 'plus',
    resets_at: NOW + 3600,
    resets_in_seconds: 3600,
  },
};

describe('classifyUpstreamError: the §10 table', () => {
  it.each([
    // rate_limit
    [
      '429 usage_limit_reached (type only)',
      429,
      usageLimitBody,
      {},
      { kind: 'usage_limit', resetAt: NOW + 3600 },
    ],
    [
      '429 usage_limit_reached with x-codex-active-limit',
      429,
      usageLimitBody,
      { 'x-codex-active-limit': 'codex_other' },
      { kind: 'usage_limit', resetAt: NOW + 3600, limitName: 'codex_other' },
    ],
    [
      '429 usage_limit_reached naming metered_feature, resets_in_seconds only',
      429,
      { error: { code: 'usage_limit_reached', metered_feature: 'codex_bengalfox', resets_in_seconds: 60 } },
      {},
      { kind: 'usage_limit', resetAt: NOW + 60, limitName: 'codex_bengalfox' },
    ],
    [
      '429 rate_limit_exceeded with a hint',
      429,
      { error: { code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 20s.' } },
      {},
      { kind: 'throttle', delayHintSeconds: 20 },
    ],
    [
      '429 rate_limit_exceeded with retry-after only',
      429,
      { error: { code: 'rate_limit_exceeded', message: 'slow down' } },
      { 'retry-after': '12' },
      { kind: 'throttle', delayHintSeconds: 12 },
    ],
    ['bare 429 with no code', 429, 'Too Many Requests', {}, { kind: 'throttle' }],
    // quota
    [
      'insufficient_quota',
      429,
      { error: { code: 'insufficient_quota', message: 'x' } },
      {},
      { kind: 'quota', code: 'insufficient_quota' },
    ],
    [
      'usage_not_included as type on a 429',
      429,
      { error: { type: 'usage_not_included', message: 'plan lacks it', limit_name: 'codex_other' } },
      {},
      { kind: 'quota', code: 'usage_not_included', limitName: 'codex_other' },
    ],
    [
      'quota_exceeded with resets_at',
      403,
      { error: { code: 'quota_exceeded', resets_at: NOW + 10 } },
      {},
      { kind: 'quota', code: 'quota_exceeded', resetAt: NOW + 10 },
    ],
    // transient
    [
      '500 server_error',
      500,
      { error: { code: 'server_error', message: 'oops' } },
      {},
      { kind: 'transient', code: 'server_error' },
    ],
    [
      '503 server_is_overloaded',
      503,
      { error: { code: 'server_is_overloaded' } },
      {},
      { kind: 'transient', code: 'server_is_overloaded' },
    ],
    ['503 slow_down', 503, { error: { code: 'slow_down' } }, {}, { kind: 'transient', code: 'slow_down' }],
    [
      'upstream_error',
      502,
      { error: { code: 'upstream_error' } },
      {},
      { kind: 'transient', code: 'upstream_error' },
    ],
    [
      'stream_incomplete',
      400,
      { error: { code: 'stream_incomplete' } },
      {},
      { kind: 'transient', code: 'stream_incomplete' },
    ],
    [
      'overloaded_error',
      529,
      { error: { type: 'overloaded_error' } },
      {},
      { kind: 'transient', code: 'overloaded_error' },
    ],
    [
      'model at capacity',
      400,
      { error: { message: 'Selected model is at capacity. Please try a different model.' } },
      {},
      { kind: 'transient', code: 'model_at_capacity' },
    ],
    [
      'any HTTP ≥ 500 without a code',
      504,
      '<html>Gateway Timeout</html>',
      {},
      { kind: 'transient', code: 'http_504' },
    ],
    // non-retryable
    [
      'model-entitlement 400 (penalised)',
      400,
      {
        error: {
          type: 'invalid_request_error',
          message: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account.",
        },
      },
      {},
      { kind: 'client_error', code: 'invalid_request_error', penalise: true },
    ],
    [
      '400 cyber_policy (payload error, no penalty)',
      400,
      { error: { code: 'cyber_policy', message: 'blocked' } },
      {},
      { kind: 'client_error', code: 'cyber_policy', penalise: false },
    ],
    [
      '400 invalid image (no penalty)',
      400,
      { error: { type: 'invalid_request_error', message: 'Invalid image data' } },
      {},
      { kind: 'client_error', code: 'invalid_request_error', penalise: false },
    ],
    [
      '403 without a code (account-specific, penalised)',
      403,
      { detail: 'Forbidden' },
      {},
      { kind: 'client_error', code: 'http_403', penalise: true },
    ],
  ])('%s', (_label, status, body, headers, expected) => {
    expect(classifyUpstreamError({ status, body, headers }, NOW)).toEqual(expected);
  });

  it('reads a JSON body passed as text', () => {
    expect(classifyUpstreamError({ status: 429, body: JSON.stringify(usageLimitBody) }, NOW)).toEqual({
      kind: 'usage_limit',
      resetAt: NOW + 3600,
    });
  });
});

describe('classifyUpstreamError: permanent codes (§1.4) and 401s', () => {
  it.each(REAUTH_CODES.map((c) => [c]))('%s → reauth_required on any status', (code) => {
    for (const status of [400, 401, 403]) {
      expect(classifyUpstreamError({ status, body: { error: { code, message: 'm' } } }, NOW)).toEqual({
        kind: 'permanent',
        status: 'reauth_required',
        code,
        message: 'm',
      });
    }
  });

  it.each(DEACTIVATION_CODES.map((c) => [c]))('%s → deactivated', (code) => {
    expect(classifyUpstreamError({ status: 403, body: { error: { code } } }, NOW)).toMatchObject({
      kind: 'permanent',
      status: 'deactivated',
      code,
    });
  });

  it('reads {"error":"invalid_grant"} and the deactivation message', () => {
    expect(classifyUpstreamError({ status: 400, body: { error: 'invalid_grant' } }, NOW)).toMatchObject({
      status: 'reauth_required',
      code: 'invalid_grant',
    });
    expect(
      classifyUpstreamError(
        { status: 403, body: { error: { message: 'Your account has been deactivated' } } },
        NOW,
      ),
    ).toMatchObject({ kind: 'permanent', status: 'deactivated' });
  });

  it.each([
    ['invalid_api_key', { error: { code: 'invalid_api_key' } }, {}],
    ['invalid_authentication', { error: { code: 'invalid_authentication' } }, {}],
    ['authentication_error type', { error: { type: 'authentication_error' } }, {}],
    ['"session has ended"', { error: { message: 'Your session has ended. Please log in.' } }, {}],
    ['"log in again"', { error: { message: 'Please log in again.' } }, {}],
    ['"reauth"', { detail: 'reauth needed' }, {}],
    ['x-openai-authorization-error header', '', { 'x-openai-authorization-error': 'token_expired' }],
    [
      'x-error-json header (base64)',
      '',
      {
        'x-error-json': Buffer.from(JSON.stringify({ error: { code: 'token_invalidated' } })).toString(
          'base64',
        ),
      },
    ],
  ])('401 %s → reauth_required', (_label, body, headers) => {
    expect(classifyUpstreamError({ status: 401, body, headers }, NOW)).toMatchObject({
      kind: 'permanent',
      status: 'reauth_required',
    });
  });

  it('a plain 401 records an error (client_error, penalised) rather than re-login', () => {
    expect(classifyUpstreamError({ status: 401, body: 'Unauthorized' }, NOW)).toEqual({
      kind: 'client_error',
      code: 'unauthorized',
      penalise: true,
    });
  });

  it.each([
    [{ status: 401, body: '' }, true],
    [{ status: 401, body: { error: { code: 'token_expired' } } }, true],
    [{ status: 401, body: { error: { code: 'invalid_api_key' } } }, true],
    [{ status: 401, body: { error: { code: 'account_deactivated' } } }, false],
    [{ status: 401, body: { error: { code: 'refresh_token_reused' } } }, false],
    [{ status: 403, body: '' }, false],
  ])('shouldRefreshAndRetry(%j) = %s', (input, expected) => {
    expect(shouldRefreshAndRetry(input)).toBe(expected);
  });
});

describe('classifyStreamFailure', () => {
  it('maps response.failed like an HTTP error', () => {
    const event = {
      type: 'response.failed',
      response: {
        id: 'resp_1',
        status: 'failed',
        error: { code: 'usage_limit_reached', message: 'limit', resets_in_seconds: 120 },
        incomplete_details: null,
      },
    };
    expect(classifyStreamFailure(event, NOW, { 'x-codex-active-limit': 'codex' })).toEqual({
      kind: 'usage_limit',
      resetAt: NOW + 120,
      limitName: 'codex',
    });
  });

  it.each([
    [
      { type: 'error', error: { code: 'server_error', message: 'x' } },
      { kind: 'transient', code: 'server_error' },
    ],
    [
      { error: { code: 'rate_limit_exceeded', message: 'try again in 2s' } },
      { kind: 'throttle', delayHintSeconds: 2 },
    ],
    [
      {
        type: 'error',
        status: 429,
        error: { type: 'usage_limit_reached', message: 'x' },
        headers: { 'x-codex-active-limit': 'codex_other' },
      },
      { kind: 'usage_limit', limitName: 'codex_other' },
    ],
    [
      {
        type: 'response.failed',
        response: { error: { code: 'context_length_exceeded', message: 'too long' } },
      },
      { kind: 'client_error', code: 'context_length_exceeded', penalise: false },
    ],
    [
      { type: 'response.failed', response: { status: 'failed' } },
      { kind: 'transient', code: 'upstream_error' },
    ],
    [
      { type: 'response.failed', response: { error: { code: 'token_invalidated', message: 'gone' } } },
      { kind: 'permanent', status: 'reauth_required', code: 'token_invalidated', message: 'gone' },
    ],
  ])('%j → %j', (event, expected) => {
    expect(classifyStreamFailure(event, NOW)).toEqual(expected);
  });
});

describe('classifyNetworkError', () => {
  const withCode = (code: string, cause?: unknown) => Object.assign(new Error(code, { cause }), { code });
  it.each([
    [withCode('ECONNRESET'), { kind: 'transient', code: 'econnreset' }],
    [
      new TypeError('fetch failed', { cause: withCode('UND_ERR_SOCKET') }),
      { kind: 'transient', code: 'und_err_socket' },
    ],
    [
      new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }),
      { kind: 'neutral', code: 'network_unavailable' },
    ],
    [withCode('ENETUNREACH'), { kind: 'neutral', code: 'network_unavailable' }],
    [withCode('stream_idle_timeout'), { kind: 'neutral', code: 'stream_idle_timeout' }],
    [
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
      { kind: 'neutral', code: 'client_disconnected' },
    ],
    [new Error('weird'), { kind: 'transient', code: 'network_error' }],
    ['not an error', { kind: 'transient', code: 'network_error' }],
  ])('%s', (err, expected) => {
    expect(classifyNetworkError(err)).toEqual(expected);
  });
});

describe('isProgrammingError: a fault of ours, not of the transport', () => {
  /** What undici rejects with for a request to `port` (127.0.0.1) under `agent`. */
  const rejection = async (port: number, agent: Agent): Promise<unknown> => {
    try {
      await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
    } catch (err) {
      return err;
    } finally {
      await agent.destroy();
    }
    throw new Error('the request did not fail');
  };

  it('is false for what undici really throws when the connection is refused or upstream says nothing', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    expect(isProgrammingError(await rejection(closedPort, new Agent()))).toBe(false);

    // Accepts, reads, never answers: undici's headers timeout.
    const silent = createServer((socket) => socket.resume()).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      const err = await rejection(silentPort, new Agent({ headersTimeout: 50 }));
      expect((err as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
      expect(isProgrammingError(err)).toBe(false);
    } finally {
      silent.close();
    }
  });

  it.each([
    ['an engine error of our own', new TypeError('this.dispatcher.request is not a function'), true],
    ['a RangeError', new RangeError('Maximum call stack size exceeded'), true],
    [
      'undici\'s "fetch failed" around a socket error',
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }),
      false,
    ],
    ["a proxy's plain Error", new Error('SOCKS5 connection timeout'), false],
    ['an abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), false],
    ['not an error at all', 'oops', false],
  ])('%s', (_, err, expected) => {
    expect(isProgrammingError(err)).toBe(expected);
  });
});
