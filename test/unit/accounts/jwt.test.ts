import { describe, expect, it } from 'vitest';
import { AuthDataError, decodeJwtClaims, identityFromTokens } from '../../../main/core/accounts/jwt';
import { NOW, accessToken, idToken, makeJwt } from './jwt-fixtures';

describe('decodeJwtClaims', () => {
  it('decodes the payload without verifying', () => {
    expect(decodeJwtClaims(makeJwt({ a: 1, s: 'é' }))).toEqual({ a: 1, s: 'é' });
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['not base64url', 'a.b*c.d'],
    ['not JSON', `a.${Buffer.from('nope').toString('base64url')}.c`],
    ['an array payload', `a.${Buffer.from('[1]').toString('base64url')}.c`],
  ])('returns null for %s', (_, token) => {
    expect(decodeJwtClaims(token)).toBeNull();
  });
});

describe('identityFromTokens', () => {
  it('reads the workspace, member, plan, email and expiry', () => {
    expect(identityFromTokens({ idToken: idToken(), accessToken: accessToken() })).toEqual({
      chatgptAccountId: 'ws-team-1',
      userId: 'user-alice',
      email: 'alice@example.com',
      planType: 'team',
      organizationId: 'org-abc',
      workspaceLabel: null,
      accessExpiresAt: NOW + 864000,
    });
  });

  it.each([
    ['hc', 'enterprise'],
    ['education', 'edu'],
    ['PRO', 'pro'],
    ['prolite', 'prolite'],
  ])('normalises plan %s to %s', (raw, plan) => {
    const tokens = { idToken: idToken({ chatgpt_plan_type: raw }), accessToken: accessToken() };
    expect(identityFromTokens(tokens).planType).toBe(plan);
  });

  it('falls back to the access token and the profile email when there is no id token (OpenCode)', () => {
    const identity = identityFromTokens({
      accessToken: accessToken({ chatgpt_user_id: undefined, user_id: 'user-x' }),
    });
    expect(identity).toMatchObject({
      chatgptAccountId: 'ws-team-1',
      userId: 'user-x',
      email: 'alice@example.com',
    });
  });

  it('accepts workspace aliases and lets the file account id win', () => {
    const tokens = {
      idToken: idToken({ chatgpt_account_id: undefined, workspace_id: 'ws-alias' }),
      accessToken: accessToken({ chatgpt_account_id: undefined }),
    };
    expect(identityFromTokens(tokens).chatgptAccountId).toBe('ws-alias');
    expect(identityFromTokens(tokens, { accountId: 'ws-file' }).chatgptAccountId).toBe('ws-file');
  });

  it('prefers chatgpt_account_id of either token over any alias', () => {
    const tokens = {
      idToken: idToken({ chatgpt_account_id: undefined, workspace_id: 'ws-alias' }),
      accessToken: accessToken({ chatgpt_account_id: 'ws-real' }),
    };
    expect(identityFromTokens(tokens).chatgptAccountId).toBe('ws-real');
  });

  it('throws a typed error, without token values, when no account id is present', () => {
    const access = makeJwt({ sub: 'x', exp: NOW });
    try {
      identityFromTokens({ idToken: 'garbage', accessToken: access });
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(AuthDataError);
      expect((err as AuthDataError).code).toBe('missing_account_id');
      expect((err as Error).message).not.toContain(access.slice(0, 20));
    }
  });
});
