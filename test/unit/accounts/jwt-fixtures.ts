/** Builds unsigned-but-real-looking JWTs with the ChatGPT claim layout (PROTOCOL.md §1.5). */
export function makeJwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${enc(payload)}.${Buffer.from('signature').toString('base64url')}`;
}

export const NOW = 1_767_225_600;

export function idToken(auth: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return makeJwt({
    iss: 'https://auth.openai.com',
    aud: ['app_EMoamEEZ73f0CkXaXp7hrann'],
    sub: 'google-oauth2|1234',
    email: 'alice@example.com',
    iat: NOW,
    exp: NOW + 3600,
    'https://api.openai.com/auth': {
      chatgpt_account_id: 'ws-team-1',
      chatgpt_plan_type: 'team',
      chatgpt_user_id: 'user-alice',
      organization_id: 'org-abc',
      ...auth,
    },
    ...extra,
  });
}

export function accessToken(auth: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return makeJwt({
    iss: 'https://auth.openai.com',
    aud: ['https://api.openai.com/v1'],
    sub: 'google-oauth2|1234',
    iat: NOW,
    exp: NOW + 864000,
    'https://api.openai.com/auth': {
      chatgpt_account_id: 'ws-team-1',
      chatgpt_plan_type: 'team',
      chatgpt_user_id: 'user-alice',
      ...auth,
    },
    'https://api.openai.com/profile': { email: 'alice@example.com', email_verified: true },
    ...extra,
  });
}
