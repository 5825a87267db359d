/**
 * The gated-model gate (BALANCER.md §5.3), per scoped account: fresh = recorded within the last 180 s.
 */
import type { UsageWindow } from '../../../shared/domain';
import { GATE_FRESHNESS } from './constants';
import { hasActiveFamilyBlock } from './recovery';
import type { AccountState } from './types';

/** Gate verdict for one scoped account. */
export type GateVerdict = 'eligible' | 'data_unavailable' | 'quota_exhausted';

function fullWithFutureReset(w: UsageWindow | null, now: number): boolean {
  return w !== null && w.usedPercent >= 100 && w.resetAt !== null && w.resetAt > now;
}

/**
 * Rules in order: active family block → quota_exhausted; no sample → data_unavailable; stale latest sample →
 * data_unavailable; a fresh window at ≥ 100 % with a future reset → quota_exhausted; else eligible. Only the latest
 * sample per family is kept, so "a window's latest sample" is the family's latest sample.
 */
export function gateAccount(account: AccountState, quotaKey: string, now: number): GateVerdict {
  if (hasActiveFamilyBlock(account, quotaKey, now)) return 'quota_exhausted';
  const sample = account.usage[quotaKey];
  if (sample === undefined || (sample.primary === null && sample.secondary === null))
    return 'data_unavailable';
  if (now - sample.recordedAt > GATE_FRESHNESS) return 'data_unavailable';
  if (fullWithFutureReset(sample.primary, now) || fullWithFutureReset(sample.secondary, now)) {
    return 'quota_exhausted';
  }
  return 'eligible';
}
