import { useState } from 'react';
import { api, type ApiError } from '../api/client';
import { accountsResource } from '../features/accounts/accounts-data';
import { useUi } from './ui-store';

/** Ends this browser's dashboard session on the server, then shows the signed-out page. */
export function SignOutButton() {
  const setSignedOut = useUi((s) => s.setSignedOut);
  const notify = useUi((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const signOut = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.logout();
      accountsResource.reset();
      setSignedOut();
    } catch (err) {
      notify('error', `Could not sign out: ${(err as ApiError).message}`);
      setBusy(false);
    }
  };
  return (
    <button type="button" disabled={busy} onClick={() => void signOut()}>
      Sign out
    </button>
  );
}
