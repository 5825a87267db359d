import type { PoolWindow } from '../../../../shared/api';
import { useResource } from '../../api/resource';
import { Meter } from '../../components/Meter';
import { EmptyState, ErrorMessage, Loading } from '../../components/feedback';
import { useServerNow } from '../../lib/server-clock';
import { formatAge, formatClock, formatCountdown, formatPercent } from '../../lib/format';
import { poolResource } from './pool-data';
import { PoolHistory } from '../history/PoolHistory';

const WINDOW_NAMES = { short: '5-hour window', long: 'Weekly window' } as const;

/** The forecast in one sentence. */
function forecast(w: PoolWindow, now: number): string {
  if (w.runsOutAt === null) return 'Not at the current rate.';
  const at = `${formatClock(w.runsOutAt, now)} (${formatCountdown(w.runsOutAt, now)})`;
  if (w.resetFirst && w.nextResetAt !== null) return `Runs out at ${at}, but a reset comes first.`;
  return `Runs out at ${at}.`;
}

function PoolWindowCard({ window: w, now }: { window: PoolWindow; now: number }) {
  const name = WINDOW_NAMES[w.window];
  return (
    <article
      className="card pool-window"
      aria-labelledby={`pool-${w.window}`}
      data-testid={`pool-${w.window}`}
    >
      <h3 id={`pool-${w.window}`}>{name}</h3>
      {w.headroomPercent === null ? (
        <p className="muted">No quota data for this window yet.</p>
      ) : (
        <>
          <p className="big-number">
            {formatPercent(w.headroomPercent)} <span className="muted small">headroom left</span>
          </p>
          <Meter value={w.headroomPercent} label={`${name} headroom left`} kind="remaining" />
        </>
      )}
      <dl className="facts">
        <dt>Accounts counted</dt>
        <dd>{w.accounts}</dd>
        <dt>Next reset</dt>
        <dd>
          {w.nextResetAt === null
            ? '—'
            : `${formatClock(w.nextResetAt, now)} (${formatCountdown(w.nextResetAt, now)})`}
        </dd>
        <dt>Burn rate</dt>
        <dd>
          {w.burnPercentPerHour < 0.05 ? 'idle' : `${w.burnPercentPerHour.toFixed(1)}% of the pool per hour`}
        </dd>
        <dt>Runs out?</dt>
        <dd data-testid={`forecast-${w.window}`}>{forecast(w, now)}</dd>
      </dl>
    </article>
  );
}

/** The pool tab: headroom per window, next reset, and when the pool runs out at the current rate. */
export function PoolView() {
  const { data, error, loading } = useResource(poolResource);
  const now = useServerNow();
  return (
    <section aria-labelledby="pool-heading" className="view">
      <div className="view-head">
        <div>
          <h2 id="pool-heading">Pool</h2>
          {data && (
            <p className="muted small">
              {data.accounts.available} of {data.accounts.total} accounts available now
              {data.accounts.routable < data.accounts.total &&
                ` · ${data.accounts.total - data.accounts.routable} paused or signed out`}
              {data.accounts.withoutData > 0 && ` · ${data.accounts.withoutData} without quota data`}
              {data.oldestSampleAt !== null &&
                ` · oldest quota sample ${formatAge(data.oldestSampleAt, now)}`}
            </p>
          )}
        </div>
        <button type="button" onClick={() => void poolResource.load()} disabled={loading}>
          Reload
        </button>
      </div>
      {error && <ErrorMessage error={error} onRetry={() => void poolResource.load()} />}
      {!data && loading && <Loading label="Loading the pool…" />}
      {data && data.accounts.total === 0 && (
        <EmptyState title="The pool is empty">
          <p>Add an account on the Accounts tab to see the pool’s headroom and forecast.</p>
        </EmptyState>
      )}
      {data && data.accounts.total > 0 && (
        <div className="pool-grid">
          <PoolWindowCard window={data.short} now={now} />
          <PoolWindowCard window={data.long} now={now} />
        </div>
      )}
      {data && data.accounts.total > 0 && <PoolHistory />}
    </section>
  );
}
