import type {
  AccountStatus,
  AffinityCause,
  RateLimitKind,
  RoutingPolicy,
  UsageSample,
} from '../../../shared/domain';
import type { SealedSecret } from '../secrets';

/** One pooled ChatGPT login as stored. Times are epoch seconds. */
export interface AccountRecord {
  /** Our id, `acc_` + 12 base32 chars. */
  id: string;
  /** Workspace id sent as `chatgpt-account-id`; shared by every member of a Team workspace. */
  chatgptAccountId: string;
  /** The member within the workspace: `chatgpt_user_id`, else the lower-cased email. */
  userKey: string;
  email: string | null;
  planType: string | null;
  label: string | null;
  status: AccountStatus;
  /** Human reason for the status (deactivation message, re-login hint). */
  statusReason: string | null;
  rateLimitKind: RateLimitKind | null;
  resetAt: number | null;
  blockedAt: number | null;
  routingPolicy: RoutingPolicy;
  /** The user's usage cap on the 5 h window in percent (1–100); null = none. */
  capShortPercent: number | null;
  /** The user's usage cap on the long (weekly) window in percent (1–100); null = none. */
  capLongPercent: number | null;
  /** The user's place in sequential_drain (1 first); null = after the numbered accounts. */
  priority: number | null;
  /** The SecretBox-sealed JSON of `{ idToken, accessToken, refreshToken }`. */
  sealedTokens: SealedSecret;
  accessExpiresAt: number | null;
  lastRefreshAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Who a login belongs to (PROTOCOL.md §1.5): workspace plus member. */
export interface AccountIdentity {
  chatgptAccountId: string;
  /** `chatgpt_user_id`; preferred over the email for the member key. */
  userId?: string | null;
  email?: string | null;
}

/** What a successful login or import knows about an account. */
export interface LoginUpsert extends AccountIdentity {
  planType?: string | null;
  /** Set only when the account is created; an existing label is kept. */
  label?: string | null;
  sealedTokens: SealedSecret;
  accessExpiresAt: number | null;
  lastRefreshAt: number | null;
}

/**
 * Persisted routing state after an upstream outcome. A property left out keeps its stored value;
 * `null` clears it.
 */
export interface AccountStateUpdate {
  status: AccountStatus;
  statusReason?: string | null;
  rateLimitKind?: RateLimitKind | null;
  resetAt?: number | null;
  blockedAt?: number | null;
}

/** An account-wide block of one limit family (BALANCER.md §1.4). */
export interface FamilyBlock {
  accountId: string;
  family: string;
  blockedAt: number;
  resetAt: number | null;
}

/** The newest quota sample of one (account, family). */
export interface LatestSample {
  accountId: string;
  sample: UsageSample;
}

/** One finished proxied request, as logged. `startedAt` is epoch **ms**. */
export interface RequestLogInput {
  startedAt: number;
  accountId: string | null;
  route: string;
  model: string | null;
  status: number | null;
  latencyMs: number | null;
  ttfbMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
  errorCode: string | null;
  /** Why the balancer chose this account. */
  reason: string | null;
  attempts: number;
  stream: boolean;
  /** The upstream response id, when one was relayed. */
  responseId?: string | null;
  /** First 16 hex digits of the sha256 of the prompt_cache_key / session; never the key. */
  conversation?: string | null;
  /** How the conversation's account was chosen (the hop cause when it moved). */
  affinity?: AffinityCause | null;
  /** How the client reached the proxy; absent means HTTP. */
  transport?: RequestTransport;
}

/** The client transport of a logged request. */
export type RequestTransport = 'http' | 'websocket';

/** A logged request with its row id (ids grow with time, so they page the log). */
export interface RequestLogEntry extends RequestLogInput {
  id: number;
}

/** A soft prompt-cache affinity mapping (BALANCER.md §6.1). */
export interface StickyMapping {
  keyHash: string;
  accountId: string;
  updatedAt: number;
}

/** A proxy API key. Only its sha256 is stored. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The first characters of the key, for display. */
  prefix: string;
  keyHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Routing policy of a gated-model entry; `inherit` keeps the account's own. */
export type RegistryRoutingPolicy = RoutingPolicy | 'inherit';

/** One gated model family (BALANCER.md §5.1). */
export interface LimitRegistryEntry {
  quotaKey: string;
  label: string;
  modelIds: string[];
  limitNames: string[];
  meteredFeatures: string[];
  appliesToPlans: string[];
  routingPolicy: RegistryRoutingPolicy;
}
