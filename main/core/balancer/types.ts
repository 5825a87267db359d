/**
 * Plain data shapes of the balancer: account state (persisted fields plus runtime overlay), selection input and
 * output. Everything here is a value; the balancer never mutates its inputs.
 */
import type {
  AccountStatus,
  RateLimitKind,
  RoutingPolicy,
  RoutingStrategy,
  UsageSample,
} from '../../../shared/domain';
import type { BalancerError } from './errors';
import type { GatedModelEntry } from './registry';

/** Per-window usage caps in percent (1–100); null = no cap on that window. */
export interface UsageCap {
  readonly short: number | null;
  readonly long: number | null;
}

/** A per-family block recorded from a family-attributed 429 or quota error (§1.4). Persisted. */
export interface FamilyBlock {
  /** Epoch s when the error arrived. */
  readonly blockedAt: number;
  /** Epoch s when the block lifts; null means only a fresh sample clears it. */
  readonly resetAt: number | null;
}

/** Health tier of one (account, limit view) (§1.7). */
export type HealthTier = 'healthy' | 'draining' | 'probing';

/** Tier state of one (account, limit view). Runtime only. */
export interface TierState {
  readonly tier: HealthTier;
  /** When the current drain began (epoch s); null when never drained. */
  readonly drainStartedAt: number | null;
  /** Consecutive successes while probing. */
  readonly probeStreak: number;
}

/**
 * Everything the balancer knows about one account.
 *
 * Persisted (SQLite): `status`, `rateLimitKind`, `resetAt`, `blockedAt`, `statusReason`, `routingPolicy`,
 * `familyBlocks`, `usage`. Runtime overlay (memory only, §1.2): `cooldownUntil`, `errorCount`, `lastErrorAt`,
 * `tiers`, `lastSelectedAt`, `inFlight`.
 */
export interface AccountState {
  readonly id: string;
  /** sha256 hex of `id`, computed once by the caller so the balancer stays free of platform crypto (§10). */
  readonly idHash: string;
  /** Raw plan type as upstream reports it; normalised with {@link normalizePlan}. */
  readonly planType: string;
  readonly status: AccountStatus;
  /** Set while `rate_limited`; null otherwise. */
  readonly rateLimitKind: RateLimitKind | null;
  readonly resetAt: number | null;
  readonly blockedAt: number | null;
  /** Deactivation / re-login reason shown to the user. */
  readonly statusReason: string | null;
  readonly routingPolicy: RoutingPolicy;
  /**
   * The user's usage caps (§2 core filter, Pool): stop routing to the account once its standard 5 h (`short`) or
   * long (`long`) window reaches this many percent; null = no cap. Set by the user, never by the balancer.
   */
  readonly usageCap: UsageCap;
  /** The user's place for the account in sequential_drain (1 first); null = after every numbered account. */
  readonly priority: number | null;
  /** Active family blocks by canonical quota key (§1.4). */
  readonly familyBlocks: Readonly<Record<string, FamilyBlock>>;
  /** Latest usage sample per family (`codex` = standard, else canonical quota key). */
  readonly usage: Readonly<Record<string, UsageSample>>;
  /** Runtime: skip until then, whatever the request (§1.2). */
  readonly cooldownUntil: number | null;
  /** Runtime: consecutive-ish error counter driving backoff (§1.6). */
  readonly errorCount: number;
  readonly lastErrorAt: number | null;
  /** Runtime: tier per limit view key (`codex` or a quota key). Missing = healthy. */
  readonly tiers: Readonly<Record<string, TierState>>;
  /** Runtime: epoch s of the last selection; 0 when never selected. */
  readonly lastSelectedAt: number;
  /** Runtime: requests currently in flight on this account. */
  readonly inFlight: number;
}

/** The persisted subset of {@link AccountState}. */
export type PersistedAccountFields = Pick<
  AccountState,
  | 'status'
  | 'rateLimitKind'
  | 'resetAt'
  | 'blockedAt'
  | 'statusReason'
  | 'routingPolicy'
  | 'familyBlocks'
  | 'usage'
>;

/** A new state for one account, to be applied by the caller. */
export interface AccountChange {
  readonly id: string;
  /** The complete next state: replace the in-memory state with it. */
  readonly next: AccountState;
  /** True when a persisted field changed: write {@link persistedFields}(next) to the store. */
  readonly persist: boolean;
}

/** Routing settings that change outcomes (ARCHITECTURE.md settings API). */
export interface BalancerSettings {
  /** Unknown values fall back to `capacity_weighted` (§3). */
  readonly routingStrategy: RoutingStrategy | string;
  readonly stickySessions: boolean;
  /** Default on in the product (§4.1). */
  readonly preferEarlierReset: boolean;
  readonly pinnedAccountId: string | null;
}

