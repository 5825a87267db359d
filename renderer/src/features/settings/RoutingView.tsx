import { useId, useState, type ReactNode } from 'react';
import { ROUTING_STRATEGIES } from '../../../../shared/domain';
import type { SettingsPatch } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/resource';
import { useUi } from '../../app/ui-store';
import { healthResource } from '../../app/health-data';
import { ErrorMessage, Loading } from '../../components/feedback';
import { accountName, accountsResource } from '../accounts/accounts-data';
import { ApiKeys } from './ApiKeys';
import { settingsResource } from './settings-data';
import { STRATEGY_INFO } from './strategies';

/** The on/off settings, in the order they are shown. */
const PREFERENCES: ReadonlyArray<{
  key: 'stickySessions' | 'preferEarlierReset' | 'requireApiKey';
  title: string;
  help: ReactNode;
}> = [
  {
    key: 'stickySessions',
    title: 'Sticky sessions',
    help: 'Keep a conversation on the account that holds its prompt cache.',
  },
  {
    key: 'preferEarlierReset',
    title: 'Prefer earlier reset',
    help: 'Use accounts whose week resets soonest first, so no quota goes to waste.',
  },
  {
    key: 'requireApiKey',
    title: 'Require an API key',
    help: (
      <>
        Clients must send <code>Authorization: Bearer cp-…</code>, even from this machine.
      </>
    ),
  },
];

/**
 * The routing tab: strategy (one click, applies to the next request), preferences, pinned account, the desktop
 * app's optional notice, API keys.
 */
export function RoutingView() {
  const { data: settings, error, loading } = useResource(settingsResource);
  const { data: accountList } = useResource(accountsResource);
  // Bound to the network, keys are enforced by the server: the switch shows that and cannot be turned off.
  const keysEnforced = useResource(healthResource).data?.networkExposed === true;
  const notify = useUi((s) => s.notify);
  const [saving, setSaving] = useState(false);
  const pinId = useId();

  const save = async (change: SettingsPatch): Promise<void> => {
    // Optimistic: the control moves at once; the server's answer (or a reload on failure) settles it.
    settingsResource.update((s) => ({ ...s, ...change }));
    setSaving(true);
    try {
      const next = await api.updateSettings(change);
      settingsResource.update(() => next);
    } catch (err) {
      notify('error', `The setting was not saved: ${(err as ApiError).message}`);
      void settingsResource.load();
    } finally {
      setSaving(false);
    }
  };

  if (!settings) {
    return (
      <section className="view" aria-labelledby="routing-heading">
        <h2 id="routing-heading">Routing</h2>
        {error && <ErrorMessage error={error} onRetry={() => void settingsResource.load()} />}
        {loading && <Loading label="Loading settings…" />}
      </section>
    );
  }

  const accounts = accountList?.accounts ?? [];
  const pinned = accounts.find((a) => a.id === settings.pinnedAccountId);
  return (
    <section className="view" aria-labelledby="routing-heading">
      <div className="view-head">
        <div>
          <h2 id="routing-heading">Routing</h2>
          <p className="muted small" role="status" data-testid="settings-status">
            {saving ? 'Saving…' : 'Changes apply to the next request.'}
          </p>
        </div>
      </div>

      <fieldset className="card strategy-picker">
        <legend>Strategy</legend>
        <div className="strategy-grid">
          {ROUTING_STRATEGIES.map((strategy) => (
            <label
              key={strategy}
              className={`strategy-option ${settings.routingStrategy === strategy ? 'selected' : ''}`}
            >
              <input
                type="radio"
                name="routing-strategy"
                value={strategy}
                checked={settings.routingStrategy === strategy}
                onChange={() => void save({ routingStrategy: strategy })}
              />
              <span className="strategy-name">{STRATEGY_INFO[strategy].name}</span>
              <span className="strategy-picks small muted">{STRATEGY_INFO[strategy].picks}</span>
            </label>
          ))}
        </div>
        <div className="field pinned-field">
          <label htmlFor={pinId}>Pinned account (for Single account)</label>
          <select
            id={pinId}
            value={settings.pinnedAccountId ?? ''}
            onChange={(e) => void save({ pinnedAccountId: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">— none —</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {accountName(a)}
              </option>
            ))}
          </select>
          {settings.routingStrategy === 'single_account' && !pinned && (
            <p className="warning-box small" role="alert">
              Single account needs a pinned account: until you pick one, requests cannot be routed.
            </p>
          )}
        </div>
      </fieldset>

      <fieldset className="card toggles">
        <legend>Preferences</legend>
        {PREFERENCES.map(({ key, title, help }) => (
          <label className="toggle" key={key}>
            <input
              type="checkbox"
              checked={settings[key]}
              disabled={key === 'requireApiKey' && keysEnforced}
              onChange={(e) => void save({ [key]: e.target.checked })}
            />
            <span>
              <strong>{title}</strong>
              <span className="small muted block">
                {key === 'requireApiKey' && keysEnforced
                  ? 'Always on: this server is reachable from the network, so every client needs a key.'
                  : help}
              </span>
            </span>
          </label>
        ))}
      </fieldset>

      <fieldset className="card toggles">
        <legend>Desktop notifications</legend>
        <label className="toggle">
          <input
            type="checkbox"
            checked={settings.notifyConversationMoved}
            onChange={(e) => void save({ notifyConversationMoved: e.target.checked })}
          />
          <span>
            <strong>Conversation moved</strong>
            <span className="small muted block">
              The desktop app tells you when a conversation moves to another account: its prompt cache starts
              over there.
            </span>
          </span>
        </label>
      </fieldset>

      <ApiKeys requireApiKey={settings.requireApiKey} />
    </section>
  );
}
