import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  OAUTH_CALLBACK_PORTS,
  OAUTH_CLIENT_ID,
  OAUTH_ISSUER,
  OAUTH_ORIGINATOR,
  OAUTH_SCOPE,
  redirectUriForPort,
} from '../../../main/core/accounts/oauth-constants';
import { buildAuthorizeUrl, createPkce, createState, pkceChallenge } from '../../../main/core/accounts/pkce';

const B64URL = /^[A-Za-z0-9_-]+$/;

describe('PKCE', () => {
  it('makes a 64-byte base64url verifier and its S256 challenge', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(B64URL);
    expect(Buffer.from(verifier, 'base64url')).toHaveLength(64);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(challenge).toHaveLength(43);
    expect(createPkce().verifier).not.toBe(verifier);
  });

  it('matches the RFC 7636 appendix B example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes a 32-byte base64url state', () => {
    const state = createState();
    expect(state).toMatch(B64URL);
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
  });
});

describe('buildAuthorizeUrl', () => {
  const base = {
    issuer: `${OAUTH_ISSUER}/`,
    clientId: OAUTH_CLIENT_ID,
    redirectUri: redirectUriForPort(OAUTH_CALLBACK_PORTS[0]),
    scope: OAUTH_SCOPE,
    challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    state: 'st-ate_1',
    originator: OAUTH_ORIGINATOR,
  };

  it('lists the parameters in the Codex CLI order, percent-encoded with %20 for spaces', () => {
    expect(buildAuthorizeUrl(base)).toBe(
      'https://auth.openai.com/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann' +
        '&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback' +
        '&scope=openid%20profile%20email%20offline_access%20api.connectors.read%20api.connectors.invoke' +
        '&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256' +
        '&id_token_add_organizations=true&codex_cli_simplified_flow=true&state=st-ate_1&originator=codex_cli_rs',
    );
  });

  it('appends allowed_workspace_id last, as a comma list', () => {
    const url = new URL(buildAuthorizeUrl({ ...base, allowedWorkspaceId: ['ws-1', 'ws-2'] }));
    expect([...url.searchParams.keys()].at(-1)).toBe('allowed_workspace_id');
    expect(url.searchParams.get('allowed_workspace_id')).toBe('ws-1,ws-2');
    expect(url.search).toContain('allowed_workspace_id=ws-1%2Cws-2');
  });

  it('knows both allowed callback ports', () => {
    expect(OAUTH_CALLBACK_PORTS).toEqual([1455, 1457]);
    expect(redirectUriForPort(1457)).toBe('http://localhost:1457/auth/callback');
  });
});
