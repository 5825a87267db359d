/**
 * One account's §2 step 1 and step-4 facts at T as a small numeric {@link Row}: what the ranking table
 * (ranking-table.ts) ranks on instead of a Candidate, a usage view and a skip reason per account per request
 * (BALANCER.md §2, §4.3).
 *
 * A row is computed inline when the account needs no state change — the steady state, since the caller applies
 * every selection's changes — and then cached per state object: states are immutable values replaced on change, and
 * the row records until when its time comparisons hold. An account that changes (recovery, overlay clean-up, tier
 * move), has family blocks, or is scoped by a gated request goes through the full {@link evaluateAccount}, and its
 * row is taken from that Candidate. Either way a row holds exactly the Candidate's numbers
 * (test/unit/balancer/ranking-table.test.ts).
 */
import type { RoutingPolicy } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import {
  BACKOFF_MIN_ERRORS,
  BUDGET_PERCENT,
  DRAIN_ERROR_WINDOW,
  DRAIN_MIN_DURATION,
  MAX_RESET_AHEAD,
  QUOTA_COOLDOWN,
  RESTART_COOLDOWN_FALLBACK,
} from './constants';
import { capSkip } from './cap';
import type { Candidate } from './evaluate';
import { backoffSeconds, evaluateAccount, hasKeys } from './evaluate';
import { INITIAL_TIER, nextTier, shouldDrainRaw } from './health';
import { planCapacity, remainingCredits } from './plans';
import { effectiveResetAt, recoverByTime, recoverByUsage } from './recovery';
import type { GatedModelEntry } from './registry';
import type { AccountState, HealthTier, SkipReason, SkippedAccount, TierState } from './types';
import { effective, futureReset, viewCapacity, windowUse } from './usage-view';

/** Health ladder ranks (§2) and policy ladder ranks (§4.2): lower is tried first. */
export const HEALTHY = 0;
export const PROBING = 1;
export const DRAINING = 2;
export const BURN_FIRST = 0;
export const NORMAL = 1;
export const PRESERVE = 2;

export function tierRank(tier: HealthTier): number {
  return tier === 'healthy' ? HEALTHY : tier === 'probing' ? PROBING : DRAINING;
}

export function policyRank(policy: RoutingPolicy): number {
  return policy === 'burn_first' ? BURN_FIRST : policy === 'normal' ? NORMAL : PRESERVE;
}

/** Tier names by rank, to name a row's tier without a Candidate. */
export const TIER_NAMES: readonly HealthTier[] = ['healthy', 'probing', 'draining'];

/*
 * Row kinds, ordered so "selectable" is `kind >= OVER_BUDGET`. The budget split is precomputed because it depends on
 * the row alone: within budget = neither preserve nor effective P > 95 (§4.3).
 */
/** Not a candidate at all: paused, reauth_required or deactivated (§2 step 1). */
export const INACTIVE = 0;
/** A candidate the core filter skips (rate limited, quota exceeded, cooldown, backoff). */
export const BLOCKED = 1;
/** Selectable, but preserve or over budget. */
export const OVER_BUDGET = 2;
/** Selectable and within budget. */
export const WITHIN_BUDGET = 3;

/** The facts of one account at T, as ranking needs them. */
export interface Row {
  readonly kind: number;
  /** Ladder rung: health tier rank × 3 + policy rank; the best rung is the smallest (§2, §4.2). */
  readonly rung: number;
  /** Usage view fields: effective P, S, fill_first's S, RC. */
  readonly p: number;
  readonly s: number;
  readonly sFill: number;
  readonly rc: number;
  readonly lastSelectedAt: number;
  /** prefer_earlier_reset's reset: the long-window reset, else the short one; NaN when unknown (§4.1). */
  readonly bucketResetAt: number;
  /** The account's entry in the reason's skipped list; null when selectable. */
  readonly skipped: SkippedAccount | null;
  /** The row is exact for validFrom ≤ T < validUntil (same state object). */
  readonly validFrom: number;
  readonly validUntil: number;
}

