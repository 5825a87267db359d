import { useEffect } from 'react';
import { useResource } from '../api/resource';
import { ErrorMessage, Loading } from '../components/feedback';
import { AccountsView } from '../features/accounts/AccountsView';
import { accountsResource } from '../features/accounts/accounts-data';
import { PoolView } from '../features/pool/PoolView';
import { RequestsView } from '../features/requests/RequestsView';
import { RoutingView } from '../features/settings/RoutingView';
import { BackupView } from '../features/backup/BackupView';
import { ConnectView } from '../features/connect/ConnectView';
import { InsightView } from '../features/insight/InsightView';
import { FirstRun } from '../features/connect/FirstRun';
import { healthResource } from './health-data';
import { HealthBanners } from './HealthBanners';
import { startLiveUpdates } from './live-updates';
import { Notices } from './Notices';
import { SignedOut } from './SignedOut';
import { SignOutButton } from './SignOutButton';
import { Tabs } from './Tabs';
import { useUi, type Tab } from './ui-store';
import { ThemeSwitch } from '../components/ThemeSwitch';

const STREAM_LABELS = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline — retrying',
} as const;

const VIEWS: Record<Tab, () => React.JSX.Element> = {
  accounts: AccountsView,
  pool: PoolView,
  routing: RoutingView,
  requests: RequestsView,
  insight: InsightView,
  backup: BackupView,
  connect: ConnectView,
};

/** The unmistakable label of a demo server: simulated accounts, no real ChatGPT traffic. */
function DemoBanner() {
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <strong>DEMO — simulated accounts.</strong> Nothing here talks to ChatGPT; quotas and replies come from
      the built-in simulator.
    </div>
  );
}

function Dashboard() {
  const tab = useUi((s) => s.tab);
  const stream = useUi((s) => s.stream);
  const { data: health } = useResource(healthResource);
  const View = VIEWS[tab];
  return (
    <>
      <header className="topbar">
        <h1>Codex Pool{health && <span className="version">v{health.version}</span>}</h1>
        <span className={`stream stream-${stream}`} role="status" data-testid="stream-state">
          <span className="dot" aria-hidden="true" />
          {STREAM_LABELS[stream]}
        </span>
        <ThemeSwitch />
        <SignOutButton />
      </header>
      <Tabs />
      <FirstRun />
      <main id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} className="content">
        <View />
      </main>
      <Notices />
    </>
  );
}

/** The dashboard: the signed-out page, or the tabs once the first authorised call succeeded. */
export function App() {
  const signedOut = useUi((s) => s.signedOut);
  const { data: health } = useResource(healthResource);
  const accounts = useResource(accountsResource);
  const ready = accounts.data !== undefined;

  useEffect(() => {
    if (!ready || signedOut) return;
    return startLiveUpdates();
  }, [ready, signedOut]);

  let body;
  if (signedOut) body = <SignedOut />;
  else if (ready) body = <Dashboard />;
  else if (accounts.error) {
    body = (
      <main className="content">
        <ErrorMessage error={accounts.error} onRetry={() => void accountsResource.load()} />
      </main>
    );
  } else {
    body = (
      <main className="content">
        <Loading label="Connecting to Codex Pool…" />
      </main>
    );
  }
  return (
    <div className="app">
      {health?.demo && <DemoBanner />}
      <HealthBanners />
      {body}
    </div>
  );
}
