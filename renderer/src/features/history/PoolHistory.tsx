import { useId, useState } from 'react';
import { useServerNow } from '../../lib/server-clock';
import { HistoryPanel } from './HistoryPanel';
import { HISTORY_RANGES, poolHistoryResource, useHistory, type HistoryHours } from './history-data';
import { RangePicker } from './RangePicker';

const SERIES = [
  { key: 'primary', name: '5-hour' },
  { key: 'secondary', name: 'Weekly' },
] as const;

/** The pool's capacity-weighted 5-hour and weekly use over 24 h, 7 d or 30 d. */
export function PoolHistory() {
  const [hours, setHours] = useState<HistoryHours>(24);
  const resource = poolHistoryResource(hours);
  const { data, error, loading } = useHistory(resource);
  const now = useServerNow(15_000);
  const headingId = useId();
  const range = HISTORY_RANGES.find((r) => r.hours === hours)!;
  return (
    <section className="card history" aria-labelledby={headingId} data-testid="pool-history">
      <div className="history-head">
        <div>
          <h3 id={headingId}>Pool quota used over time</h3>
          <p className="muted small">
            Capacity-weighted across the accounts in the pool now, {range.long}
            {data ? ` · ${data.accounts} ${data.accounts === 1 ? 'account' : 'accounts'} with data` : ''}
          </p>
        </div>
        <RangePicker value={hours} onChange={setHours} label="Pool history range" />
      </div>
      <HistoryPanel
        data={data}
        error={error}
        loading={loading}
        onRetry={() => void resource.load()}
        series={SERIES}
        title={`Pool quota used, ${range.long}`}
        now={now}
        height={220}
        testId="pool-history-chart"
      />
    </section>
  );
}
