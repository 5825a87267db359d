/**
 * How a stored account becomes the balancer's state and which changes of that state the store must hear of: the
 * pure half of the pool state.
 */
import { createHash } from 'node:crypto';
import type { AccountState } from '../balancer';
import type { AccountRecord } from '../store';
import { sameSampleContent } from '../usage/sample-storage';

/** True when a change touches the status fields the store keeps. */
export function persistedStatusChanged(prev: AccountState, next: AccountState): boolean {
  return (
    prev.status !== next.status ||
    prev.rateLimitKind !== next.rateLimitKind ||
    prev.resetAt !== next.resetAt ||
    prev.blockedAt !== next.blockedAt ||
    prev.statusReason !== next.statusReason
  );
}

/** True when two usage maps say the same thing (sample by sample). */
export function sameUsage(a: AccountState['usage'], b: AccountState['usage']): boolean {
  if (a === b) return true;
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((family) => sameSampleContent(a[family], b[family]));
}

/** The parts of an account's balancer state that come from its stored record. */
export function fromRecord(
  record: AccountRecord,
): Pick<
  AccountState,
  | 'id'
  | 'idHash'
  | 'planType'
  | 'status'
  | 'rateLimitKind'
  | 'resetAt'
  | 'blockedAt'
  | 'statusReason'
  | 'routingPolicy'
  | 'usageCap'
  | 'priority'
> {
  return {
    id: record.id,
    idHash: createHash('sha256').update(record.id).digest('hex'),
    planType: record.planType ?? 'free',
    status: record.status,
    rateLimitKind: record.rateLimitKind,
    resetAt: record.resetAt,
    blockedAt: record.blockedAt,
    statusReason: record.statusReason,
    routingPolicy: record.routingPolicy,
    usageCap: { short: record.capShortPercent, long: record.capLongPercent },
    priority: record.priority,
  };
}
