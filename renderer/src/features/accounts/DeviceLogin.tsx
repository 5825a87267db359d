import { api } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { useServerNow } from '../../lib/server-clock';
import { formatCountdown } from '../../lib/format';
import { LoginFooter } from './LoginOutcome';
import { useLoginFlow } from './use-login-status';

/** Adds an account with a device code, for when the browser is on another machine. */
export function DeviceLogin() {
  const {
    started,
    starting,
    startError: error,
    status,
    statusError,
    finished,
    start,
    cancel,
  } = useLoginFlow(api.startDeviceLogin);
  const now = useServerNow();
  return (
    <div className="stack">
      <p>
        No browser on this machine? Get a code, then enter it on any device where you can sign in to ChatGPT.
      </p>
      {(!started || finished) && (
        <div className="button-row">
          <button type="button" className="primary" disabled={starting} onClick={() => void start()}>
            {starting ? 'Getting a code…' : 'Get a device code'}
          </button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
      {started && !finished && (
        <div className="stack">
          <p>
            Go to{' '}
            <a href={started.verificationUrl} target="_blank" rel="noopener noreferrer">
              {started.verificationUrl}
            </a>{' '}
            and enter:
          </p>
          <p className="device-code mono" data-testid="device-code">
            {started.userCode}
          </p>
          <p className="small muted">The code expires {formatCountdown(started.expiresAt, now)}.</p>
        </div>
      )}
      {started && <LoginFooter status={status} error={statusError} finished={finished} onCancel={cancel} />}
    </div>
  );
}
