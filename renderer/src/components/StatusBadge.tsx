import type { AccountStatus } from '../../../shared/domain';
import { STATUS_NAMES } from '../lib/format';

const TONES: Record<AccountStatus, string> = {
  active: 'ok',
  rate_limited: 'warning',
  quota_exceeded: 'critical',
  paused: 'neutral',
  reauth_required: 'critical',
  deactivated: 'critical',
};

/** An account status as a coloured badge with its name in words (colour is never the only signal). */
export function StatusBadge({ status }: { status: AccountStatus }) {
  return (
    <span className={`badge badge-${TONES[status]}`} data-testid="account-status">
      {STATUS_NAMES[status]}
    </span>
  );
}
