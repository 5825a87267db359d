/**
 * The API view of an account (`accountSchema`): identity, status, policy and quota with the time each sample
 * was recorded. Pure; it reads the stored record and the live state, and never touches the sealed tokens.
 */
import type { AccountDto } from '../../../shared/api';
import { STANDARD_FAMILY, type UsageSample, type UsageWindow } from '../../../shared/domain';
import type { AccountState, GatedModelEntry } from '../balancer';
import { capSkip } from '../balancer';
import type { AccountRecord } from '../store';

/** A window as the API shows it: one whose reset has passed counts as 0 % used (PROTOCOL.md §8). */
function windowView(w: UsageWindow | null, now: number): UsageWindow | null {
  if (w === null) return null;
  if (w.resetAt !== null && w.resetAt <= now) return { ...w, usedPercent: 0, resetAt: null };
  return { usedPercent: w.usedPercent, windowMinutes: w.windowMinutes, resetAt: w.resetAt };
}

function familyLabel(
  family: string,
  sample: UsageSample,
  registry: readonly GatedModelEntry[],
): string | null {
  return registry.find((e) => e.quotaKey === family)?.label ?? sample.limitName ?? null;
}

/** The cap that holds the account out right now, as the balancer judges it. */
function cappedView(state: AccountState | undefined, now: number): AccountDto['capped'] {
  const skip = state === undefined ? null : capSkip(state, now);
  return skip?.kind === 'cap'
    ? { window: skip.window, capPercent: skip.capPercent, until: skip.until }
    : null;
}

/**
 * Builds the API view of one account at `now` (epoch s). `problem` is a runtime problem that outranks the stored
 * reason as the account's `lastError` (a renewed login the disk refused, issue 8).
 */
export function toAccountDto(
  record: AccountRecord,
  state: AccountState | undefined,
  registry: readonly GatedModelEntry[],
  now: number,
  problem: string | null = null,
): AccountDto {
  const usage = state?.usage ?? {};
  const standard = usage[STANDARD_FAMILY];
  const additional = Object.entries(usage)
    .filter(([family]) => family !== STANDARD_FAMILY)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([family, sample]) => ({
      family,
      label: familyLabel(family, sample, registry),
      primary: windowView(sample.primary, now),
      secondary: windowView(sample.secondary, now),
      recordedAt: sample.recordedAt,
    }));
  const status = state?.status ?? record.status;
  return {
    id: record.id,
    email: record.email,
    label: record.label,
    chatgptAccountId: record.chatgptAccountId,
    planType: record.planType,
    status,
    routingPolicy: state?.routingPolicy ?? record.routingPolicy,
    usageCap: { short: record.capShortPercent, long: record.capLongPercent },
    priority: record.priority,
    capped: cappedView(state, now),
    resetCredits: standard?.resetCredits ?? null,
    resetAt: status === 'rate_limited' || status === 'quota_exceeded' ? (state?.resetAt ?? null) : null,
    quota: {
      primary: windowView(standard?.primary ?? null, now),
      secondary: windowView(standard?.secondary ?? null, now),
      additional,
      recordedAt: standard?.recordedAt ?? null,
    },
    lastError: problem ?? state?.statusReason ?? record.statusReason,
  };
}
