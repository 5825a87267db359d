/**
 * auth.json import and export (PROTOCOL.md §2): the Codex CLI file and OpenCode's `openai` entry.
 * Pure: no file access; the caller reads and writes files. Error messages never contain token values.
 */
import { z } from 'zod';
import { AuthDataError, decodeJwtClaims } from './jwt';

/** The three tokens of a ChatGPT login. OpenCode keeps no id token, hence null. */
export interface AuthTokens {
  idToken: string | null;
  accessToken: string;
  refreshToken: string;
}

/** An accepted auth.json. Times are epoch seconds. */
export interface ParsedAuthJson {
  format: 'codex' | 'opencode';
  tokens: AuthTokens;
  /** The file's own workspace id; it wins over the token claims. */
  accountId?: string;
  lastRefreshAt: number;
  /** OpenCode's `expires` (converted from ms), when present. */
  accessExpiresAt?: number;
}

const str = z.string().nullish();
const timeValue = z.union([z.string(), z.number()]).nullish();

// Both spellings are optional here; which one is present is decided below, so messages can name the
// snake_case field the user sees in their file. Unknown keys are stripped (newer CLIs add fields).
const codexSchema = z.object({
  auth_mode: str,
  authMode: str,
  OPENAI_API_KEY: str,
  tokens: z
    .object({
      id_token: str,
      idToken: str,
      access_token: str,
      accessToken: str,
      refresh_token: str,
      refreshToken: str,
      account_id: str,
      accountId: str,
    })
    .nullish(),
  last_refresh: timeValue,
  lastRefresh: timeValue,
  lastRefreshAt: timeValue,
});

const openCodeSchema = z.object({
  openai: z.object({
    type: z.string(),
    refresh: str,
    access: str,
    expires: z.number().nullish(),
    accountId: str,
    account_id: str,
  }),
});

const notAuthJson = (why: string): AuthDataError =>
  new AuthDataError('not_auth_json', `not an auth.json: ${why}`);
const apiKeyLogin = (): AuthDataError =>
  new AuthDataError('api_key_login', 'this auth.json holds an API key, not a ChatGPT login');

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected content';
  const path = issue.path.map(String).join('.');
  // Zod's messages name expected and received types only, never the input value.
  return path ? `${path}: ${issue.message}` : issue.message;
}

