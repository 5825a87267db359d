/**
 * The state reducer: (account state, classified upstream outcome, T) → next state (BALANCER.md §1.3–1.4).
 * Statuses come only from here: local usage at 100 % never blocks an account by itself (§1.5).
 */
import type { RateLimitKind, UsageSample } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import { persistedChanged } from './account';
import {
  MAX_RESET_AHEAD,
  MIN_USAGE_LIMIT_RESET,
  QUOTA_COOLDOWN,
  QUOTA_DEFAULT_RESET,
  RATE_LIMIT_BASE_DELAY,
} from './constants';
import { INITIAL_TIER, tierAfterFailure, tierAfterSuccess } from './health';
import type { UpstreamOutcome } from './outcome';
import type { GatedModelEntry } from './registry';
import { findGatedEntry, isScopedPlan, resolveLimitName, viewKeyFor } from './registry';
import type { AccountState, FamilyBlock, TierState } from './types';

/** Context of an outcome: clock, random source, registry and the request's model. */
export interface OutcomeContext {
  /** T, epoch seconds. */
  readonly now: number;
  /** Uniform [0, 1); draws the U(0.9, 1.1) jitter of the computed 429 delay. */
  readonly random: () => number;
  readonly registry: readonly GatedModelEntry[];
  /** Model of the request that produced the outcome; decides the tier view and the unnamed-gated rule (§1.4). */
  readonly model?: string;
}

/** What an outcome did, for the request log. */
export type OutcomeEffect =
  'status' | 'status_and_family_block' | 'family_block' | 'error_recorded' | 'success' | 'none';

/** Result of {@link applyOutcome}. */
export interface OutcomeResult {
  readonly next: AccountState;
  /** True when persisted fields changed. */
  readonly persist: boolean;
  /** Entering `reauth_required` / `deactivated` deletes the account's sticky mappings (§1.1). */
  readonly deleteStickyMappings: boolean;
  readonly effect: OutcomeEffect;
  /** The family blocked, when the effect includes a family block. */
  readonly blockedFamily: string | null;
}

/**
 * Validate an upstream reset (§1.3): `resets_at` if finite, later than T and ≤ T + 366 d; else
 * T + `resets_in_seconds` if in (0, 366 d]; rounded up to whole seconds. Undefined when neither qualifies.
 */
export function upstreamReset(
  resetsAt: number | null | undefined,
  resetsInSeconds: number | null | undefined,
  now: number,
): number | undefined {
  if (
    typeof resetsAt === 'number' &&
    Number.isFinite(resetsAt) &&
    resetsAt > now &&
    resetsAt <= now + MAX_RESET_AHEAD
  ) {
    return Math.ceil(resetsAt);
  }
  if (
    typeof resetsInSeconds === 'number' &&
    Number.isFinite(resetsInSeconds) &&
    resetsInSeconds > 0 &&
    resetsInSeconds <= MAX_RESET_AHEAD
  ) {
    return Math.ceil(now + resetsInSeconds);
  }
  return undefined;
}

function validHint(hint: number | undefined): number | undefined {
  return hint !== undefined && Number.isFinite(hint) && hint > 0 ? hint : undefined;
}

/** 429 delay (§1.3): the hint, else 0.2 s × 2^(n−1) × U(0.9, 1.1) with n the new error count. */
function rateLimitDelay(hint: number | undefined, errorCount: number, random: () => number): number {
  if (hint !== undefined) return hint;
  return RATE_LIMIT_BASE_DELAY * 2 ** Math.max(0, errorCount - 1) * (0.9 + 0.2 * random());
}

function mapTiers(tiers: AccountState['tiers'], f: (t: TierState) => TierState): AccountState['tiers'] {
  let next: Record<string, TierState> | null = null;
  for (const key in tiers) {
    const prev = tiers[key];
    if (prev === undefined) continue;
    const t = f(prev);
    if (t === prev) continue;
    next ??= { ...tiers };
    next[key] = t;
  }
  return next ?? tiers;
}

