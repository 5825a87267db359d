import type { RestorePlan } from '../../../../shared/api';
import { planName } from '../../lib/format';

const show = (value: unknown): string => (value === null ? 'none' : String(value));

/** What a restore will do: accounts new and updated, settings that change, keys, registry and history. */
export function RestorePlanView({ plan }: { plan: RestorePlan }) {
  return (
    <>
      <p>
        Backup made {new Date(plan.createdAt).toLocaleString()} by {plan.app}.{' '}
        <strong data-testid="restore-summary">
          {plan.created} new account{plan.created === 1 ? '' : 's'}, {plan.updated} updated
        </strong>
        .
      </p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Plan</th>
              <th scope="col">What happens</th>
            </tr>
          </thead>
          <tbody>
            {plan.accounts.map((a) => (
              <tr key={a.backupId} data-testid="restore-account">
                <td>
                  {a.email ?? a.backupId}
                  {a.label ? ` (${a.label})` : ''}
                </td>
                <td>{planName(a.planType)}</td>
                <td>
                  {a.action === 'create'
                    ? 'Added'
                    : a.tokens === 'kept'
                      ? 'Updated; keeps the login here (it is newer)'
                      : 'Updated'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.settings.length === 0 ? (
        <p className="small">Settings: the same as here.</p>
      ) : (
        <ul className="small" aria-label="Settings that change" data-testid="restore-settings">
          {plan.settings.map((c) => (
            <li key={c.key}>
              <code>{c.key}</code>: {show(c.current)} → {show(c.backup)}
            </li>
          ))}
        </ul>
      )}
      <p className="small">
        Proxy API keys: {plan.apiKeys.added} new, {plan.apiKeys.present} already here. Gated-model registry:{' '}
        {plan.registry.added} new, {plan.registry.changed} changed. Request history:{' '}
        {plan.requests === null ? 'not in this backup' : `${plan.requests} requests`}.
      </p>
      <p className="warning-box small" role="note">
        {plan.warning}
      </p>
    </>
  );
}
