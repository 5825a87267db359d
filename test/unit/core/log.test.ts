import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../../../main/core/log';

const jwt =
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIiwiaHR0cHM6Ly9hcGkub3BlbmFpLmNvbS9hdXRoIjp7fX0.c2lnbmF0dXJlLXZhbHVl';

describe('redactSecrets', () => {
  it.each([
    ['a JWT', `token is ${jwt} ok`, jwt],
    ['a bearer header', 'Authorization: Bearer abc.def-123', 'abc.def-123'],
    ['a refresh token', 'refresh with rt_AbCdEfGh12345678', 'rt_AbCdEfGh12345678'],
    ['a proxy API key', 'key cp-0123456789abcdef', 'cp-0123456789abcdef'],
    ['a JSON token field', '{"refresh_token":"opaque-value-1"}', 'opaque-value-1'],
    ['an OAuth code in a URL', 'GET /auth/callback?code=secretcode123&state=xyz', 'secretcode123'],
  ])('removes %s', (_name, input, secret) => {
    const out = redactSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('keeps error codes and ordinary text', () => {
    const text = '{"error":{"code":"usage_limit_reached","message":"try again in 20s"}}';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('writes JSON lines at or above the level, redacted', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      (l) => lines.push(l),
      () => new Date(0),
    );
    log.debug('hidden');
    log.warn('refresh failed', { err: new Error(`bad token ${jwt}`) });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ level: 'warn', msg: 'refresh failed', err: { name: 'Error' } });
    expect(lines[0]).not.toContain(jwt);
  });
});
