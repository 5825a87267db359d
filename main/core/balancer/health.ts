/**
 * Health tiers (soft drain) and recovery probes (BALANCER.md §1.7). Tier state is per (account, limit view); error
 * inputs are account-wide.
 */
import {
  DRAIN_ERROR_COUNT,
  DRAIN_ERROR_WINDOW,
  DRAIN_LONG_PERCENT,
  DRAIN_MIN_DURATION,
  DRAIN_SHORT_PERCENT,
  PROBE_INTERVAL,
  PROBE_SUCCESSES,
} from './constants';
import type { HealthTier, TierState } from './types';
import type { UsageView } from './usage-view';

/** Tier of a view never evaluated before. */
export const INITIAL_TIER: TierState = { tier: 'healthy', drainStartedAt: null, probeStreak: 0 };

/** `should_drain` (§1.7): raw P ≥ 85 (not free), raw S ≥ 90, or ≥ 2 errors with the last < 60 s ago. */
export function shouldDrain(
  view: UsageView,
  errorCount: number,
  lastErrorAt: number | null,
  now: number,
): boolean {
  return shouldDrainRaw(view.rawP, view.rawS, view.ignoreShortForHealth, errorCount, lastErrorAt, now);
}

/** {@link shouldDrain} on plain numbers, for the allocation-free ranking table. */
export function shouldDrainRaw(
  rawP: number,
  rawS: number,
  ignoreShort: boolean,
  errorCount: number,
  lastErrorAt: number | null,
  now: number,
): boolean {
  if (!ignoreShort && rawP >= DRAIN_SHORT_PERCENT) return true;
  if (rawS >= DRAIN_LONG_PERCENT) return true;
  return errorCount >= DRAIN_ERROR_COUNT && lastErrorAt !== null && now - lastErrorAt < DRAIN_ERROR_WINDOW;
}

/**
 * One tier transition step at selection time (§1.7). Only called for `active` accounts; returns `prev` itself when
 * nothing changes so callers can detect changes by identity.
 */
export function nextTier(prev: TierState, drain: boolean, now: number): TierState {
  switch (prev.tier) {
    case 'healthy':
      return drain ? { tier: 'draining', drainStartedAt: now, probeStreak: 0 } : prev;
    case 'draining':
      if (!drain && now - (prev.drainStartedAt ?? now) >= DRAIN_MIN_DURATION) {
        return { tier: 'probing', drainStartedAt: prev.drainStartedAt, probeStreak: 0 };
      }
      return prev;
    case 'probing':
      if (drain) return { tier: 'draining', drainStartedAt: now, probeStreak: 0 };
      return prev.probeStreak >= PROBE_SUCCESSES ? { ...prev, tier: 'healthy', probeStreak: 0 } : prev;
  }
}

/** Tier after a successful response (§1.3): probe streak +1 when probing; 3 in a row → healthy. */
export function tierAfterSuccess(prev: TierState): TierState {
  if (prev.tier !== 'probing') return prev;
  const streak = prev.probeStreak + 1;
  return streak >= PROBE_SUCCESSES
    ? { tier: 'healthy', drainStartedAt: prev.drainStartedAt, probeStreak: 0 }
    : { ...prev, probeStreak: streak };
}

/** Tier after a failure: a failure breaks the consecutive-success streak of a probe. */
export function tierAfterFailure(prev: TierState): TierState {
  return prev.tier === 'probing' && prev.probeStreak > 0 ? { ...prev, probeStreak: 0 } : prev;
}

/** A probing account is due when never selected or last selected ≥ 60 s ago (§1.7). */
export function isProbeDue(tier: HealthTier, lastSelectedAt: number, now: number): boolean {
  return tier === 'probing' && (lastSelectedAt === 0 || now - lastSelectedAt >= PROBE_INTERVAL);
}
