/**
 * Recovery of blocked accounts by time and by fresh usage (BALANCER.md §1.5). Pure: each function returns the same
 * object when nothing changes, else a new one.
 */
import type { UsageSample, UsageWindow } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import { MAX_RESET_AHEAD, QUOTA_COOLDOWN, RESTART_COOLDOWN_FALLBACK } from './constants';
import type { AccountState, FamilyBlock } from './types';

/** The stored `reset_at`, or null when missing or implausibly far ahead (> 366 d counts as missing, §1.3). */
export function effectiveResetAt(state: AccountState, now: number): number | null {
  const r = state.resetAt;
  if (r === null || !Number.isFinite(r) || r > now + MAX_RESET_AHEAD) return null;
  return r;
}

function use(w: UsageWindow | null | undefined, now: number): number | null {
  if (w === null || w === undefined) return null;
  return w.resetAt !== null && w.resetAt <= now ? 0 : w.usedPercent;
}

function withWindowZeroed(w: UsageWindow | null): UsageWindow | null {
  return w === null ? null : { ...w, usedPercent: 0 };
}

/** Standard sample with P (and for quota S) set to 0, as codex-lb does on time recovery. */
function zeroStandardUsage(state: AccountState, alsoLong: boolean): AccountState['usage'] {
  const sample = state.usage[STANDARD_FAMILY];
  if (sample === undefined) return state.usage;
  const next: UsageSample = {
    ...sample,
    primary: withWindowZeroed(sample.primary),
    secondary: alsoLong ? withWindowZeroed(sample.secondary) : sample.secondary,
  };
  return { ...state.usage, [STANDARD_FAMILY]: next };
}

const CLEARED_STATUS = { status: 'active', rateLimitKind: null, resetAt: null, blockedAt: null } as const;

/**
 * Time recovery (§1.5): `rate_limited` / `quota_exceeded` whose `reset_at` ≤ T → `active`; standard P := 0 (quota
 * also S := 0); rate-limited also `error_count` := 0. Without a `reset_at`, only usage recovers the account.
 */
export function recoverByTime(state: AccountState, now: number): AccountState {
  if (state.status !== 'rate_limited' && state.status !== 'quota_exceeded') return state;
  const reset = effectiveResetAt(state, now);
  if (reset === null || reset > now) return state;
  const quota = state.status === 'quota_exceeded';
  return {
    ...state,
    ...CLEARED_STATUS,
    usage: zeroStandardUsage(state, quota),
    errorCount: quota ? state.errorCount : 0,
  };
}

function hasCredits(sample: UsageSample): boolean {
  const c = sample.credits;
  if (c === null || c === undefined) return false;
  if (c.hasCredits || c.unlimited) return true;
  const balance = c.balance === null ? NaN : Number.parseFloat(c.balance);
  return Number.isFinite(balance) && balance > 0;
}

/**
 * Usage recovery (§1.5) from the latest standard sample recorded after `blocked_at`:
 * - `rate_limited`, after the cooldown (after a restart: `blocked_at` + 30 s): short and long < 100 % → `active`.
 * - `quota_exceeded`, from `blocked_at` + 120 s: long < 100 % → `active` if short < 100 %, else `rate_limited`
 *   (usage_limit, reset = short reset). With credits, an account whose only full window is the long one is active.
 */
