import { useId, useState, type FormEvent } from 'react';
import type { ApiKeyDto } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/resource';
import { useUi } from '../../app/ui-store';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage, Loading } from '../../components/feedback';
import { formatAge } from '../../lib/format';
import { useServerNow } from '../../lib/server-clock';
import { keysResource } from './settings-data';

/** Proxy API keys: list, create (the secret is shown once), revoke. */
export function ApiKeys({ requireApiKey }: { requireApiKey: boolean }) {
  const { data: keys, error, loading } = useResource(keysResource);
  const notify = useUi((s) => s.notify);
  const now = useServerNow(15_000);
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyDto | null>(null);
  const nameId = useId();

  const create = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setCreating(true);
    try {
      const created = await api.createKey(name.trim());
      setSecret({ name: created.apiKey.name, key: created.key });
      setName('');
      void keysResource.load();
    } catch (err) {
      notify('error', `The key was not created: ${(err as ApiError).message}`);
    } finally {
      setCreating(false);
    }
  };

  const revoke = async (key: ApiKeyDto): Promise<void> => {
    try {
      await api.revokeKey(key.id);
      notify('info', `Revoked the key “${key.name}”.`);
      void keysResource.load();
    } catch (err) {
      notify('error', `The key was not revoked: ${(err as ApiError).message}`);
    }
    setRevoking(null);
  };

  const live = keys?.filter((k) => k.revokedAt === null) ?? [];
  return (
    <section className="card" aria-labelledby="keys-heading">
      <h3 id="keys-heading">Proxy API keys</h3>
      <p className="small muted">
        Clients send a key as <code>Authorization: Bearer cp-…</code>. Keys are needed when Codex Pool listens
        beyond this machine, or when “Require an API key” is on.
      </p>
      {requireApiKey && keys && live.length === 0 && (
        <p className="warning-box small" role="alert">
          API keys are required but none exists: clients are refused until you create one.
        </p>
      )}
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label htmlFor={nameId}>New key name</label>
        <input
          id={nameId}
          value={name}
          maxLength={100}
          placeholder="e.g. laptop Codex CLI"
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={creating || name.trim() === ''}>
          Create key
        </button>
      </form>
      {secret && (
        <div className="secret-box" role="status" data-testid="new-key-secret">
          <p>
            <strong>Copy the key “{secret.name}” now</strong> — it is stored hashed and will not be shown
            again.
          </p>
          <div className="inline-form">
            <input className="mono wide" readOnly value={secret.key} aria-label="New API key" />
            <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.key)}>
              Copy
            </button>
            <button type="button" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {error && <ErrorMessage error={error} onRetry={() => void keysResource.load()} />}
      {!keys && loading && <Loading label="Loading keys…" />}
      {keys && keys.length === 0 && <p className="muted">No keys yet.</p>}
      {keys && keys.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} className={key.revokedAt !== null ? 'revoked' : ''}>
                <td>{key.name}</td>
                <td className="mono">{key.prefix}…</td>
                <td>{formatAge(key.createdAt, now)}</td>
                <td>{key.lastUsedAt === null ? 'never' : formatAge(key.lastUsedAt, now)}</td>
                <td>
                  {key.revokedAt !== null ? (
                    <span className="badge badge-neutral">Revoked</span>
                  ) : (
                    <button type="button" className="danger-outline" onClick={() => setRevoking(key)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(null)}
      >
        <p>Clients using “{revoking?.name}” are refused from their next request.</p>
      </ConfirmDialog>
    </section>
  );
}
