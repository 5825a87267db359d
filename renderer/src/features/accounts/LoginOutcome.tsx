import type { OAuthStatus } from '../../../../shared/api';
import type { ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { accountName } from './accounts-data';

/** The end of both login dialogs: the outcome, and a way to give up while it is still pending. */
export function LoginFooter({
  status,
  error,
  finished,
  onCancel,
}: {
  status: OAuthStatus | null;
  error: ApiError | null;
  finished: boolean;
  onCancel(): void;
}) {
  return (
    <>
      <LoginOutcome status={status} error={error} />
      {!finished && (
        <div className="button-row">
          <button type="button" onClick={onCancel}>
            Cancel sign-in
          </button>
        </div>
      )}
    </>
  );
}

/** Where a login stands, in words: waiting, added/updated, or why it failed. */
export function LoginOutcome({ status, error }: { status: OAuthStatus | null; error: ApiError | null }) {
  if (error) return <ErrorMessage error={error} />;
  if (!status || status.state === 'pending') {
    return (
      <p className="loading" role="status" data-testid="login-progress">
        <span className="spinner" aria-hidden="true" />
        Waiting for you to finish signing in…
      </p>
    );
  }
  if (status.state === 'error') {
    return <ErrorMessage error={`Sign-in failed: ${status.message ?? 'no reason given.'}`} />;
  }
  return (
    <p className="success-box" role="status" data-testid="login-success">
      {status.account
        ? `${status.created === false ? 'Updated' : 'Added'} ${accountName(status.account)}.`
        : 'Signed in.'}
    </p>
  );
}
