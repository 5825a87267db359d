import { describe, expect, it } from 'vitest';
import { resolveConfig, ConfigError, isLoopbackHost } from '../../../main/core/config';

const base = { env: {}, defaultDataDir: '/home/u/.codex-pool' };

describe('resolveConfig', () => {
  it('uses the documented defaults', () => {
    expect(resolveConfig(base)).toEqual({
      host: '127.0.0.1',
      port: 2455,
      dataDir: '/home/u/.codex-pool',
      upstreamBaseUrl: 'https://chatgpt.com/backend-api',
      authBaseUrl: 'https://auth.openai.com',
      adminToken: undefined,
      logLevel: 'info',
      demo: false,
      upstream: {},
      usagePollsPerMinute: 120,
    });
  });

  it('reads the client limits: request timeout in seconds and the connection cap', () => {
    const env = { CODEX_POOL_REQUEST_TIMEOUT_S: '45', CODEX_POOL_MAX_CONNECTIONS: '64' };
    expect(resolveConfig({ ...base, env }).clientLimits).toEqual({
      requestTimeoutMs: 45_000,
      maxConnections: 64,
    });
    expect(() => resolveConfig({ ...base, env: { CODEX_POOL_MAX_CONNECTIONS: '0' } })).toThrow(
      'CODEX_POOL_MAX_CONNECTIONS must be a whole number of at least 1; got "0".',
    );
  });

  it('reads the upstream bounds in seconds and the connection cap', () => {
    const env = {
      CODEX_POOL_UPSTREAM_HEADERS_TIMEOUT: '30',
      CODEX_POOL_STREAM_IDLE_TIMEOUT: '200',
      CODEX_POOL_FIRST_BYTE_TIMEOUT: '250',
      CODEX_POOL_UPSTREAM_CONNECTIONS: '2000',
    };
    expect(resolveConfig({ ...base, env }).upstream).toEqual({
      headersMs: 30_000,
      bodyIdleMs: 200_000,
      firstByteMs: 250_000,
      connections: 2000,
    });
  });

  it('lets the environment override defaults and flags override the environment', () => {
    const env = {
      CODEX_POOL_HOST: '0.0.0.0',
      CODEX_POOL_PORT: '3000',
      CODEX_POOL_DATA_DIR: '/srv/pool',
      CODEX_POOL_UPSTREAM_BASE_URL: 'http://127.0.0.1:9999/backend-api/',
      CODEX_POOL_LOG_LEVEL: 'DEBUG',
      CODEX_POOL_ADMIN_TOKEN: 'a-very-long-admin-token',
    };
    const config = resolveConfig({ ...base, env, flags: { port: '4000', dataDir: '/tmp/x' } });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 4000,
      dataDir: '/tmp/x',
      upstreamBaseUrl: 'http://127.0.0.1:9999/backend-api',
      logLevel: 'debug',
      adminToken: 'a-very-long-admin-token',
    });
  });

  it.each([
    [{ CODEX_POOL_PORT: 'abc' }, /port must be a whole number/],
    [{ CODEX_POOL_PORT: '70000' }, /port must be a whole number/],
    [{ CODEX_POOL_LOG_LEVEL: 'loud' }, /CODEX_POOL_LOG_LEVEL must be one of/],
    [{ CODEX_POOL_UPSTREAM_BASE_URL: 'chatgpt.com' }, /CODEX_POOL_UPSTREAM_BASE_URL must be an absolute/],
    [{ CODEX_POOL_AUTH_BASE_URL: 'ftp://x' }, /must use http or https/],
    [{ CODEX_POOL_ADMIN_TOKEN: 'short' }, /at least 16 characters/],
    [
      { CODEX_POOL_UPSTREAM_HEADERS_TIMEOUT: '0' },
      /CODEX_POOL_UPSTREAM_HEADERS_TIMEOUT must be a whole number/,
    ],
    [{ CODEX_POOL_UPSTREAM_CONNECTIONS: '1.5' }, /CODEX_POOL_UPSTREAM_CONNECTIONS must be a whole number/],
  ])('rejects %o with a message naming the problem', (env, message) => {
    expect(() => resolveConfig({ ...base, env })).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, env })).toThrow(message);
  });

  it('treats empty variables as unset', () => {
    expect(resolveConfig({ ...base, env: { CODEX_POOL_PORT: '  ' } }).port).toBe(2455);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['localhost.evil.com', false],
  ])('%s → %s', (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});