/** A new row, with the Candidate when it took the full evaluation. */
export interface FreshRow {
  readonly row: Row;
  readonly full: Candidate | undefined;
}

/*
 * Rows by state object, shared by every caller: a pure function of (state, T) inside the row's validity window, so
 * what it holds can never change a result, only save work. Weak, so replaced states and their rows are collected.
 */
const rowCache = new WeakMap<AccountState, Row>();

/** Marker: the account needs the full evaluation. */
const NEEDS_FULL = Symbol('needs full evaluation');

/*
 * A cached row expires this long before the first timestamp it depends on, so float rounding in comparisons such as
 * `now - lastErrorAt < 60` versus `lastErrorAt + 60` can never keep a stale row alive.
 */
const EXPIRY_MARGIN = 1e-3;

function rowKind(selectable: boolean, policy: number, p: number): number {
  if (!selectable) return BLOCKED;
  return policy !== PRESERVE && !(p > BUDGET_PERCENT) ? WITHIN_BUDGET : OVER_BUDGET;
}

/**
 * Until when an inline row computed at T stays exact: every timestamp of the state that the state build compares T
 * with — status reset and its 366-day plausibility limit, usage-recovery waits, cooldown, backoff end, the standard
 * windows' resets, the drain error window and the minimum drain. Up to the first of them later than T every such
 * comparison keeps its outcome; a timestamp that turns out irrelevant only expires the row early.
 */
function rowExpiry(a: AccountState, tier: TierState, now: number): number {
  const sample = a.usage[STANDARD_FAMILY];
  const blockedAt = a.blockedAt;
  const lastErrorAt = a.lastErrorAt;
  const times = [
    a.resetAt,
    a.resetAt === null ? null : a.resetAt - MAX_RESET_AHEAD,
    a.cooldownUntil,
    blockedAt === null ? null : blockedAt + RESTART_COOLDOWN_FALLBACK,
    blockedAt === null ? null : blockedAt + QUOTA_COOLDOWN,
    sample?.primary?.resetAt ?? null,
    sample?.secondary?.resetAt ?? null,
    lastErrorAt === null ? null : lastErrorAt + backoffSeconds(a.errorCount),
    lastErrorAt === null ? null : lastErrorAt + DRAIN_ERROR_WINDOW,
    tier.drainStartedAt === null ? null : tier.drainStartedAt + DRAIN_MIN_DURATION,
  ];
  let first = Infinity;
  for (const x of times) if (x !== null && x > now && x < first) first = x;
  return first - EXPIRY_MARGIN;
}

/** The row of an account step 1 leaves out: its status alone decides, at any T. */
function inactiveRow(a: AccountState): Row {
  return {
    kind: INACTIVE,
    rung: 0,
    p: 0,
    s: 0,
    sFill: 0,
    rc: 0,
    lastSelectedAt: a.lastSelectedAt,
    bucketResetAt: NaN,
    skipped: { id: a.id, reason: { kind: a.status as 'paused' } },
    validFrom: -Infinity,
    validUntil: Infinity,
  };
}

/** Whether step 1 leaves the account out whatever the request (§2). */
export function isInactive(a: AccountState): boolean {
  const st = a.status;
  return st === 'paused' || st === 'reauth_required' || st === 'deactivated';
}

/**
 * The row of an unscoped account that needs no state change: the rules of {@link evaluateAccount} in the same order.
 * NEEDS_FULL as soon as anything would change, and for family blocks (rare; their clearing has its own clock).
 */
