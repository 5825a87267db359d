import { useId, useState } from 'react';
import { ROUTING_POLICIES, type RoutingPolicy } from '../../../../shared/domain';
import type { AccountDto } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { StatusBadge } from '../../components/StatusBadge';
import { useUi } from '../../app/ui-store';
import { POLICY_NAMES, formatAge, formatCountdown, planName } from '../../lib/format';
import { accountName, accountsResource, patchAccount } from './accounts-data';
import { AccountLimits } from './AccountLimits';
import { QuotaBar } from './QuotaBar';
import { AccountHistory } from '../history/AccountHistory';

/** Props of {@link AccountCard}. */
export interface AccountCardProps {
  account: AccountDto;
  /** Server time, epoch s. */
  now: number;
}

const OUT_STATUSES = new Set(['rate_limited', 'quota_exceeded']);
/** Quota older than this is flagged: the poller refreshes every few minutes, so it means something is wrong. */
const STALE_AFTER_S = 30 * 60;

/** One account: identity, status, quotas with their age, and the actions on it. */
export function AccountCard({ account, now }: AccountCardProps) {
  const notify = useUi((s) => s.notify);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const headingId = useId();
  const policyId = useId();
  const name = accountName(account);
  const paused = account.status === 'paused';

  const act = async (label: string, run: () => Promise<{ account: AccountDto }>): Promise<void> => {
    setBusy(label);
    try {
      patchAccount((await run()).account);
    } catch (err) {
      notify('error', `${label} ${name}: ${(err as ApiError).message}`);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (): Promise<void> => {
    setBusy('Delete');
    try {
      await api.deleteAccount(account.id);
      accountsResource.update((list) => ({
        ...list,
        accounts: list.accounts.filter((a) => a.id !== account.id),
      }));
      notify('info', `Removed ${name} from the pool.`);
    } catch (err) {
      notify('error', `Delete ${name}: ${(err as ApiError).message}`);
      setBusy(null);
    }
    setConfirming(false);
  };

  const { quota } = account;
  const stale = quota.recordedAt !== null && now - quota.recordedAt > STALE_AFTER_S;
  return (
    <li
      className="card account-card"
      aria-labelledby={headingId}
      data-testid="account-card"
      data-account-id={account.id}
    >
      <div className="account-head">
        <div className="account-identity">
          <h3 id={headingId}>{name}</h3>
          {account.label && account.email && <p className="muted small">{account.email}</p>}
        </div>
        <div className="account-badges">
          <span className="badge badge-plan" data-testid="account-plan">
            {planName(account.planType)}
          </span>
          <StatusBadge status={account.status} />
        </div>
      </div>

      {OUT_STATUSES.has(account.status) && account.resetAt !== null && (
        <p className="small">Back {formatCountdown(account.resetAt, now)}.</p>
      )}
      {account.capped !== null && (
        <p className="small" data-testid="account-capped">
          Past its cap of {account.capped.capPercent} % of the{' '}
          {account.capped.window === 'short' ? '5-hour' : 'weekly'} window: no requests
          {account.capped.until !== null
            ? ` until it resets ${formatCountdown(account.capped.until, now)}`
            : ''}
          .
        </p>
      )}
      {account.lastError && (
        <p className="last-error small" data-testid="account-last-error">
          <strong>Last error:</strong> {account.lastError}
        </p>
      )}

      <div className="quota-grid">
        <QuotaBar window={quota.primary} fallbackName="5-hour" now={now} />
        <QuotaBar window={quota.secondary} fallbackName="Weekly" now={now} />
      </div>
      <p className={`quota-age small ${stale ? 'stale' : 'muted'}`} data-testid="quota-age">
        {quota.recordedAt === null
          ? 'No quota data yet — refresh to fetch it.'
          : `Quota updated ${formatAge(quota.recordedAt, now)}${stale ? ' — may be out of date' : ''}`}
      </p>

      {account.resetCredits !== null && (
        <p className="small muted" data-testid="reset-credits">
          Reset credits: {account.resetCredits === 0 ? 'none' : `${account.resetCredits} available`}
        </p>
      )}

      {quota.additional.length > 0 && (
        <section className="additional" aria-label="Additional limits">
          {quota.additional.map((extra) => (
            <div key={extra.family} className="additional-family" data-testid="additional-limit">
              <p className="small">
                <strong>{extra.label ?? extra.family}</strong>{' '}
                <span className="muted">· updated {formatAge(extra.recordedAt, now)}</span>
              </p>
              <div className="quota-grid">
                <QuotaBar
                  window={extra.primary}
                  fallbackName="5-hour"
                  now={now}
                  scope={extra.label ?? extra.family}
                />
                <QuotaBar
                  window={extra.secondary}
                  fallbackName="Weekly"
                  now={now}
                  scope={extra.label ?? extra.family}
                />
              </div>
            </div>
          ))}
        </section>
      )}

      <AccountHistory account={account} name={name} />

      <AccountLimits
        account={account}
        busy={busy !== null}
        onSave={(change) => act('Set limits of', () => api.updateAccount(account.id, change))}
      />

      <div className="account-actions">
        <label className="inline-field" htmlFor={policyId}>
          Policy
          <select
            id={policyId}
            value={account.routingPolicy}
            disabled={busy !== null}
            onChange={(e) =>
              void act('Set routing of', () =>
                api.updateAccount(account.id, { routingPolicy: e.target.value as RoutingPolicy }),
              )
            }
          >
            {ROUTING_POLICIES.map((p) => (
              <option key={p} value={p}>
                {POLICY_NAMES[p]}
              </option>
            ))}
          </select>
        </label>
        <div className="button-row">
          <button
            type="button"
            disabled={busy !== null}
            onClick={() =>
              void (paused
                ? act('Resume', () => api.resumeAccount(account.id))
                : act('Pause', () => api.pauseAccount(account.id)))
            }
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            disabled={busy !== null}
            aria-busy={busy === 'Refresh'}
            onClick={() => void act('Refresh', () => api.refreshAccount(account.id))}
          >
            {busy === 'Refresh' ? 'Refreshing…' : 'Refresh'}
          </button>
          <details className="menu">
            <summary className="button">Export</summary>
            <div className="menu-panel">
              <a href={api.exportUrl(account.id, 'codex')} download="auth.json">
                Codex CLI auth.json
              </a>
              <a href={api.exportUrl(account.id, 'opencode')} download="opencode-auth.json">
                OpenCode auth.json
              </a>
              <p className="small muted">Contains this login’s tokens: keep the file private.</p>
            </div>
          </details>
          <button
            type="button"
            className="danger-outline"
            disabled={busy !== null}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </div>
      </div>

      <ConfirmDialog
        open={confirming}
        title="Delete this account?"
        confirmLabel="Delete account"
        busy={busy === 'Delete'}
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          <strong>{name}</strong> leaves the pool and its stored login is erased. Requests stop going to it at
          once. You can add it again later with a new sign-in.
        </p>
      </ConfirmDialog>
    </li>
  );
}
