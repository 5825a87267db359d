import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authorizeAdmin, isAllowedHost, type GuardOptions } from '../../../main/core/admin/guard';
import { SessionStore, SESSION_COOKIE } from '../../../main/core/admin/sessions';
import { HttpError } from '../../../main/core/http/http-error';

const TOKEN = 'cpa_test-admin-token-123456';

function options(boundHost = '127.0.0.1', now = () => 1_000): GuardOptions {
  return { boundHost, port: () => 2455, adminToken: TOKEN, sessions: new SessionStore(now) };
}

function req(headers: Record<string, string>, method = 'GET'): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof HttpError ? `${err.status} ${err.code}` : 'unexpected';
  }
}

describe('isAllowedHost (DNS rebinding guard)', () => {
  it.each([
    ['127.0.0.1:2455', '127.0.0.1', true],
    ['localhost:2455', '127.0.0.1', true],
    ['[::1]:2455', '127.0.0.1', true],
    ['127.0.0.1:9999', '127.0.0.1', false],
    ['attacker.example:2455', '127.0.0.1', false],
    ['192.168.1.10:2455', '127.0.0.1', false],
    ['192.168.1.10:2455', '0.0.0.0', true],
    ['attacker.example:2455', '0.0.0.0', false],
    ['pool.lan:2455', 'pool.lan', true],
  ])('Host %s on a server bound to %s → %s', (host, bound, allowed) => {
    expect(isAllowedHost(host, options(bound))).toBe(allowed);
  });

  it('refuses a missing Host', () => expect(isAllowedHost(undefined, options())).toBe(false));
});

describe('authorizeAdmin', () => {
  const host = '127.0.0.1:2455';

  it('accepts the admin token as a bearer', () => {
    expect(
      codeOf(() => authorizeAdmin(req({ host, authorization: `Bearer ${TOKEN}` }), options())),
    ).toBeUndefined();
  });

  it('rejects a wrong token, a missing credential and a foreign Host', () => {
    expect(codeOf(() => authorizeAdmin(req({ host, authorization: 'Bearer nope' }), options()))).toBe(
      '401 invalid_admin_token',
    );
    expect(codeOf(() => authorizeAdmin(req({ host }), options()))).toBe('401 admin_auth_required');
    expect(
      codeOf(() =>
        authorizeAdmin(req({ host: 'evil.test:2455', authorization: `Bearer ${TOKEN}` }), options()),
      ),
    ).toBe('421 misdirected_request');
  });

  it('accepts a session cookie obtained from a one-time login code, once', () => {
    const opts = options();
    const code = opts.sessions.createLoginCode();
    const session = opts.sessions.redeem(code)!;
    expect(session).toBeTruthy();
    expect(opts.sessions.redeem(code)).toBeNull();
    expect(
      codeOf(() => authorizeAdmin(req({ host, cookie: `a=b; ${SESSION_COOKIE}=${session}` }), opts)),
    ).toBeUndefined();
    expect(codeOf(() => authorizeAdmin(req({ host, cookie: `${SESSION_COOKIE}=forged` }), opts))).toBe(
      '401 admin_auth_required',
    );
  });

  it('expires login codes after ten minutes', () => {
    let t = 1_000;
    const opts = options('127.0.0.1', () => t);
    const code = opts.sessions.createLoginCode();
    t += 601;
    expect(opts.sessions.redeem(code)).toBeNull();
  });

  it('refuses cross-site state-changing requests even with a valid cookie', () => {
    const opts = options();
    const session = opts.sessions.redeem(opts.sessions.createLoginCode())!;
    const cookie = `${SESSION_COOKIE}=${session}`;
    expect(
      codeOf(() => authorizeAdmin(req({ host, cookie, origin: 'https://evil.example' }, 'POST'), opts)),
    ).toBe('403 cross_site_request');
    expect(
      codeOf(() => authorizeAdmin(req({ host, cookie, 'sec-fetch-site': 'cross-site' }, 'PATCH'), opts)),
    ).toBe('403 cross_site_request');
    expect(
      codeOf(() => authorizeAdmin(req({ host, cookie, origin: 'http://127.0.0.1:2455' }, 'POST'), opts)),
    ).toBeUndefined();
  });
});
