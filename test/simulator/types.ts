/** Epoch-seconds clock; tests inject a mutable one to move time forward. */
export type Clock = () => number;

/** Used percentages to start a family's windows at. */
export interface WindowsInit {
  primary?: number;
  secondary?: number;
}

/** An additional limit family such as `codex_other` (PROTOCOL.md §8). */
export interface FamilyInit extends WindowsInit {
  /** Display name sent in `x-<family>-limit-name`, e.g. `GPT-5.3-Codex-Spark`. */
  limitName?: string;
  /** `metered_feature` of the usage endpoint, e.g. `codex_bengalfox`. */
  meteredFeature?: string;
}

/** Percentage points one completed response adds to each window. */
export interface RequestCost {
  primary: number;
  secondary: number;
}

export interface Credits {
  hasCredits: boolean;
  unlimited: boolean;
  balance: string;
}

export interface AccountInit {
  email: string;
  planType?: string;
  chatgptAccountId?: string;
  userId?: string;
  organizationId?: string;
  usage?: WindowsInit;
  families?: Record<string, FamilyInit>;
  costPerRequest?: RequestCost;
  /** Access-token lifetime in seconds for this account (overrides `sim.setAccessTokenTtl`). */
  accessTokenTtl?: number;
  credits?: Credits;
  /** `rate_limit_reset_credits.available_count` of the usage endpoint; default 0. */
  resetCredits?: number;
}

export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export interface UsageWindowState {
  usedPercent: number;
  windowMinutes: number;
  /** Epoch seconds. */
  resetAt: number;
}

export interface FamilyState {
  /** `codex` for the standard family, else the limit id (`codex_other`). */
  id: string;
  limitName: string;
  meteredFeature: string;
  primary: UsageWindowState;
  secondary: UsageWindowState;
}

/** Codex CLI `auth.json` (PROTOCOL.md §2). */
export interface CodexAuthJson {
  auth_mode: 'chatgpt';
  OPENAI_API_KEY: null;
  tokens: { id_token: string; access_token: string; refresh_token: string; account_id: string };
  last_refresh: string;
}

/** OpenCode auth.json entry (PROTOCOL.md §2). */
export interface OpenCodeAuthJson {
  openai: { type: 'oauth'; refresh: string; access: string; expires: number; accountId: string };
}

/** Anything that names a simulated account: the object, its simulator id or its email. */
export type AccountRef = SimAccountView | string;

/** The public face of a simulated account. */
export interface SimAccountView {
  /** Simulator-unique id (`acct_N`); Team members share `chatgptAccountId`, so that is not a key. */
  readonly id: string;
  readonly email: string;
  readonly planType: string;
  readonly chatgptAccountId: string;
  readonly userId: string;
  readonly organizationId: string;
  /** Tokens of the account's first session, as minted by `addAccount` and rotated by refreshes. */
  readonly tokens: TokenSet;
  /** Usage families keyed by limit id, always including `codex`. Windows are rolled lazily on read. */
  readonly families: ReadonlyMap<string, FamilyState>;
  costPerRequest: RequestCost;
  credits: Credits;
  resetCredits: number;
  accessTokenTtl: number | undefined;
  authJson(): CodexAuthJson;
  openCodeAuth(): OpenCodeAuthJson;
  /** Set the used percentages of a family (default `codex`). */
  setUsage(usage: WindowsInit, familyId?: string): void;
  /** Make the current access token read as expired (exp in the past). */
  expireAccessToken(): void;
  /** Make the current refresh token read as expired. */
  expireRefreshToken(): void;
}
