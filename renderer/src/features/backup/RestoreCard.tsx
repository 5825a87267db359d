import { useId, useState, type FormEvent } from 'react';
import type { RestorePlan } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { accountsResource } from '../accounts/accounts-data';
import { keysResource, settingsResource } from '../settings/settings-data';
import { RestorePlanView } from './RestorePlanView';

/** Reads a backup file, shows what restoring it would change here, and applies it on confirmation. */
export function RestoreCard() {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [plan, setPlan] = useState<RestorePlan | null>(null);
  const [done, setDone] = useState<RestorePlan | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fileId = useId();
  const passId = useId();

  const pick = async (picked: File | undefined): Promise<void> => {
    setPlan(null);
    setDone(null);
    setError(null);
    setFile(picked ? { name: picked.name, text: await picked.text() } : null);
  };

  const run = async (apply: boolean): Promise<void> => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      // Applying sends the previewed plan's digest: if the pool changed meanwhile, the server refuses.
      const result = await api.restoreBackup({
        backup: file.text,
        passphrase,
        apply,
        ...(apply && plan ? { expectDigest: plan.digest } : {}),
      });
      if (apply) {
        setDone(result.plan);
        setPlan(null);
        setPassphrase('');
        void accountsResource.load();
        void settingsResource.load();
        void keysResource.load();
      } else setPlan(result.plan);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const preview = (e: FormEvent): void => {
    e.preventDefault();
    void run(false);
  };

  return (
    <form className="card stack" aria-labelledby="restore-heading" onSubmit={preview}>
      <h3 id="restore-heading">Restore from a backup</h3>
      <p className="small">
        Accounts already here are updated, never duplicated (matched by workspace and user, like a re-import);
        nothing changes until you confirm, and then everything is restored at once or not at all.
      </p>
      <div className="field">
        <label htmlFor={fileId}>Backup file</label>
        <input id={fileId} type="file" accept=".backup" onChange={(e) => void pick(e.target.files?.[0])} />
      </div>
      <div className="field">
        <label htmlFor={passId}>Its passphrase</label>
        <input
          id={passId}
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </div>
      <div className="button-row">
        <button type="submit" disabled={busy || !file || passphrase === ''}>
          {busy && !plan ? 'Decrypting…' : 'Preview restore'}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {plan && (
        <div className="stack" data-testid="restore-plan">
          <RestorePlanView plan={plan} />
          <div className="button-row">
            <button type="button" className="primary" disabled={busy} onClick={() => void run(true)}>
              {busy ? 'Restoring…' : 'Restore now'}
            </button>
            <button type="button" disabled={busy} onClick={() => setPlan(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {done && (
        <p className="success-box" role="status" data-testid="restore-done">
          Restored: {done.created} account{done.created === 1 ? '' : 's'} added, {done.updated} updated. They
          are in use now.
        </p>
      )}
    </form>
  );
}
