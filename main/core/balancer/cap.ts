/**
 * The user's usage caps (Pool, README "Routing"): "stop at X % of the 5 h / weekly window". An account whose
 * standard window has reached its cap leaves the pool like an exhausted one until that window resets, with its own
 * skip reason so the request log and the tray can say it was our cap, not upstream's limit.
 */
import { STANDARD_FAMILY } from '../../../shared/domain';
import type { AccountState, SkipReason } from './types';
import { futureReset, windowUse } from './usage-view';

/**
 * The cap skip of an account at T, or null. Reads the raw standard windows (what the user sees), not the effective
 * values: a cap is a promise about upstream's meter, and in-flight pressure is not on it. A missing window never
 * trips its cap, and one whose reset has passed counts as 0 (§0). The 5 h cap is checked first.
 */
export function capSkip(account: AccountState, now: number): SkipReason | null {
  const cap = account.usageCap;
  if (cap.short === null && cap.long === null) return null;
  const sample = account.usage[STANDARD_FAMILY];
  if (sample === undefined) return null;
  if (cap.short !== null) {
    const used = windowUse(sample.primary, now);
    if (used !== null && used >= cap.short) {
      return { kind: 'cap', window: 'short', capPercent: cap.short, until: futureReset(sample.primary, now) };
    }
  }
  if (cap.long !== null) {
    const used = windowUse(sample.secondary, now);
    if (used !== null && used >= cap.long) {
      return { kind: 'cap', window: 'long', capPercent: cap.long, until: futureReset(sample.secondary, now) };
    }
  }
  return null;
}