const present = (value: string | null | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

// Date.parse alone accepts almost any text (V8's legacy fallback), so the shape is checked first.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch seconds from an RFC 3339 string or a number (seconds, or ms when clearly ms). */
function parseTime(value: string | number, field: string): number {
  const ms =
    typeof value === 'number'
      ? value > 1e12
        ? value
        : value * 1000
      : RFC3339.test(value.trim())
        ? Date.parse(value.trim())
        : Number.NaN;
  if (!Number.isFinite(ms)) throw notAuthJson(`${field} is not a date`);
  return Math.floor(ms / 1000);
}

/**
 * Validates an auth.json (parsed JSON, or its text) in the Codex CLI shape (snake_case or camelCase) or
 * OpenCode's. A missing `last_refresh` becomes `now` (epoch s); OpenCode files use the access token's `iat`,
 * else `now`. Throws {@link AuthDataError}.
 */
export function parseAuthJson(json: unknown, options: { now: number }): ParsedAuthJson {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      // The parser's message quotes the text around the error, which may be a token.
      throw notAuthJson('the content is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw notAuthJson('expected a JSON object');
  }
  if ('openai' in value && !('tokens' in value)) return parseOpenCode(value, options.now);
  return parseCodex(value, options.now);
}

function parseCodex(value: object, now: number): ParsedAuthJson {
  const parsed = codexSchema.safeParse(value);
  if (!parsed.success) throw notAuthJson(describeIssue(parsed.error));
  const file = parsed.data;
  const mode = present(file.auth_mode) ?? present(file.authMode);
  // Older CLIs stored an exchanged API key next to ChatGPT tokens without auth_mode, so a key alone does not
  // make it an API-key login; an explicit mode, or a key without tokens, does.
  if (mode?.toLowerCase() === 'apikey' || (!file.tokens && present(file.OPENAI_API_KEY))) throw apiKeyLogin();
  const tokens = file.tokens;
  if (!tokens) throw notAuthJson('it has no "tokens" object');
  const accessToken = present(tokens.access_token) ?? present(tokens.accessToken);
  const refreshToken = present(tokens.refresh_token) ?? present(tokens.refreshToken);
  if (!accessToken) throw notAuthJson('tokens.access_token is missing');
  if (!refreshToken) throw notAuthJson('tokens.refresh_token is missing');
  const lastRefresh = file.last_refresh ?? file.lastRefresh ?? file.lastRefreshAt;
  const accountId = present(tokens.account_id) ?? present(tokens.accountId);
  return {
    format: 'codex',
    tokens: {
      idToken: present(tokens.id_token) ?? present(tokens.idToken) ?? null,
      accessToken,
      refreshToken,
    },
    ...(accountId ? { accountId } : {}),
    lastRefreshAt:
      lastRefresh === null || lastRefresh === undefined ? now : parseTime(lastRefresh, 'last_refresh'),
  };
}

function parseOpenCode(value: object, now: number): ParsedAuthJson {
  const parsed = openCodeSchema.safeParse(value);
  if (!parsed.success) throw notAuthJson(describeIssue(parsed.error));
  const entry = parsed.data.openai;
  if (entry.type === 'api') throw apiKeyLogin();
  if (entry.type !== 'oauth') throw notAuthJson('openai.type is not "oauth"');
  const accessToken = present(entry.access);
  const refreshToken = present(entry.refresh);
  if (!accessToken) throw notAuthJson('openai.access is missing');
  if (!refreshToken) throw notAuthJson('openai.refresh is missing');
  const accountId = present(entry.accountId) ?? present(entry.account_id);
  const expires = entry.expires;
  const accessExpiresAt =
    typeof expires === 'number' && Number.isFinite(expires) ? Math.floor(expires / 1000) : null;
  // OpenCode does not record when it last refreshed; the access token's issue time is the closest fact.
  const iat = decodeJwtClaims(accessToken)?.iat;
  return {
    format: 'opencode',
    tokens: { idToken: null, accessToken, refreshToken },
    ...(accountId ? { accountId } : {}),
    lastRefreshAt: typeof iat === 'number' && Number.isFinite(iat) ? Math.floor(iat) : now,
    ...(accessExpiresAt !== null ? { accessExpiresAt } : {}),
  };
}

/** RFC 3339 UTC with microseconds, as the Codex CLI writes `last_refresh`. */
export function formatRfc3339Micros(epochSeconds: number): string {
  const whole = Math.floor(epochSeconds);
  const micros = Math.min(999_999, Math.round((epochSeconds - whole) * 1e6));
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

/** The Codex CLI's auth.json. */
export interface CodexAuthJson {
  auth_mode: 'chatgpt';
  OPENAI_API_KEY: null;
  tokens: { id_token: string; access_token: string; refresh_token: string; account_id: string };
  last_refresh: string;
}

/**
 * An auth.json for the Codex CLI. Throws `no_id_token` for an account that has no id token yet
 * (imported from OpenCode and never refreshed): the CLI cannot use a login without one.
 */
export function toCodexAuthJson(input: {
  tokens: AuthTokens;
  accountId: string;
  lastRefreshAt: number;
}): CodexAuthJson {
  if (!input.tokens.idToken) {
    throw new AuthDataError(
      'no_id_token',
      'This account has no id token yet (it came from OpenCode); refresh it or log in again before exporting for the Codex CLI.',
    );
  }
  return {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: {
      id_token: input.tokens.idToken,
      access_token: input.tokens.accessToken,
      refresh_token: input.tokens.refreshToken,
      account_id: input.accountId,
    },
    last_refresh: formatRfc3339Micros(input.lastRefreshAt),
  };
}

/** OpenCode's auth entry for OpenAI. */
export interface OpenCodeAuth {
  openai: { type: 'oauth'; refresh: string; access: string; expires: number; accountId: string };
}

/**
 * OpenCode's `openai` auth entry. `expires` is in ms: `accessExpiresAt` when given, else the access token's
 * `exp`, else 0 so OpenCode refreshes before first use.
 */
export function toOpenCodeAuth(input: {
  tokens: AuthTokens;
  accountId: string;
  accessExpiresAt?: number | null;
}): OpenCodeAuth {
  const exp = input.accessExpiresAt ?? decodeJwtClaims(input.tokens.accessToken)?.exp;
  return {
    openai: {
      type: 'oauth',
      refresh: input.tokens.refreshToken,
      access: input.tokens.accessToken,
      expires: typeof exp === 'number' && Number.isFinite(exp) ? Math.floor(exp) * 1000 : 0,
      accountId: input.accountId,
    },
  };
}
