import { useId, useState, type FormEvent } from 'react';
import type { AccountImportResult } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { accountName, accountsResource } from './accounts-data';

const MAX_FILE_BYTES = 256 * 1024;

/** What importing one of several chosen files came to. */
type FileOutcome = { name: string; result: AccountImportResult } | { name: string; error: string };

/**
 * Adds accounts from auth.json files (Codex CLI or OpenCode): one chosen or pasted, or several chosen at once,
 * each imported on its own with its own result.
 */
export function ImportAuthJson() {
  const [text, setText] = useState('');
  const [batch, setBatch] = useState<File[]>([]);
  const [outcomes, setOutcomes] = useState<FileOutcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [result, setResult] = useState<AccountImportResult | null>(null);
  const fileId = useId();
  const textId = useId();
  const hintId = useId();

  const pick = async (files: File[]): Promise<void> => {
    setOutcomes([]);
    setResult(null);
    if (files.length > 1) {
      setError(null);
      setText('');
      setBatch(files);
      return;
    }
    setBatch([]);
    const file = files[0];
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setError('That file is too large to be an auth.json.');
      return;
    }
    setError(null);
    setText(await file.text());
  };

  const importBatch = async (): Promise<void> => {
    const done: FileOutcome[] = [];
    for (const file of batch) {
      try {
        if (file.size > MAX_FILE_BYTES) throw new Error('too large to be an auth.json');
        done.push({ name: file.name, result: await api.importAccount(await file.text()) });
      } catch (err) {
        done.push({ name: file.name, error: (err as Error).message });
      }
      setOutcomes([...done]);
    }
    setBatch([]);
    void accountsResource.load();
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (batch.length > 0) {
      setBusy(true);
      setError(null);
      await importBatch();
      setBusy(false);
      return;
    }
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

  // Said once for a batch: every Codex CLI file carries the same warning.
  const batchWarning = outcomes.flatMap((o) =>
    'result' in o && o.result.warning ? [o.result.warning] : [],
  )[0];

  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <p id={hintId}>
        Import the <code>auth.json</code> of the Codex CLI (<code>~/.codex/auth.json</code>) or OpenCode. A
        browser sign-in is better: an imported Codex CLI login shares its refresh token with the CLI.
      </p>
      <div className="field">
        <label htmlFor={fileId}>Choose a file (or several)</label>
        <input
          id={fileId}
          type="file"
          multiple
          accept=".json,application/json"
          onChange={(e) => void pick([...(e.target.files ?? [])])}
        />
      </div>
      {batch.length > 0 && (
        <p className="small" data-testid="import-batch">
          {batch.length} files chosen: {batch.map((f) => f.name).join(', ')}.
        </p>
      )}
      <div className="field" hidden={batch.length > 0}>
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
        <button
          type="submit"
          className="primary"
          disabled={busy || (text.trim() === '' && batch.length === 0)}
        >
          {busy ? 'Importing…' : batch.length > 0 ? `Import ${batch.length} files` : 'Import'}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {outcomes.length > 0 && (
        <ul className="stack" aria-label="Import results" data-testid="import-results">
          {outcomes.map((o) => (
            <li
              key={o.name}
              className={'error' in o ? 'error-box' : 'success-box'}
              data-testid="import-result"
            >
              <strong>{o.name}</strong>:{' '}
              {'error' in o
                ? `not imported — ${o.error}`
                : `${o.result.created ? 'added' : 'updated'} ${accountName(o.result.account)}`}
            </li>
          ))}
        </ul>
      )}
      {batchWarning && (
        <p className="warning-box" role="alert">
          <strong>Heads up:</strong> {batchWarning}
        </p>
      )}
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
