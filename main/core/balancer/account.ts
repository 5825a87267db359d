/**
 * Helpers around {@link AccountState}: a defaults-filling constructor and the persisted/runtime split the caller
 * needs to apply {@link AccountChange}s.
 */
import type { AccountState, PersistedAccountFields, UsageCap } from './types';

/** No cap on either window: the default of every account. */
export const NO_CAP: UsageCap = { short: null, long: null };

/** Fields a caller must provide; everything else defaults to a fresh, active, never-selected account. */
export type AccountStateInit = Pick<AccountState, 'id' | 'idHash'> & Partial<AccountState>;

/** Build an account state with defaults: plan `free`, `active`, policy `normal`, no usage, no overlays. */
export function createAccountState(init: AccountStateInit): AccountState {
  return {
    planType: 'free',
    status: 'active',
    rateLimitKind: null,
    resetAt: null,
    blockedAt: null,
    statusReason: null,
    routingPolicy: 'normal',
    usageCap: NO_CAP,
    priority: null,
    familyBlocks: {},
    usage: {},
    cooldownUntil: null,
    errorCount: 0,
    lastErrorAt: null,
    tiers: {},
    lastSelectedAt: 0,
    inFlight: 0,
    ...init,
  };
}

/** The persisted subset of a state, for the store. */
export function persistedFields(state: AccountState): PersistedAccountFields {
  return {
    status: state.status,
    rateLimitKind: state.rateLimitKind,
    resetAt: state.resetAt,
    blockedAt: state.blockedAt,
    statusReason: state.statusReason,
    routingPolicy: state.routingPolicy,
    familyBlocks: state.familyBlocks,
    usage: state.usage,
  };
}

/** Whether any persisted field differs (by value for scalars, by reference for the maps, which are copied on write). */
export function persistedChanged(a: AccountState, b: AccountState): boolean {
  return (
    a.status !== b.status ||
    a.rateLimitKind !== b.rateLimitKind ||
    a.resetAt !== b.resetAt ||
    a.blockedAt !== b.blockedAt ||
    a.statusReason !== b.statusReason ||
    a.routingPolicy !== b.routingPolicy ||
    a.familyBlocks !== b.familyBlocks ||
    a.usage !== b.usage
  );
}

/** The state after a request on it ended (whatever the outcome): in-flight −1, never below 0. */
export function releaseInFlight(state: AccountState): AccountState {
  return { ...state, inFlight: Math.max(0, state.inFlight - 1) };
}