function recordError(state: AccountState, now: number): AccountState {
  return {
    ...state,
    errorCount: state.errorCount + 1,
    lastErrorAt: now,
    tiers: mapTiers(state.tiers, tierAfterFailure),
  };
}

/**
 * Record one account-wide error (error_count + 1, last_error_at = T). Used directly for failures that are not an
 * {@link UpstreamOutcome}, e.g. a second 401 after a refresh (§7).
 */
export function recordAccountError(state: AccountState, now: number): AccountState {
  return recordError(state, now);
}

function withFamilyBlock(state: AccountState, key: string, block: FamilyBlock): AccountState {
  return { ...state, familyBlocks: { ...state.familyBlocks, [key]: block } };
}

/** Standard sample with P := 100 (quota errors, §1.3). Creates a minimal sample when there is none. */
function usageWithShortFull(state: AccountState, resetAt: number, now: number): AccountState['usage'] {
  const prev = state.usage[STANDARD_FAMILY];
  const primary = prev?.primary ?? null;
  const keepReset = primary !== null && primary.resetAt !== null && primary.resetAt > now;
  const full = {
    usedPercent: 100,
    windowMinutes: primary?.windowMinutes ?? 300,
    resetAt: keepReset ? primary.resetAt : resetAt,
  };
  // recordedAt = T = blocked_at for a synthetic sample, so it can never count as "fresh usage after the block".
  const sample: UsageSample =
    prev !== undefined
      ? { ...prev, primary: full }
      : { family: STANDARD_FAMILY, primary: full, secondary: null, recordedAt: now };
  return { ...state.usage, [STANDARD_FAMILY]: sample };
}

/** The family an unnamed error is also attributed to: the gated key when the request was gated and the account scoped. */
function gatedFamilyOf(ctx: OutcomeContext, state: AccountState): string | null {
  if (ctx.model === undefined) return null;
  const entry = findGatedEntry(ctx.registry, ctx.model);
  return entry !== null && isScopedPlan(entry, state.planType) ? entry.quotaKey : null;
}

function standardRateLimit(
  state: AccountState,
  kind: RateLimitKind,
  resetAt: number | undefined,
  hintRaw: number | undefined,
  ctx: OutcomeContext,
): AccountState {
  const now = ctx.now;
  const errorCount = state.errorCount + 1;
  const hint = validHint(hintRaw);
  const delay = rateLimitDelay(hint, errorCount, ctx.random);
  const reset = resetAt ?? (hint !== undefined ? now + delay : now + Math.max(delay, MIN_USAGE_LIMIT_RESET));
  return {
    ...state,
    status: 'rate_limited',
    rateLimitKind: kind,
    errorCount,
    lastErrorAt: now,
    blockedAt: now,
    cooldownUntil: now + delay,
    resetAt: reset,
    tiers: mapTiers(state.tiers, tierAfterFailure),
  };
}

function standardQuota(state: AccountState, resetAt: number | undefined, now: number): AccountState {
  const reset = resetAt ?? now + QUOTA_DEFAULT_RESET;
  return {
    ...state,
    status: 'quota_exceeded',
    rateLimitKind: null,
    blockedAt: now,
    cooldownUntil: now + QUOTA_COOLDOWN,
    resetAt: reset,
    usage: usageWithShortFull(state, reset, now),
    tiers: mapTiers(state.tiers, tierAfterFailure),
  };
}

type Transition = Pick<OutcomeResult, 'next' | 'effect' | 'blockedFamily'>;

