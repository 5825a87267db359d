import { useId, useState, type FormEvent } from 'react';
import type { AccountImportResult } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { accountName, accountsResource } from './accounts-data';

const MAX_FILE_BYTES = 256 * 1024;

/** Adds an account from an auth.json (Codex CLI or OpenCode), chosen as a file or pasted. */
export function ImportAuthJson() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [result, setResult] = useState<AccountImportResult | null>(null);
  const fileId = useId();
  const textId = useId();
  const hintId = useId();

  const pick = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setError('That file is too large to be an auth.json.');
      return;
    }
    setError(null);
    setText(await file.text());
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const imported = await api.importAccount(text);
      setResult(imported);
      setText('');
      void accountsResource.load();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <p id={hintId}>
        Import the <code>auth.json</code> of the Codex CLI (<code>~/.codex/auth.json</code>) or OpenCode. A
        browser sign-in is better: an imported Codex CLI login shares its refresh token with the CLI.
      </p>
      <div className="field">
        <label htmlFor={fileId}>Choose a file</label>
        <input
          id={fileId}
          type="file"
          accept=".json,application/json"
          onChange={(e) => void pick(e.target.files?.[0])}
        />
      </div>
      <div className="field">
        <label htmlFor={textId}>…or paste its content</label>
        <textarea
          id={textId}
          className="mono"
          rows={7}
          spellCheck={false}
          value={text}
          aria-describedby={hintId}
          placeholder='{ "auth_mode": "chatgpt", "tokens": { … } }'
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy || text.trim() === ''}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {result && (
        <div className="stack">
          <p className="success-box" role="status" data-testid="import-success">
            {result.created ? 'Added' : 'Updated'} {accountName(result.account)} (
            {result.format === 'codex' ? 'Codex CLI' : 'OpenCode'} file).
          </p>
          {result.warning && (
            <p className="warning-box" role="alert" data-testid="import-warning">
              <strong>Heads up:</strong> {result.warning}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