export function recoverByUsage(state: AccountState, now: number): AccountState {
  if (state.status !== 'rate_limited' && state.status !== 'quota_exceeded') return state;
  const sample = state.usage[STANDARD_FAMILY];
  if (sample === undefined) return state;
  const blockedAt = state.blockedAt ?? Number.NEGATIVE_INFINITY;
  if (!(sample.recordedAt > blockedAt)) return state;
  const short = use(sample.primary, now);
  const long = use(sample.secondary, now) ?? short;
  if (long === null) return state;

  if (state.status === 'rate_limited') {
    const waitUntil = state.cooldownUntil ?? blockedAt + RESTART_COOLDOWN_FALLBACK;
    if (now < waitUntil) return state;
    if (long < 100 && (short === null || short < 100)) return { ...state, ...CLEARED_STATUS };
    return state;
  }

  if (now < blockedAt + QUOTA_COOLDOWN) return state;
  const shortOk = short === null || short < 100;
  if (long < 100 || (shortOk && hasCredits(sample))) {
    if (shortOk) return { ...state, ...CLEARED_STATUS };
    const shortReset = sample.primary?.resetAt ?? null;
    return {
      ...state,
      status: 'rate_limited',
      rateLimitKind: 'usage_limit',
      resetAt: shortReset !== null && shortReset > now ? shortReset : null,
    };
  }
  return state;
}

/**
 * Recovery from a usage answer requested after the block (issue 8): the poller or the user's refresh asked
 * upstream for the account's quota *after* it was marked exhausted, so the answer is current, not a lagging echo
 * of the request that failed. When it shows room by the rules of usage recovery, the account is active for the
 * next request at once: the cooldowns above guard against stale samples and have nothing left to guard, and the
 * error that caused the block no longer counts towards backoff. Family blocks clear the same way.
 */
export function recoverByFreshUsage(state: AccountState, now: number): AccountState {
  let next = state;
  if (state.status === 'rate_limited' || state.status === 'quota_exceeded') {
    // The ordinary usage rules, with the waits lifted: no cooldown, and the sample counts as after the block.
    const judged = recoverByUsage(
      { ...state, cooldownUntil: null, blockedAt: Number.NEGATIVE_INFINITY },
      now,
    );
    if (judged.status === 'active') {
      next = { ...state, ...CLEARED_STATUS, cooldownUntil: null, errorCount: 0, lastErrorAt: null };
    }
  }
  let blocks: Record<string, FamilyBlock> | null = null;
  for (const key in next.familyBlocks) {
    const sample = next.usage[key];
    if (sample === undefined || !hasRoom(sample, now)) continue;
    blocks ??= { ...next.familyBlocks };
    delete blocks[key];
  }
  return blocks === null ? next : { ...next, familyBlocks: blocks };
}

function hasRoom(sample: UsageSample, now: number): boolean {
  const windows = [sample.primary, sample.secondary].filter((w): w is UsageWindow => w !== null);
  return windows.length > 0 && windows.every((w) => (use(w, now) ?? 0) < 100);
}

function blockCleared(block: FamilyBlock, sample: UsageSample | undefined, now: number): boolean {
  if (block.resetAt !== null && block.resetAt <= now) return true;
  if (sample === undefined || !(sample.recordedAt > block.blockedAt)) return false;
  const windows = [sample.primary, sample.secondary].filter((w): w is UsageWindow => w !== null);
  return windows.length > 0 && windows.every((w) => (use(w, now) ?? 0) < 100);
}

/** Family blocks clear when their `reset_at` passes or a later sample of that family shows every window < 100 % (§1.5). */
export function clearFamilyBlocks(state: AccountState, now: number): AccountState {
  let next: Record<string, FamilyBlock> | null = null;
  for (const key in state.familyBlocks) {
    const block = state.familyBlocks[key];
    if (block === undefined || !blockCleared(block, state.usage[key], now)) continue;
    next ??= { ...state.familyBlocks };
    delete next[key];
  }
  return next === null ? state : { ...state, familyBlocks: next };
}

/** Whether a family block for `key` is active at T (after the clearing rules above). */
export function hasActiveFamilyBlock(state: AccountState, key: string, now: number): boolean {
  const block = state.familyBlocks[key];
  return block !== undefined && !blockCleared(block, state.usage[key], now);
}

/**
 * All recoveries in order (time, usage, family blocks). The caller runs this when a fresh usage sample is stored, so
 * an account recovers even when no selection happens; selection runs the same rules itself.
 */
export function recoverAccount(state: AccountState, now: number): AccountState {
  return clearFamilyBlocks(recoverByUsage(recoverByTime(state, now), now), now);
}
