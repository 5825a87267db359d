import { useResource } from '../../api/resource';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorMessage, Loading } from '../../components/feedback';
import { useServerNow } from '../../lib/server-clock';
import { accountsResource } from './accounts-data';
import { AccountCard } from './AccountCard';
import { AddAccountDialog } from './AddAccountDialog';

/** The accounts tab: every account with its status and quotas, and the way to add more. */
export function AccountsView() {
  const { data, error, loading } = useResource(accountsResource);
  const openAdd = useUi((s) => s.setAddAccountOpen);
  const now = useServerNow();
  const accounts = data?.accounts;
  const available = accounts?.filter((a) => a.status === 'active').length ?? 0;

  return (
    <section aria-labelledby="accounts-heading" className="view">
      <div className="view-head">
        <div>
          <h2 id="accounts-heading">Accounts</h2>
          {accounts && accounts.length > 0 && (
            <p className="muted small">
              {accounts.length} account{accounts.length === 1 ? '' : 's'}, {available} active
            </p>
          )}
        </div>
        <button type="button" className="primary" onClick={() => openAdd(true)}>
          Add account
        </button>
      </div>
      {error && <ErrorMessage error={error} onRetry={() => void accountsResource.load()} />}
      {!accounts && loading && <Loading label="Loading accounts…" />}
      {accounts && accounts.length === 0 && (
        <EmptyState title="No accounts yet — add one">
          <p>
            Sign in with a ChatGPT account (Plus, Pro, Team…) or import an <code>auth.json</code>. Every
            account you add joins the pool.
          </p>
          <button type="button" className="primary" onClick={() => openAdd(true)}>
            Add your first account
          </button>
        </EmptyState>
      )}
      {accounts && accounts.length > 0 && (
        <ul className="account-list" aria-label="Accounts">
          {accounts.map((account) => (
            <AccountCard key={account.id} account={account} now={now} />
          ))}
        </ul>
      )}
      <AddAccountDialog />
    </section>
  );
}
