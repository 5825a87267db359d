/**
 * Per-account state build and core filter (BALANCER.md §2 step 4 and "core selection over a pool"): recovery,
 * bypass, cooldown, error backoff, usage view and health tier, folded into one {@link Candidate} per account.
 */
import type { AccountStatus, RateLimitKind, RoutingPolicy } from '../../../shared/domain';
import { persistedChanged } from './account';
import { capSkip } from './cap';
import { BACKOFF_BASE, BACKOFF_MAX, BACKOFF_MIN_ERRORS } from './constants';
import type { BlockedAccountFacts } from './errors';
import { INITIAL_TIER, nextTier, shouldDrain } from './health';
import { clearFamilyBlocks, effectiveResetAt, recoverByTime, recoverByUsage } from './recovery';
import type { GatedModelEntry } from './registry';
import type { AccountState, HealthTier, SkipReason } from './types';
import type { UsageView } from './usage-view';
import { buildUsageView } from './usage-view';

/** One account as the selection sees it at T. */
export interface Candidate {
  readonly account: AccountState;
  readonly id: string;
  readonly idHash: string;
  /** Scoped by the gated entry of this request (§5.2). */
  readonly scoped: boolean;
  readonly viewKey: string;
  /** Status after recovery (in a gated view, possibly an in-memory-only recovery). */
  readonly status: AccountStatus;
  readonly rateLimitKind: RateLimitKind | null;
  /** Valid status `reset_at`, or null. */
  readonly resetAt: number | null;
  /** A standard-quota status is ignored for this gated request (§5.4). */
  readonly bypassed: boolean;
  readonly policy: RoutingPolicy;
  readonly view: UsageView;
  readonly tier: HealthTier;
  readonly lastSelectedAt: number;
  /** Why the core filter skips it; null when selectable. */
  readonly skip: SkipReason | null;
  /** Active cooldown end (> T), or null. */
  readonly cooldownUntil: number | null;
  /** End of the error backoff when skipped for it. */
  readonly backoffUntil: number | null;
  /** State after recoveries, overlay clean-ups and tier updates; `=== account` when nothing changed. */
  readonly next: AccountState;
  readonly persist: boolean;
}

/** Whether an object has any own enumerable key (family block maps are usually empty). */
export function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Backoff length for n errors: min(300, 30 × 2^(n−3)) s (§1.6). */
export function backoffSeconds(errorCount: number): number {
  if (errorCount < BACKOFF_MIN_ERRORS) return 0;
  return Math.min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (errorCount - BACKOFF_MIN_ERRORS));
}

/** Evaluate one account for a request at T. `gated` is the request's registry entry, or null. */
export function evaluateAccount(
  account: AccountState,
  gated: GatedModelEntry | null,
  scoped: boolean,
  now: number,
): Candidate {
  const viewKey = scoped && gated !== null ? gated.quotaKey : 'codex';
  // Status recovery. In a gated view it is computed but never written back (§5.6).
  const blocked = account.status === 'rate_limited' || account.status === 'quota_exceeded';
  const recovered = blocked ? recoverByUsage(recoverByTime(account, now), now) : account;
  const base = scoped ? account : recovered;
  let next = hasKeys(base.familyBlocks) ? clearFamilyBlocks(base, now) : base;
  const status = recovered.status;
  const resetAt = effectiveResetAt(recovered, now);
  const rawCooldown = recovered.cooldownUntil;
  const cooldownUntil = rawCooldown !== null && rawCooldown > now ? rawCooldown : null;
  let errorCount = recovered.errorCount;
  let lastErrorAt = recovered.lastErrorAt;

  let skip: SkipReason | null = null;
  let bypassed = false;
  let backoffUntil: number | null = null;
  if (status === 'rate_limited') {
    // Only usage-limit blocks are bypassed for scoped accounts; throttling never is (§5.4).
    if (scoped && recovered.rateLimitKind === 'usage_limit') bypassed = true;
    else skip = { kind: 'rate_limited', until: resetAt, rateLimitKind: recovered.rateLimitKind };
  } else if (status === 'quota_exceeded') {
    if (scoped) bypassed = true;
    else skip = { kind: 'quota_exceeded', until: resetAt };
  }
  if (skip === null) {
    if (cooldownUntil !== null) {
      skip = { kind: 'cooldown', until: cooldownUntil };
    } else if (rawCooldown !== null) {
      // Expired cooldown: clean slate, so an old count does not send the account straight back to backoff (§1.6).
      errorCount = 0;
      lastErrorAt = null;
      next = { ...next, cooldownUntil: null, errorCount, lastErrorAt };
    }
  }
  // The user's cap, for standard views only: a gated request's scoped accounts spend their family's quota (§5.5).
  if (skip === null && !scoped) skip = capSkip(account, now);
  if (skip === null && errorCount >= BACKOFF_MIN_ERRORS) {
    const end = lastErrorAt === null ? null : lastErrorAt + backoffSeconds(errorCount);
    if (end !== null && now < end) {
      skip = { kind: 'backoff', until: end };
      backoffUntil = end;
    } else {
      errorCount = 0;
      lastErrorAt = null;
      next = { ...next, errorCount, lastErrorAt };
    }
  }

  const view = buildUsageView(recovered, viewKey, now);
  const prevTier = next.tiers[viewKey] ?? INITIAL_TIER;
  let tier = prevTier;
  // Tiers move for active accounts only; other statuses keep theirs (§1.7).
  if (status === 'active') {
    tier = nextTier(prevTier, shouldDrain(view, errorCount, lastErrorAt, now), now);
    if (tier !== prevTier) next = { ...next, tiers: { ...next.tiers, [viewKey]: tier } };
  }

  const policy =
    scoped && gated !== null && gated.routingPolicy !== 'inherit'
      ? gated.routingPolicy
      : account.routingPolicy;
  return {
    account,
    id: account.id,
    idHash: account.idHash,
    scoped,
    viewKey,
    status,
    rateLimitKind: recovered.rateLimitKind,
    resetAt,
    bypassed,
    policy,
    view,
    tier: tier.tier,
    lastSelectedAt: account.lastSelectedAt,
    skip,
    cooldownUntil,
    backoffUntil,
    next,
    persist: next !== account && persistedChanged(account, next),
  };
}

/** The §8 facts of a candidate. */
export function blockedFacts(c: Candidate): BlockedAccountFacts {
  return {
    status: c.status,
    bypassed: c.bypassed,
    rawP: c.view.rawP,
    rawS: c.view.rawS,
    shortResetAt: c.view.shortResetAt,
    longResetAt: c.view.longResetAt,
    resetAt: c.resetAt,
    cooldownUntil: c.cooldownUntil,
    cap: c.skip?.kind === 'cap' ? { until: c.skip.until } : null,
  };
}
