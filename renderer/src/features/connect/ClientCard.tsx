import { useId, useState } from 'react';
import type { ConnectClientStatus, ConnectPreview, ConnectState } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { useUi } from '../../app/ui-store';
import { ErrorMessage } from '../../components/feedback';
import { formatAge } from '../../lib/format';
import { keysResource } from '../settings/settings-data';
import { CLIENT_NAMES, connectResource } from './connect-data';
import { DiffView } from './DiffView';

const STATE_BADGES: Record<ConnectState, { text: string; tone: string }> = {
  connected: { text: 'Connected', tone: 'ok' },
  not_connected: { text: 'Not connected', tone: 'neutral' },
  other_proxy: { text: 'Points elsewhere', tone: 'warning' },
  missing: { text: 'No config yet', tone: 'neutral' },
  invalid: { text: 'Config does not parse', tone: 'critical' },
};

/** One client: where it points, the diff before applying, Apply, Undo, and when it last sent a request. */
export function ClientCard({ status, now }: { status: ConnectClientStatus; now: number }) {
  const notify = useUi((s) => s.notify);
  const [profile, setProfile] = useState(status.profile);
  const [preview, setPreview] = useState<ConnectPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const profileId = useId();
  const name = CLIENT_NAMES[status.client];
  const badge = STATE_BADGES[status.state];

  const act = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
      void connectResource.load();
    }
  };
  const showPreview = () => act(async () => setPreview(await api.connectPreview(status.client, profile)));
  const apply = (shown: ConnectPreview) =>
    act(async () => {
      const result = await api.connectApply(status.client, profile, shown.baseHash);
      setPreview(null);
      void keysResource.load(); // Apply may have made a proxy key for the client
      notify('info', result.message);
    });
  const undo = () =>
    act(async () => {
      const result = await api.connectUndo(status.client, status.profile);
      setPreview(null);
      notify('info', result.message);
    });

  return (
    <section
      className="card connect-card"
      aria-labelledby={`connect-${status.client}`}
      data-testid={`connect-${status.client}`}
    >
      <div className="account-head">
        <h3 id={`connect-${status.client}`}>{name}</h3>
        <span className={`badge badge-${badge.tone}`} data-testid="connect-state">
          {badge.text}
        </span>
      </div>
      <p>{status.detail}</p>
      <p className="small muted">
        <span className="mono">{status.configPath}</span>
        {' · '}
        <span data-testid="connect-last-request">
          {status.lastRequestAt === null
            ? 'no request from it since Codex Pool started'
            : `last request ${formatAge(status.lastRequestAt, now)}`}
        </span>
      </p>
      {status.client === 'codex' && (
        <label className="toggle small" htmlFor={profileId}>
          <input
            id={profileId}
            type="checkbox"
            checked={profile}
            onChange={(e) => {
              setProfile(e.target.checked);
              setPreview(null);
            }}
          />
          As a profile only (<code>codex --profile codex-pool</code>), leaving the default as it is
        </label>
      )}
      <div className="button-row">
        <button
          type="button"
          onClick={() => void showPreview()}
          disabled={busy || status.state === 'invalid'}
        >
          Preview change
        </button>
        {status.canUndo && (
          <button type="button" className="danger-outline" onClick={() => void undo()} disabled={busy}>
            Undo
          </button>
        )}
      </div>
      {error && <ErrorMessage error={error} />}
      {preview && (
        <div className="connect-preview" data-testid="connect-preview">
          {preview.notes.map((note) => (
            <p key={note} className="warning-box small">
              {note}
            </p>
          ))}
          {preview.changes ? (
            <>
              <p className="small">
                Apply writes <span className="mono">{preview.configPath}</span>, keeping a backup beside it:
              </p>
              <DiffView diff={preview.diff} />
              <div className="button-row">
                <button type="button" className="primary" onClick={() => void apply(preview)} disabled={busy}>
                  Apply
                </button>
                <button type="button" onClick={() => setPreview(null)} disabled={busy}>
                  Cancel
                </button>
              </div>
            </>
          ) : (
            <p className="success-box small">Already connected: nothing to change.</p>
          )}
        </div>
      )}
    </section>
  );
}
