import { useState } from 'react';
import { INSIGHT_RANGES, type InsightQuery, type InsightRange } from '../../../../shared/api';
import { useResource } from '../../api/resource';
import { accountName, accountsResource } from '../accounts/accounts-data';
import { formatTimeOfDay } from '../../lib/format';
import { ConversationsSection } from './ConversationsSection';
import { CostSection } from './CostSection';
import { RequestLog } from './RequestLog';
import { UsageSection } from './UsageSection';
import { localOffsetHours } from './insight-data';
import './insight.css';

const RANGE_LABELS: Record<InsightRange, string> = { '24h': '24 h', '7d': '7 d', '30d': '30 d' };

/**
 * The Insight tab (issue 9): where the quota went (tokens over time), what it was worth (estimated API cost),
 * what hops between accounts cost the prompt cache, and the searchable request log.
 */
export function InsightView() {
  const [range, setRange] = useState<InsightRange>('24h');
  const [groupBy, setGroupBy] = useState<InsightQuery['groupBy']>('total');
  const [asOf, setAsOf] = useState(() => Date.now());
  const { data: accountList } = useResource(accountsResource);
  const accounts = accountList?.accounts ?? [];
  const names = new Map(accounts.map((a) => [a.id, accountName(a)]));
  const name = (id: string): string => names.get(id) ?? id;
  const utcOffsetHours = localOffsetHours();
  const query: InsightQuery = { range, groupBy, utcOffsetHours };

  return (
    <section className="view" aria-labelledby="insight-heading">
      <div className="view-head">
        <div>
          <h2 id="insight-heading">Insight</h2>
          <p className="muted small" data-testid="insight-age">
            Data as of {formatTimeOfDay(asOf / 1000)};{' '}
            {utcOffsetHours === 0 && new Date().getTimezoneOffset() !== 0 ? 'UTC days' : 'local days'}.
          </p>
        </div>
        <div className="insight-controls">
          <fieldset className="segmented range-picker">
            <legend className="visually-hidden">Insight range</legend>
            {INSIGHT_RANGES.map((r) => (
              <label key={r} className={r === range ? 'selected' : undefined}>
                <input
                  type="radio"
                  name="insight-range"
                  value={r}
                  checked={r === range}
                  onChange={() => setRange(r)}
                />
                {RANGE_LABELS[r]}
              </label>
            ))}
          </fieldset>
          <label className="small">
            Split by{' '}
            <select
              value={groupBy}
              onChange={(e) => setGroupBy(e.target.value as InsightQuery['groupBy'])}
              data-testid="insight-group"
            >
              <option value="total">token kind</option>
              <option value="account">account</option>
              <option value="model">model</option>
            </select>
          </label>
          <button type="button" className="button" onClick={() => setAsOf(Date.now())}>
            Refresh
          </button>
        </div>
      </div>
      {/* Remounting on Refresh reloads every section. */}
      <div key={asOf} className="insight-sections">
        <UsageSection query={query} name={name} />
        <CostSection query={{ ...query, groupBy: 'total' }} name={name} />
        <ConversationsSection query={{ ...query, groupBy: 'total' }} name={name} />
        <RequestLog accounts={accounts} name={name} />
      </div>
    </section>
  );
}
