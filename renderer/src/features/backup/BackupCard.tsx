import { useId, useState, type FormEvent } from 'react';
import { BACKUP_SINGLE_USE_WARNING, type BackupFile } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { saveTextFile } from '../../lib/save-file';
import { accountsResource } from '../accounts/accounts-data';

/** The shortest passphrase the core accepts (it says so too; checked here to answer before a round trip). */
const MIN_PASSPHRASE = 8;

/** Downloads an encrypted backup, then offers to pause every account here. */
export function BackupCard() {
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [includeHistory, setIncludeHistory] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<BackupFile | null>(null);
  const [paused, setPaused] = useState<number | null>(null);
  const passId = useId();
  const repeatId = useId();
  const hintId = useId();

  const mismatch = repeat !== '' && repeat !== passphrase;
  const ready = [...passphrase].length >= MIN_PASSPHRASE && repeat === passphrase;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    setPaused(null);
    try {
      const file = await api.createBackup({ passphrase, includeHistory });
      saveTextFile(file.fileName, file.backup);
      setSaved(file);
      setPassphrase('');
      setRepeat('');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const pauseAll = async (): Promise<void> => {
    setError(null);
    try {
      setPaused((await api.pauseAll()).paused);
      void accountsResource.load();
    } catch (err) {
      setError(err as ApiError);
    }
  };

  return (
    <form className="card stack" aria-labelledby="backup-create-heading" onSubmit={(e) => void submit(e)}>
      <h3 id="backup-create-heading">Back up this pool</h3>
      <p className="small" id={hintId}>
        One file with every account (its login, plan, label and policy), the routing settings, proxy API keys
        (stored hashed) and the gated-model registry, encrypted with a passphrase you choose. The passphrase
        is stored nowhere: without it nobody — you included — can open the file.
      </p>
      <p className="warning-box small" role="note" data-testid="single-use-warning">
        <strong>Refresh tokens are single-use.</strong>{' '}
        {BACKUP_SINGLE_USE_WARNING.replace(/^Refresh tokens are single-use: /, '')}
      </p>
      <div className="field">
        <label htmlFor={passId}>Passphrase</label>
        <input
          id={passId}
          type="password"
          autoComplete="new-password"
          aria-describedby={hintId}
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
        <span className="small muted">At least {MIN_PASSPHRASE} characters; a few words is best.</span>
      </div>
      <div className="field">
        <label htmlFor={repeatId}>Repeat the passphrase</label>
        <input
          id={repeatId}
          type="password"
          autoComplete="new-password"
          aria-invalid={mismatch}
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
        {mismatch && (
          <span className="small" role="alert">
            The two passphrases differ.
          </span>
        )}
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          checked={includeHistory}
          onChange={(e) => setIncludeHistory(e.target.checked)}
        />
        <span>Include the request history (a larger file)</span>
      </label>
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy || !ready}>
          {busy ? 'Encrypting…' : 'Download backup'}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {saved && (
        <div className="stack">
          <p className="success-box" role="status" data-testid="backup-saved">
            Saved {saved.fileName}: {saved.accounts} account{saved.accounts === 1 ? '' : 's'}
            {saved.requests !== null ? ` and ${saved.requests} logged requests` : ''}.
          </p>
          {paused === null ? (
            <div className="warning-box small">
              <p>Moving the pool? Once it is restored on the other machine, stop using it here.</p>
              <button type="button" onClick={() => void pauseAll()}>
                Pause every account here
              </button>
            </div>
          ) : (
            <p className="success-box" role="status" data-testid="paused-all">
              Paused {paused} account{paused === 1 ? '' : 's'} here. Resume them on the Accounts tab to use
              them here again.
            </p>
          )}
        </div>
      )}
    </form>
  );
}
