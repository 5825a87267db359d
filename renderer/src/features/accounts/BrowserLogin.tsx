import { api } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { LoginFooter } from './LoginOutcome';
import { useLoginFlow } from './use-login-status';

/** Adds an account by signing in to ChatGPT in a browser (OAuth PKCE). */
export function BrowserLogin() {
  const {
    started,
    starting,
    startError: error,
    status,
    statusError,
    finished,
    start,
    cancel,
  } = useLoginFlow(api.startBrowserLogin);
  return (
    <div className="stack">
      <p>
        Sign in with the ChatGPT account you want to add. Use a private window to add an account other than
        the one your browser is signed in to.
      </p>
      {(!started || finished) && (
        <div className="button-row">
          <button type="button" className="primary" disabled={starting} onClick={() => void start()}>
            {started ? 'Sign in another account' : starting ? 'Starting…' : 'Start browser sign-in'}
          </button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
      {started && !finished && (
        <div className="stack">
          <p>
            {started.opened ? 'Your browser opened the sign-in page. ' : ''}
            Open this link to sign in; this dialog updates by itself when you are done:
          </p>
          <p>
            <a
              className="button primary"
              href={started.authorizeUrl}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="authorize-link"
            >
              Open the ChatGPT sign-in page
            </a>
          </p>
          <details>
            <summary>Copy the link instead</summary>
            <input className="mono wide" readOnly value={started.authorizeUrl} aria-label="Sign-in link" />
          </details>
        </div>
      )}
      {started && <LoginFooter status={status} error={statusError} finished={finished} onCancel={cancel} />}
    </div>
  );
}
