/**
 * Reading identity out of ChatGPT tokens (PROTOCOL.md §1.5). Payloads are decoded, never verified: the
 * tokens come from the auth server over TLS or from the user's own file, and upstream verifies them on use.
 */

/** Why auth data could not be used. Messages are safe to show and never contain token values. */
export type AuthDataErrorCode = 'not_auth_json' | 'api_key_login' | 'missing_account_id' | 'no_id_token';

/** A user-facing problem with tokens or an auth.json. */
export class AuthDataError extends Error {
  override readonly name = 'AuthDataError';
  constructor(
    readonly code: AuthDataErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Claim holding the ChatGPT workspace, plan and user. */
export const AUTH_CLAIM = 'https://api.openai.com/auth';
/** Claim holding the profile (email) when it is not top-level. */
export const PROFILE_CLAIM = 'https://api.openai.com/profile';

type Claims = Record<string, unknown>;

const isObject = (value: unknown): value is Claims =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The payload of a JWT as an object, or null when `token` is not a JWT with a JSON object payload. */
export function decodeJwtClaims(token: string): Claims | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  const payload = parts[1];
  if (parts.length < 2 || !payload || !/^[A-Za-z0-9_-]+={0,2}$/.test(payload)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Who a token set belongs to. Times are epoch seconds. */
export interface TokenIdentity {
  /** Workspace id, sent upstream as `chatgpt-account-id`. */
  chatgptAccountId: string;
  /** `chatgpt_user_id` (alias `user_id`), the member within the workspace. */
  userId: string | null;
  email: string | null;
  /** Normalised plan (`hc` → `enterprise`, `education` → `edu`), lower case. */
  planType: string | null;
  organizationId: string | null;
  /** Workspace display name when a token carries one. */
  workspaceLabel: string | null;
  /** The access token's `exp`. */
  accessExpiresAt: number | null;
}

const PLAN_ALIASES: Record<string, string> = { hc: 'enterprise', education: 'edu' };

/** Lower-cases a plan type and maps upstream aliases to the canonical name. */
export function normalizePlanType(plan: string): string {
  const lower = plan.trim().toLowerCase();
  return PLAN_ALIASES[lower] ?? lower;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** First non-empty string among `keys` of the given claim objects, in order. */
function pick(sources: Array<Claims | undefined>, keys: readonly string[]): string | null {
  for (const key of keys) {
    for (const source of sources) {
      const value = text(source?.[key]);
      if (value) return value;
    }
  }
  return null;
}

const ACCOUNT_ID_KEYS = ['chatgpt_account_id'] as const;
// codex-lb's fallbacks for tokens that lack chatgpt_account_id, tried only after it in both tokens.
const ACCOUNT_ID_ALIASES = [
  'workspace_id',
  'chatgpt_workspace_id',
  'organization_id',
  'org_id',
  'tenant_id',
] as const;

/**
 * Identity of a token set: the id token first, the access token as fallback (OpenCode keeps no id token).
 * `options.accountId` — an auth.json's own `account_id` — wins over the claims. Throws
 * {@link AuthDataError} `missing_account_id` when no workspace id can be found.
 */
export function identityFromTokens(
  tokens: { idToken?: string | null; accessToken: string },
  options: { accountId?: string | null } = {},
): TokenIdentity {
  const id = tokens.idToken ? decodeJwtClaims(tokens.idToken) : null;
  const access = decodeJwtClaims(tokens.accessToken);
  const auth = [id, access].map((claims) =>
    isObject(claims?.[AUTH_CLAIM]) ? claims[AUTH_CLAIM] : undefined,
  );
  const top = [id ?? undefined, access ?? undefined];
  const profile = [id, access].map((claims) =>
    isObject(claims?.[PROFILE_CLAIM]) ? claims[PROFILE_CLAIM] : undefined,
  );

  const chatgptAccountId =
    text(options.accountId) ??
    pick(auth, ACCOUNT_ID_KEYS) ??
    pick(auth, ACCOUNT_ID_ALIASES) ??
    pick(top, ACCOUNT_ID_ALIASES);
  if (!chatgptAccountId) {
    throw new AuthDataError(
      'missing_account_id',
      'Neither the id token nor the access token names a ChatGPT account (workspace); this does not look like a ChatGPT login.',
    );
  }
  const plan = pick(auth, ['chatgpt_plan_type']);
  const exp = access?.exp;
  return {
    chatgptAccountId,
    userId: pick(auth, ['chatgpt_user_id', 'user_id']),
    email: pick(top, ['email']) ?? pick(profile, ['email']),
    planType: plan ? normalizePlanType(plan) : null,
    organizationId: pick(auth, ['organization_id']) ?? pick(top, ['organization_id']),
    workspaceLabel: pick(auth, ['workspace_label', 'workspace_name', 'organization_name']),
    accessExpiresAt: typeof exp === 'number' && Number.isFinite(exp) ? Math.floor(exp) : null,
  };
}
