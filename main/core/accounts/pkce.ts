import { createHash, randomBytes } from 'node:crypto';

/** A PKCE verifier and its S256 challenge. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** The S256 challenge of a verifier: base64url(sha256(verifier)), no padding. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh verifier (64 random bytes, base64url, as the Codex CLI) and its challenge (PROTOCOL.md §1.1). */
export function createPkce(random: (size: number) => Buffer = randomBytes): Pkce {
  const verifier = random(64).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

/** A fresh OAuth `state`: 32 random bytes, base64url. */
export function createState(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/** Inputs of {@link buildAuthorizeUrl}. */
export interface AuthorizeUrlParams {
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge: string;
  state: string;
  originator: string;
  /** Restricts the workspace picker to these workspace ids. */
  allowedWorkspaceId?: string | readonly string[];
}

// Like Rust's urlencoding::encode used by the Codex CLI: everything but unreserved characters is escaped,
// including the `!'()*` that encodeURIComponent leaves alone, and spaces become %20 (not `+`).
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The authorize URL with the parameters in the Codex CLI's order (PROTOCOL.md §1.2). */
export function buildAuthorizeUrl(params: AuthorizeUrlParams): string {
  const query: Array<[string, string]> = [
    ['response_type', 'code'],
    ['client_id', params.clientId],
    ['redirect_uri', params.redirectUri],
    ['scope', params.scope],
    ['code_challenge', params.challenge],
    ['code_challenge_method', 'S256'],
    ['id_token_add_organizations', 'true'],
    ['codex_cli_simplified_flow', 'true'],
    ['state', params.state],
    ['originator', params.originator],
  ];
  const workspaces =
    typeof params.allowedWorkspaceId === 'string'
      ? [params.allowedWorkspaceId]
      : (params.allowedWorkspaceId ?? []);
  if (workspaces.length > 0) query.push(['allowed_workspace_id', workspaces.join(',')]);
  const issuer = params.issuer.replace(/\/+$/, '');
  return `${issuer}/oauth/authorize?${query.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
}
