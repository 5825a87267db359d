import { useRef, useState } from 'react';
import { useResource } from '../../api/resource';
import { useUi } from '../../app/ui-store';
import { accountsResource } from '../accounts/accounts-data';
import { connectResource } from './connect-data';
import { TestRequest } from './TestRequest';

/**
 * The first-run walkthrough, shown when the dashboard opened on a pool with no accounts: add an account,
 * connect a client, send a test request. Each step ticks itself off from the server's data; the user can
 * close it at any time.
 */
export function FirstRun() {
  const { data: accounts } = useResource(accountsResource);
  const { data: connect } = useResource(connectResource);
  const setTab = useUi((s) => s.setTab);
  const openAdd = useUi((s) => s.setAddAccountOpen);
  const startedEmpty = useRef<boolean | null>(null);
  const [closed, setClosed] = useState(false);
  const [tested, setTested] = useState(false);
  if (accounts && startedEmpty.current === null) startedEmpty.current = accounts.accounts.length === 0;
  if (!startedEmpty.current || closed) return null;
  const hasAccount = (accounts?.accounts.length ?? 0) > 0;
  const connected = connect?.clients.some((c) => c.state === 'connected') ?? false;
  const step = (done: boolean, text: string) => (
    <span>
      <span aria-hidden="true">{done ? '✓ ' : '○ '}</span>
      {text}
      {done && <span className="visually-hidden"> (done)</span>}
    </span>
  );
  return (
    <section className="card first-run" aria-labelledby="first-run-heading" data-testid="first-run">
      <div className="account-head">
        <h2 id="first-run-heading">Get started</h2>
        <button type="button" onClick={() => setClosed(true)}>
          Close
        </button>
      </div>
      <ol className="stack">
        <li>
          {step(hasAccount, 'Add a ChatGPT account to the pool.')}{' '}
          {!hasAccount && (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setTab('accounts');
                openAdd(true);
              }}
            >
              Add account
            </button>
          )}
        </li>
        <li>
          {step(connected, 'Connect a coding agent (Codex CLI, OpenCode) to the pool.')}{' '}
          {!connected && (
            <button type="button" onClick={() => setTab('connect')}>
              Open Connect
            </button>
          )}
        </li>
        <li>
          {step(tested, 'Send a test request and see which account answers.')}
          {hasAccount && <TestRequest onAnswered={(r) => setTested(r.ok)} />}
        </li>
      </ol>
    </section>
  );
}