/** What the selection needs to know about the request. */
export interface SelectionRequest {
  /** Model as the client sent it (normalised internally for the gate). */
  readonly model: string;
  /**
   * Present when the request carries a prompt-cache / session key (§6.1); `mappedAccountId` is the live
   * (non-expired) mapping for it, or null when there is none.
   */
  readonly sticky?: { readonly mappedAccountId: string | null };
  /**
   * Present when the request carries `previous_response_id` (§6.3); `ownerId` is the recorded owner, or null when
   * the owner is unknown.
   */
  readonly previousResponse?: { readonly ownerId: string | null };
  /** Accounts already tried in this request (§7). */
  readonly excludedIds?: readonly string[];
  /** `available_in_plans` of the model from the cached catalog, when known (§2 step 2). */
  readonly modelPlans?: readonly string[];
  /** `/responses/compact`: failover allows 2 accounts instead of 3. */
  readonly isCompact?: boolean;
}

/** Input of {@link selectAccount}. */
export interface SelectionInput {
  readonly accounts: readonly AccountState[];
  readonly settings: BalancerSettings;
  readonly registry: readonly GatedModelEntry[];
  readonly request: SelectionRequest;
  /** T, epoch seconds. */
  readonly now: number;
  /**
   * When this selection happens, epoch seconds with sub-second precision and strictly increasing over
   * selections, for `last_selected_at`: `round_robin`'s least-recently-used order must hold within a second too.
   * Defaults to `now`.
   */
  readonly selectedAt?: number;
  /** Uniform [0, 1) source; only capacity_weighted and relative_availability draw from it. */
  readonly random: () => number;
}

/** Why an account was left out of the pool. */
export type SkipReason =
  | { readonly kind: 'paused' | 'reauth_required' | 'deactivated' | 'tried' | 'model' }
  | { readonly kind: 'gate'; readonly gate: 'data_unavailable' | 'quota_exhausted' }
  | {
      readonly kind: 'rate_limited';
      readonly until: number | null;
      readonly rateLimitKind: RateLimitKind | null;
    }
  | { readonly kind: 'quota_exceeded'; readonly until: number | null }
  | { readonly kind: 'cooldown'; readonly until: number }
  /** Past the user's usage cap on a window; `until` = that window's reset, null when unknown. */
  | {
      readonly kind: 'cap';
      readonly window: 'short' | 'long';
      readonly capPercent: number;
      readonly until: number | null;
    }
  | { readonly kind: 'backoff'; readonly until: number };

/** One skipped account in a {@link SelectionReason}. */
export interface SkippedAccount {
  readonly id: string;
  readonly reason: SkipReason;
}

/** What the caller does with the request's sticky mapping (§6.2). */
export type MappingAction =
  /** Leave (and refresh) the existing mapping. */
  | 'keep'
  /** Map the key to the selected account. */
  | 'set'
  /** No key, affinity off, or not applicable. */
  | 'none';

/** How the account was reached. */
export type SelectionVia =
  'strategy' | 'probe' | 'backoff_fallback' | 'continuity' | 'single_account' | 'sticky';

/** Which branch of the budget-safe wrapper produced the pick (§4.3). */
export type BudgetStep =
  'probe' | 'drain_within_budget' | 'drain_all' | 'burn_first' | 'within_budget' | 'fallback_all';

/** Sticky outcome for the log (§6.2 rule numbers in `stickyRule`). */
export type StickyOutcome = 'hit' | 'near_reset' | 'rebind' | 'fallback' | 'new';

/** The `why` of a selection, for the request log and the UI. */
export interface SelectionReason {
  readonly strategy: RoutingStrategy;
  readonly accountId: string;
  readonly via: SelectionVia;
  readonly budgetStep: BudgetStep | null;
  readonly sticky: StickyOutcome | null;
  /** §6.2 rule that decided (1–8), when affinity applied. */
  readonly stickyRule: number | null;
  /** Limit view the account was ranked in: `codex` or the gated quota key. */
  readonly view: string;
  readonly tier: HealthTier;
  readonly policy: RoutingPolicy;
  /** True when a standard-quota status was bypassed for a gated request (§5.4). */
  readonly bypassed: boolean;
  readonly skipped: readonly SkippedAccount[];
  /** Short human string. */
  readonly summary: string;
}

/** Successful selection. */
export interface SelectionSuccess {
  readonly ok: true;
  readonly accountId: string;
  readonly reason: SelectionReason;
  /** State updates to apply (recoveries, tiers, overlays, the selected account's lastSelectedAt / inFlight). */
  readonly changes: readonly AccountChange[];
  readonly mapping: { readonly action: MappingAction };
  /** Whether failover to another account is allowed for this request, and the account budget (§7). */
  readonly failover: { readonly allowed: boolean; readonly maxAccounts: number };
}

/** Failed selection: a client-visible error (§8). */
export interface SelectionFailure {
  readonly ok: false;
  readonly error: BalancerError;
  readonly skipped: readonly SkippedAccount[];
  readonly summary: string;
  /** Recoveries and overlay clean-ups computed on the way; safe to apply. */
  readonly changes: readonly AccountChange[];
}

/** Result of {@link selectAccount}. */
export type SelectionResult = SelectionSuccess | SelectionFailure;
