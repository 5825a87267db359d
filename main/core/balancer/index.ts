/**
 * Public entry point of the balancer (BALANCER.md): pure selection, the outcome reducer, recovery, plan capacities,
 * the gated-model registry, failover decisions and client-visible errors. No I/O, no clock, no ambient randomness.
 */
export type { UpstreamOutcome, UpstreamOutcomeKind } from './outcome';
export type {
  AccountChange,
  AccountState,
  BalancerSettings,
  BudgetStep,
  FamilyBlock,
  HealthTier,
  MappingAction,
  PersistedAccountFields,
  SelectionFailure,
  SelectionInput,
  SelectionReason,
  SelectionRequest,
  SelectionResult,
  SelectionSuccess,
  SelectionVia,
  SkipReason,
  SkippedAccount,
  StickyOutcome,
  TierState,
  UsageCap,
} from './types';
export { capSkip } from './cap';
export { selectAccount } from './select';
export type { AccountStateInit } from './account';
export { NO_CAP, createAccountState, persistedChanged, persistedFields, releaseInFlight } from './account';
export type { OutcomeContext, OutcomeEffect, OutcomeResult } from './state-reducer';
export { applyOutcome, recordAccountError, upstreamReset } from './state-reducer';
export {
  clearFamilyBlocks,
  recoverAccount,
  recoverByFreshUsage,
  recoverByTime,
  recoverByUsage,
} from './recovery';
export { backoffSeconds } from './evaluate';
export { INITIAL_TIER, isProbeDue, nextTier, shouldDrain, tierAfterSuccess } from './health';
export type { CanonicalPlan, PlanCapacity } from './plans';
export { longWindowCapacity, normalizePlan, planCapacity, remainingCredits } from './plans';
export type { GatedModelEntry } from './registry';
export {
  SEED_REGISTRY,
  canonicalFamily,
  findGatedEntry,
  isScopedPlan,
  normalizeName,
  resolveLimitName,
  viewKeyFor,
} from './registry';
export type { GateVerdict } from './gate';
export { gateAccount } from './gate';
export type { UsageView } from './usage-view';
export { buildUsageView, dayBucket } from './usage-view';
export { normalizeStrategy } from './strategies';
export type { BalancerError, ErrorEnvelope, SelectionErrorCode } from './errors';
export { errorEnvelope, errorHeaders, formatClock } from './errors';
export type { AttemptFailure, FailoverDecision, FailoverInput, FinalError, SurfaceReason } from './failover';
export { decideFailover, finalError, maxAccounts } from './failover';
export * as BALANCER_CONSTANTS from './constants';