function usageLimitOrQuota(
  state: AccountState,
  outcome: Extract<UpstreamOutcome, { kind: 'usage_limit' | 'quota' }>,
  ctx: OutcomeContext,
): Transition {
  const now = ctx.now;
  const family = resolveLimitName(ctx.registry, outcome.limitName);
  const reset = upstreamReset(outcome.resetAt, undefined, now);
  const isUsage = outcome.kind === 'usage_limit';
  if (family !== null && family !== STANDARD_FAMILY) {
    // Family-attributed: block only that family; no status, cooldown or error_count change (§1.4).
    const hint = isUsage ? validHint(outcome.delayHintSeconds) : undefined;
    const blockReset = isUsage
      ? (reset ??
        now + Math.max(rateLimitDelay(hint, state.errorCount + 1, ctx.random), MIN_USAGE_LIMIT_RESET))
      : (reset ?? now + QUOTA_DEFAULT_RESET);
    return {
      next: withFamilyBlock(state, family, { blockedAt: now, resetAt: blockReset }),
      effect: 'family_block',
      blockedFamily: family,
    };
  }
  const next = isUsage
    ? standardRateLimit(state, 'usage_limit', reset, outcome.delayHintSeconds, ctx)
    : standardQuota(state, reset, now);
  // Unnamed error on a gated request: account-wide, and the family is blocked too with the same reset (§1.4).
  const gatedFamily = family === null ? gatedFamilyOf(ctx, state) : null;
  if (gatedFamily === null) return { next, effect: 'status', blockedFamily: null };
  return {
    next: withFamilyBlock(next, gatedFamily, { blockedAt: now, resetAt: next.resetAt }),
    effect: 'status_and_family_block',
    blockedFamily: gatedFamily,
  };
}

function transition(state: AccountState, outcome: UpstreamOutcome, ctx: OutcomeContext): Transition {
  const now = ctx.now;
  const plain = (next: AccountState, effect: OutcomeEffect): Transition => ({
    next,
    effect,
    blockedFamily: null,
  });
  switch (outcome.kind) {
    case 'usage_limit':
    case 'quota':
      return usageLimitOrQuota(state, outcome, ctx);
    case 'throttle':
      // Throttling is always account-wide, whichever family is named (§1.4).
      return plain(
        standardRateLimit(
          state,
          'throttle',
          upstreamReset(outcome.resetAt, undefined, now),
          outcome.delayHintSeconds,
          ctx,
        ),
        'status',
      );
    case 'permanent':
      return plain(
        {
          ...state,
          status: outcome.status,
          statusReason: outcome.message !== '' ? outcome.message : outcome.code,
          rateLimitKind: null,
          resetAt: null,
          blockedAt: null,
        },
        'status',
      );
    case 'transient':
      return plain(recordError(state, now), 'error_recorded');
    case 'client_error':
      // Payload errors that would fail on any account carry no penalty; the entitlement 400 is penalised (§1.3).
      return outcome.penalise ? plain(recordError(state, now), 'error_recorded') : plain(state, 'none');
    case 'neutral':
      return plain(state, 'none');
    case 'success': {
      const view = viewKeyFor(
        ctx.model === undefined ? null : findGatedEntry(ctx.registry, ctx.model),
        state.planType,
      );
      const prevTier = state.tiers[view] ?? INITIAL_TIER;
      const tier = tierAfterSuccess(prevTier);
      return plain(
        {
          ...state,
          errorCount: 0,
          tiers: tier === prevTier ? state.tiers : { ...state.tiers, [view]: tier },
        },
        'success',
      );
    }
  }
}

/**
 * Apply one classified upstream outcome to an account (§1.3–1.4). Pure: returns the next state and whether it must
 * be persisted; the input is not modified. In-flight bookkeeping is separate ({@link releaseInFlight}).
 */
export function applyOutcome(
  state: AccountState,
  outcome: UpstreamOutcome,
  ctx: OutcomeContext,
): OutcomeResult {
  const { next, effect, blockedFamily } = transition(state, outcome, ctx);
  return {
    next,
    persist: persistedChanged(state, next),
    deleteStickyMappings: outcome.kind === 'permanent',
    effect,
    blockedFamily,
  };
}
