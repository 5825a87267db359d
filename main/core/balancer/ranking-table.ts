/**
 * The ranking table: the §2 step-4 state build of every candidate as a small numeric {@link Row}, so a selection
 * over thousands of accounts ranks them without building a Candidate, a usage view and a skip reason per account
 * per request (BALANCER.md §2, §4.3).
 *
 * A row is computed inline when the account needs no state change — the steady state, since the caller applies
 * every selection's changes — and then cached per state object: states are immutable values replaced on change, and
 * the row records until when its time comparisons hold. An account that changes (recovery, overlay clean-up, tier
 * move), has family blocks, or is scoped by a gated request goes through the full {@link evaluateAccount}, and its
 * row is taken from that Candidate. Either way a row holds exactly the Candidate's numbers
 * (test/unit/balancer/ranking-table.test.ts); full Candidates are built on demand with {@link candidateAt}.
 */
import type { RoutingPolicy } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import {
  BACKOFF_MIN_ERRORS,
  DRAIN_ERROR_WINDOW,
  DRAIN_MIN_DURATION,
  MAX_RESET_AHEAD,
  QUOTA_COOLDOWN,
  RESTART_COOLDOWN_FALLBACK,
} from './constants';
import type { Candidate } from './evaluate';
import { backoffSeconds, evaluateAccount, hasKeys } from './evaluate';
import { INITIAL_TIER, nextTier, shouldDrainRaw } from './health';
import { planCapacity, remainingCredits } from './plans';
import { effectiveResetAt, recoverByTime, recoverByUsage } from './recovery';
import type { GatedModelEntry } from './registry';
import type { AccountChange, AccountState, HealthTier, SkipReason, SkippedAccount, TierState } from './types';
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

/** The step-4 facts of one account at T, as ranking needs them. */
export interface Row {
  /** Passed the core filter (Candidate.skip === null). */
  readonly selectable: boolean;
  readonly tierRank: number;
  readonly policyRank: number;
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

/** The rows of one selection's candidates, row i = `accounts[i]`. Scratch: valid until the next build. */
export interface RankingTable {
  size: number;
  accounts: readonly AccountState[];
  gated: GatedModelEntry | null;
  scoped: ReadonlySet<AccountState>;
  now: number;
  readonly rows: Row[];
  /** Full candidates of rows built the slow way or materialised since; undefined otherwise. */
  readonly full: (Candidate | undefined)[];
}

/*
 * One table reused by every selection: selection is synchronous and never re-entered, and the table never escapes
 * it, so reuse is invisible to callers.
 */
const scratch: RankingTable = {
  size: 0,
  accounts: [],
  gated: null,
  scoped: new Set(),
  now: 0,
  rows: [],
  full: [],
};

/** Inline rows by state object. */
const rowCache = new WeakMap<AccountState, Row>();

/** Marker: the account needs the full evaluation. */
const NEEDS_FULL = Symbol('needs full evaluation');

/*
 * A cached row expires this long before the first timestamp it depends on, so float rounding in comparisons such as
 * `now - lastErrorAt < 60` versus `lastErrorAt + 60` can never keep a stale row alive.
 */
const EXPIRY_MARGIN = 1e-3;

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
  const s = effective(rawS, a.inFlight);
  const shortResetAt = futureReset(primary, now);
  const longResetAt = secondary !== null ? futureReset(secondary, now) : shortResetAt;

  // Tiers move for active accounts only (§1.7); a move is a change.
  const tier = a.tiers[STANDARD_FAMILY] ?? INITIAL_TIER;
  if (status === 'active') {
    const drain = shouldDrainRaw(rawP, rawS, plan.short <= 0, a.errorCount, a.lastErrorAt, now);
    if (nextTier(tier, drain, now) !== tier) return NEEDS_FULL;
  }
  return {
    selectable: skip === null,
    tierRank: tierRank(tier.tier),
    policyRank: policyRank(a.routingPolicy),
    p: effective(rawP, a.inFlight),
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

/** The row of a fully evaluated account (never cached). */
function candidateRow(c: Candidate, now: number): Row {
  return {
    selectable: c.skip === null,
    tierRank: tierRank(c.tier),
    policyRank: policyRank(c.policy),
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

/** A new row for `a` at T (cached when inline), with the Candidate when it took the full evaluation. */
function freshRow(
  a: AccountState,
  gated: GatedModelEntry | null,
  isScoped: boolean,
  now: number,
): { row: Row; full: Candidate | undefined } {
  const inline = isScoped ? NEEDS_FULL : inlineRow(a, now);
  if (inline !== NEEDS_FULL) {
    rowCache.set(a, inline);
    return { row: inline, full: undefined };
  }
  const c = evaluateAccount(a, gated, isScoped, now);
  return { row: candidateRow(c, now), full: c };
}

/**
 * State build and core filter (§2 step 4) for `candidates`, in order: appends each skipped account to `skipped` and
 * each state change to `changes`, exactly as evaluating every account with {@link evaluateAccount} would.
 * `scoped` holds the accounts scoped by the request's gated entry.
 */
export function buildRankingTable(
  candidates: readonly AccountState[],
  gated: GatedModelEntry | null,
  scoped: ReadonlySet<AccountState>,
  now: number,
  skipped: SkippedAccount[],
  changes: AccountChange[],
): RankingTable {
  const n = candidates.length;
  const t = scratch;
  t.size = n;
  t.accounts = candidates;
  t.gated = gated;
  t.scoped = scoped;
  t.now = now;
  t.rows.length = n;
  t.full.length = n;
  for (let i = 0; i < n; i++) {
    const a = candidates[i] as AccountState;
    const isScoped = gated !== null && scoped.has(a);
    let row = isScoped ? undefined : rowCache.get(a);
    let full: Candidate | undefined = undefined;
    if (row === undefined || !(now >= row.validFrom && now < row.validUntil)) {
      ({ row, full } = freshRow(a, gated, isScoped, now));
      if (full !== undefined && full.next !== a) {
        changes.push({ id: full.id, next: full.next, persist: full.persist });
      }
    }
    t.rows[i] = row;
    t.full[i] = full;
    if (row.skipped !== null) skipped.push(row.skipped);
  }
  return t;
}

/** The full Candidate of row i, built on first use (identical to what evaluateAccount gave or would give). */
export function candidateAt(t: RankingTable, i: number): Candidate {
  const known = t.full[i];
  if (known !== undefined) return known;
  const a = t.accounts[i] as AccountState;
  const c = evaluateAccount(a, t.gated, t.gated !== null && t.scoped.has(a), t.now);
  t.full[i] = c;
  return c;
}

/** Every row as a Candidate, in order (the paths that still work on objects: continuity, pin, errors). */
export function allCandidates(t: RankingTable): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < t.size; i++) out.push(candidateAt(t, i));
  return out;
}
