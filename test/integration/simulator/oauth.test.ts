import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postResponses } from '../../helpers/sim-client';
import {
  AUTH_CLAIM,
  CODEX_CLIENT_ID,
  PROFILE_CLAIM,
  createSimulator,
  decodeJwt,
} from '../../simulator/index';
import type { Simulator } from '../../simulator/index';

const REDIRECT = 'http://localhost:1455/auth/callback';

describe('simulator auth server', () => {
  let sim: Simulator;
  let clock = 1_800_000_000;
  beforeAll(async () => {
    sim = await createSimulator({ now: () => clock });
  });
  afterAll(() => sim.close());

  const token = (body: Record<string, string>, form = false) =>
    fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}, form = false) =>
    token(
      { client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken, ...extra },
      form,
    );

  /** Run the authorize step like a browser and return the callback URL's query. */
  async function authorize(challenge: string, state = 'st4te'): Promise<URLSearchParams> {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: CODEX_CLIENT_ID,
      redirect_uri: REDIRECT,
      scope: 'openid profile email offline_access',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    });
    const res = await fetch(`${sim.authBaseUrl}/oauth/authorize?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    return location.searchParams;
  }

  it('mints JWTs with the §1.5 claim layout', () => {
    const a = sim.addAccount({
      email: 'claims@example.com',
      planType: 'team',
      chatgptAccountId: 'ws-1',
      userId: 'user-1',
    });
    for (const jwt of [a.tokens.idToken, a.tokens.accessToken]) {
      expect(jwt.split('.')).toHaveLength(3);
      const claims = decodeJwt(jwt);
      expect(claims[AUTH_CLAIM]).toMatchObject({
        chatgpt_account_id: 'ws-1',
        chatgpt_plan_type: 'team',
        chatgpt_user_id: 'user-1',
        user_id: 'user-1',
      });
      expect(claims['iat']).toBe(clock);
      expect(typeof claims['sub']).toBe('string');
    }
    expect(decodeJwt(a.tokens.idToken)['email']).toBe('claims@example.com');
    expect(decodeJwt(a.tokens.accessToken)[PROFILE_CLAIM]).toMatchObject({ email: 'claims@example.com' });
    expect(decodeJwt(a.tokens.accessToken)['exp']).toBe(clock + 10 * 24 * 3600);
    expect(a.authJson()).toMatchObject({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: { account_id: 'ws-1' },
    });
    expect(a.openCodeAuth().openai.expires).toBe((clock + 10 * 24 * 3600) * 1000);
  });

  it('logs in with PKCE and rejects a wrong verifier or redirect_uri', async () => {
    const a = sim.addAccount({ email: 'pkce@example.com', planType: 'plus' });
    const verifier = randomBytes(64).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const exchange = (code: string, v: string, redirect = REDIRECT) =>
      token(
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirect,
          client_id: CODEX_CLIENT_ID,
          code_verifier: v,
        },
        true,
      );

    sim.setNextLogin(a);
    const bad = await authorize(challenge);
    expect(bad.get('state')).toBe('st4te');
    const wrong = await exchange(bad.get('code') ?? '', 'not-the-verifier');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    sim.setNextLogin(a);
    const redirectMismatch = await exchange(
      (await authorize(challenge)).get('code') ?? '',
      verifier,
      'http://localhost:1457/auth/callback',
    );
    expect(redirectMismatch.status).toBe(400);

    sim.setNextLogin(a);
    const code = (await authorize(challenge)).get('code') ?? '';
    const ok = await exchange(code, verifier);
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as { id_token: string; access_token: string; refresh_token: string };
    expect(decodeJwt(tokens.id_token)['email']).toBe('pkce@example.com');
    // A login is its own refresh chain: the account's original tokens keep working.
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    expect((await refresh(a.tokens.refreshToken)).status).toBe(200);
    // Codes are single-use.
    expect((await exchange(code, verifier)).status).toBe(400);
  });

  it('answers access_denied / missing_codex_entitlement when told to', async () => {
    sim.denyNextLogin();
    const q = await authorize('x'.repeat(43), 'deny-state');
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('error_description')).toBe('missing_codex_entitlement');
    expect(q.get('state')).toBe('deny-state');
    expect(q.get('code')).toBeNull();
  });

  it('rotates refresh tokens and detects reuse (JSON, JSON with scope, form)', async () => {
    const a = sim.addAccount({ email: 'rotate@example.com' });
    const first = a.tokens;
    const r1 = await refresh(first.refreshToken);
    expect(r1.status).toBe(200);
    const t1 = (await r1.json()) as {
      access_token: string;
      refresh_token: string;
      id_token: string;
      expires_in: number;
    };
    expect(t1.refresh_token).not.toBe(first.refreshToken);
    expect(t1.expires_in).toBe(10 * 24 * 3600);
    expect(a.tokens.refreshToken).toBe(t1.refresh_token);

    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(await reused.json()).toMatchObject({ error: { code: 'refresh_token_reused' } });

    // The old access token died with the rotation; the new one works.
    expect(
      (await postResponses(sim.upstreamBaseUrl, { tokens: first, chatgptAccountId: a.chatgptAccountId }))
        .status,
    ).toBe(401);
    expect((await postResponses(sim.upstreamBaseUrl, a)).status).toBe(200);

    const r2 = await refresh(t1.refresh_token, { scope: 'openid profile email' });
    expect(r2.status).toBe(200);
    const t2 = (await r2.json()) as { refresh_token: string };
    expect((await refresh(t2.refresh_token, {}, true)).status).toBe(200);
  });

  it('answers refresh_token_expired, injected invalid_grant, and token_expired per the clock', async () => {
    const a = sim.addAccount({ email: 'expiry@example.com', accessTokenTtl: 60 });
    sim.injectFault({ kind: 'invalid_grant', account: a });
    const injected = await refresh(a.tokens.refreshToken);
    expect(injected.status).toBe(400);
    expect(await injected.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid refresh token',
    });

    clock += 61;
    const expired = await postResponses(sim.upstreamBaseUrl, a);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'token_expired' } });

    a.expireRefreshToken();
    const dead = await refresh(a.tokens.refreshToken);
    expect(dead.status).toBe(401);
    expect(await dead.json()).toMatchObject({ error: { code: 'refresh_token_expired' } });

    expect(
      (
        await postResponses(sim.upstreamBaseUrl, {
          tokens: { ...a.tokens, accessToken: 'garbage' },
          chatgptAccountId: a.chatgptAccountId,
        })
      ).status,
    ).toBe(401);
  });

  it('runs the device-code flow with a controllable pending state', async () => {
    const a = sim.addAccount({ email: 'device@example.com' });
    const post = (path: string, body: unknown) =>
      fetch(`${sim.authBaseUrl}/api/accounts/deviceauth/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const start = (await (await post('usercode', { client_id: CODEX_CLIENT_ID })).json()) as {
      device_auth_id: string;
      user_code: string;
      interval: string;
    };
    expect(start.interval).toBe('5');
    const poll = () => post('token', { device_auth_id: start.device_auth_id, user_code: start.user_code });
    expect((await poll()).status).toBe(403);
    sim.approveDevice(start.user_code, a);
    const approved = (await (await poll()).json()) as {
      authorization_code: string;
      code_verifier: string;
      code_challenge: string;
    };
    expect(createHash('sha256').update(approved.code_verifier).digest('base64url')).toBe(
      approved.code_challenge,
    );
    const res = await token(
      {
        grant_type: 'authorization_code',
        code: approved.authorization_code,
        redirect_uri: `${sim.authBaseUrl}/deviceauth/callback`,
        client_id: CODEX_CLIENT_ID,
        code_verifier: approved.code_verifier,
      },
      true,
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(((await res.json()) as { id_token: string }).id_token)['email']).toBe(
      'device@example.com',
    );
  });
});
