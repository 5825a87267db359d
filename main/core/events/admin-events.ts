/**
 * Turns the pool's internal change notices into admin events (`shared/api/events.ts`). Pure.
 */
import type { AdminEvent } from '../../../shared/api';
import type { AccountStatus } from '../../../shared/domain';
import type { PoolEvent } from '../pool/pool-state';

const EXHAUSTED: ReadonlySet<AccountStatus> = new Set(['rate_limited', 'quota_exceeded']);

/** What a status change means to the user. */
export function statusTransition(
  from: AccountStatus,
  to: AccountStatus,
): Extract<AdminEvent, { type: 'account_status' }>['transition'] {
  if (to === 'reauth_required') return 'reauth_required';
  if (to === 'deactivated') return 'deactivated';
  if (to === 'paused') return 'paused';
  if (from === 'paused' && to === 'active') return 'resumed';
  if (EXHAUSTED.has(to) && !EXHAUSTED.has(from)) return 'exhausted';
  if (to === 'active' && from !== 'active') return 'recovered';
  return 'other';
}

/** The admin event for a pool notice. */
export function adminEventFromPool(event: PoolEvent): AdminEvent | null {
  switch (event.type) {
    case 'account':
      return { type: 'account', accountId: event.accountId, change: 'updated' };
    case 'accounts':
      return event.removedId !== undefined
        ? { type: 'account', accountId: event.removedId, change: 'removed' }
        : null;
    case 'status':
      return {
        type: 'account_status',
        accountId: event.accountId,
        from: event.from,
        to: event.to,
        transition: statusTransition(event.from, event.to),
        reason: event.reason,
      };
    case 'quota':
      return {
        type: 'quota',
        accountId: event.accountId,
        family: event.family,
        recordedAt: event.sample.recordedAt,
        primaryUsedPercent: event.sample.primary?.usedPercent ?? null,
        secondaryUsedPercent: event.sample.secondary?.usedPercent ?? null,
      };
  }
}
