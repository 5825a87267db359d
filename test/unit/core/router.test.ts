import { describe, expect, it } from 'vitest';
import { Router } from '../../../main/core/http/router';

const h = () => undefined;

describe('Router', () => {
  const router = new Router([
    { method: 'GET', path: '/api/accounts', handler: h },
    { method: 'POST', path: '/api/accounts/:id/pause', handler: h },
    { method: 'DELETE', path: '/api/accounts/:id', handler: h },
  ]);

  it('matches exact and patterned paths with decoded params', () => {
    expect(router.match('GET', '/api/accounts')).toMatchObject({ kind: 'found', params: {} });
    expect(router.match('POST', '/api/accounts/acc%201/pause')).toMatchObject({
      kind: 'found',
      params: { id: 'acc 1' },
    });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('POST', '/api/accounts')).toEqual({ kind: 'method_not_allowed', allowed: ['GET'] });
    expect(router.match('GET', '/api/accounts/x')).toEqual({
      kind: 'method_not_allowed',
      allowed: ['DELETE'],
    });
    expect(router.match('GET', '/nope')).toEqual({ kind: 'not_found' });
  });

  it('answers HEAD with the GET handler', () => {
    expect(router.match('HEAD', '/api/accounts')).toMatchObject({ kind: 'found' });
    expect(router.match('HEAD', '/api/accounts/x/pause')).toEqual({
      kind: 'method_not_allowed',
      allowed: ['POST'],
    });
  });

  it('does not throw on malformed percent-encoding', () => {
    expect(router.match('DELETE', '/api/accounts/%E0%A4%A')).toEqual({ kind: 'not_found' });
  });
});