function inlineRow(a: AccountState, now: number): Row | typeof NEEDS_FULL {
  if (hasKeys(a.familyBlocks)) return NEEDS_FULL;
  const status = a.status;
  let skip: SkipReason | null = null;
  if (status === 'rate_limited' || status === 'quota_exceeded') {
    if (recoverByUsage(recoverByTime(a, now), now) !== a) return NEEDS_FULL;
    const until = effectiveResetAt(a, now);
    skip =
      status === 'rate_limited'
        ? { kind: 'rate_limited', until, rateLimitKind: a.rateLimitKind }
        : { kind: 'quota_exceeded', until };
  } else if (a.cooldownUntil !== null) {
    // An expired cooldown is cleared (a change).
    if (a.cooldownUntil <= now) return NEEDS_FULL;
    skip = { kind: 'cooldown', until: a.cooldownUntil };
  }
  if (skip === null) skip = capSkip(a, now);
  if (skip === null && a.errorCount >= BACKOFF_MIN_ERRORS) {
    // A passed backoff resets the error count (a change).
    const end = a.lastErrorAt === null ? null : a.lastErrorAt + backoffSeconds(a.errorCount);
    if (end === null || now >= end) return NEEDS_FULL;
    skip = { kind: 'backoff', until: end };
  }

  // The standard usage view, as buildUsageView computes it.
  const sample = a.usage[STANDARD_FAMILY];
  const primary = sample === undefined ? null : sample.primary;
  const secondary = sample === undefined ? null : sample.secondary;
  const rawP = windowUse(primary, now) ?? 0;
  const sRaw = windowUse(secondary, now);
  const rawS = sRaw ?? rawP;
  const plan = planCapacity(a.planType);
  const p = effective(rawP, a.inFlight);
  const s = effective(rawS, a.inFlight);
  const shortResetAt = futureReset(primary, now);
  const longResetAt = secondary !== null ? futureReset(secondary, now) : shortResetAt;

  // Tiers move for active accounts only (§1.7); a move is a change.
  const tier = a.tiers[STANDARD_FAMILY] ?? INITIAL_TIER;
  if (status === 'active') {
    const drain = shouldDrainRaw(rawP, rawS, plan.short <= 0, a.errorCount, a.lastErrorAt, now);
    if (nextTier(tier, drain, now) !== tier) return NEEDS_FULL;
  }
  const policy = policyRank(a.routingPolicy);
  return {
    kind: rowKind(skip === null, policy, p),
    rung: tierRank(tier.tier) * 3 + policy,
    p,
    s,
    sFill: effective(sRaw ?? 0, a.inFlight),
    rc: remainingCredits(viewCapacity(plan, secondary, STANDARD_FAMILY), s),
    lastSelectedAt: a.lastSelectedAt,
    bucketResetAt: longResetAt ?? shortResetAt ?? NaN,
    skipped: skip === null ? null : { id: a.id, reason: skip },
    validFrom: now,
    validUntil: rowExpiry(a, tier, now),
  };
}

/** The row of a fully evaluated account (never cached: valid for no T). */
function candidateRow(c: Candidate, now: number): Row {
  const policy = policyRank(c.policy);
  return {
    kind: rowKind(c.skip === null, policy, c.view.p),
    rung: tierRank(c.tier) * 3 + policy,
    p: c.view.p,
    s: c.view.s,
    sFill: c.view.sFill,
    rc: c.view.rc,
    lastSelectedAt: c.lastSelectedAt,
    bucketResetAt: c.view.longResetAt ?? c.view.shortResetAt ?? NaN,
    skipped: c.skip === null ? null : { id: c.id, reason: c.skip },
    validFrom: now,
    validUntil: now,
  };
}

/**
 * The row of `a` at T: from the cache when still valid, else computed (and cached when inline). `fresh` says the
 * state is most likely new — a replacement the caller just made — so looking it up would miss and caching it would
 * only cost. Inactive accounts only reach here on the plain path, where step 1 is folded into the table; other paths
 * filter them out first.
 */
export function rowAt(
  a: AccountState,
  gated: GatedModelEntry | null,
  isScoped: boolean,
  now: number,
  fresh: boolean,
): FreshRow {
  if (!isScoped) {
    const cached = fresh ? undefined : rowCache.get(a);
    if (cached !== undefined && now >= cached.validFrom && now < cached.validUntil) {
      return { row: cached, full: undefined };
    }
    const row = isInactive(a) ? inactiveRow(a) : inlineRow(a, now);
    if (row !== NEEDS_FULL) {
      if (!fresh) rowCache.set(a, row);
      return { row, full: undefined };
    }
  }
  const c = evaluateAccount(a, gated, isScoped, now);
  return { row: candidateRow(c, now), full: c };
}
