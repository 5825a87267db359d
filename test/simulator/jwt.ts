import { randomBytes } from 'node:crypto';

/** The claim namespaces of OpenAI tokens (PROTOCOL.md §1.5). */
export const AUTH_CLAIM = 'https://api.openai.com/auth';
export const PROFILE_CLAIM = 'https://api.openai.com/profile';

/** Identity baked into every token of one simulated account. */
export interface TokenIdentity {
  email: string;
  planType: string;
  chatgptAccountId: string;
  userId: string;
  organizationId: string;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Codex and our proxy only decode the payload, so a fixed header and a random signature are enough. */
const HEADER = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'codex-pool-simulator' }));

function sign(payload: Record<string, unknown>): string {
  return `${HEADER}.${b64url(JSON.stringify(payload))}.${randomBytes(32).toString('base64url')}`;
}

function authClaims(id: TokenIdentity): Record<string, unknown> {
  return {
    chatgpt_account_id: id.chatgptAccountId,
    chatgpt_plan_type: id.planType,
    chatgpt_user_id: id.userId,
    user_id: id.userId,
    organization_id: id.organizationId,
    project_id: '',
    completed_platform_onboarding: true,
    is_org_owner: true,
  };
}

/** An id_token as auth.openai.com issues it: audience is the client id, identity claims at the top. */
export function mintIdToken(
  id: TokenIdentity,
  issuer: string,
  clientId: string,
  iat: number,
  ttl: number,
): string {
  return sign({
    iss: issuer,
    aud: [clientId],
    sub: id.userId,
    email: id.email,
    email_verified: true,
    auth_time: iat,
    iat,
    exp: iat + ttl,
    jti: randomBytes(8).toString('hex'),
    [AUTH_CLAIM]: authClaims(id),
  });
}

/** An access token; `exp` is what clients read to decide when to refresh. */
export function mintAccessToken(
  id: TokenIdentity,
  issuer: string,
  clientId: string,
  iat: number,
  ttl: number,
): string {
  return sign({
    iss: issuer,
    aud: ['https://api.openai.com/v1'],
    client_id: clientId,
    sub: id.userId,
    scp: ['openid', 'profile', 'email', 'offline_access'],
    iat,
    nbf: iat,
    exp: iat + ttl,
    jti: randomBytes(8).toString('hex'),
    session_id: `authsess_${randomBytes(8).toString('hex')}`,
    [AUTH_CLAIM]: authClaims(id),
    [PROFILE_CLAIM]: { email: id.email, email_verified: true },
  });
}

/** Opaque refresh token in the `rt_…` style of the real server. */
export function mintRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}

/** Decode a JWT payload without verifying it (what every client does). */
export function decodeJwt(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
