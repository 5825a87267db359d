import type { InsightQuery, TokenTotals, UsageInsight } from '../../../../shared/api';
import { api } from '../../api/client';
import { ErrorMessage, Loading } from '../../components/feedback';
import { formatCount, formatLatency } from '../../lib/format';
import { BarChart, type BarBucket, type BarSeries } from './BarChart';
import { RANGE_NAMES, formatShare, useLoaded } from './insight-data';

/** Series drawn at most; the rest are summed as "Other". */
const MAX_SERIES = 6;

/** The chart's series and buckets: token kinds for the total, else tokens per account or model. */
function chartData(
  u: UsageInsight,
  name: (key: string) => string,
): { series: BarSeries[]; buckets: BarBucket[] } {
  const byT = new Map<number, BarBucket>();
  const bucket = (t: number): BarBucket => {
    let b = byT.get(t);
    if (!b) byT.set(t, (b = { t, values: {} }));
    return b;
  };
  if (u.series.length === 1 && u.series[0]!.key === '') {
    for (const p of u.series[0]!.points) {
      bucket(p.t).values = { fresh: p.input - p.cached, cached: p.cached, output: p.output };
    }
    return {
      series: [
        { key: 'fresh', name: 'Input (not cached)' },
        { key: 'cached', name: 'Cached input' },
        { key: 'output', name: 'Output' },
      ],
      buckets: [...byT.values()],
    };
  }
  const ranked = [...u.series].sort((a, b) => sum(b.points) - sum(a.points));
  const shown = ranked.slice(0, MAX_SERIES);
  const series: BarSeries[] = shown.map((s) => ({ key: s.key || '(none)', name: name(s.key) }));
  if (ranked.length > MAX_SERIES) series.push({ key: '(other)', name: 'Other' });
  ranked.forEach((s, i) => {
    const key = i < MAX_SERIES ? s.key || '(none)' : '(other)';
    for (const p of s.points) {
      const b = bucket(p.t);
      b.values[key] = (b.values[key] ?? 0) + p.input + p.output;
    }
  });
  return { series, buckets: [...byT.values()].sort((a, b) => a.t - b.t) };
}

const sum = (points: readonly TokenTotals[]): number => points.reduce((s, p) => s + p.input + p.output, 0);

function TotalsRow({ label, t }: { label: string; t: TokenTotals }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{formatCount(t.requests)}</td>
      <td>{formatShare(t.requests > 0 ? t.errors / t.requests : null)}</td>
      <td>{formatCount(t.input)}</td>
      <td>{formatCount(t.cached)}</td>
      <td>{formatCount(t.output)}</td>
      <td>{formatCount(t.reasoning)}</td>
    </tr>
  );
}

function TotalsTable({ caption, rows }: { caption: string; rows: { label: string; t: TokenTotals }[] }) {
  return (
    <div className="table-scroll">
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Requests</th>
            <th scope="col">Errors</th>
            <th scope="col">Input</th>
            <th scope="col">Cached</th>
            <th scope="col">Output</th>
            <th scope="col">Reasoning</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <TotalsRow key={r.label} label={r.label} t={r.t} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Tokens over time, requests, error rate and time to first token. */
export function UsageSection({ query, name }: { query: InsightQuery; name: (accountId: string) => string }) {
  const { data, error, loading, reload } = useLoaded(() => api.insightUsage(query), JSON.stringify(query));
  const modelName = (m: string): string => m || '(unknown model)';
  const keyName = query.groupBy === 'account' ? name : modelName;
  return (
    <section className="card insight-section" aria-labelledby="usage-heading" data-testid="insight-usage">
      <h3 id="usage-heading">Tokens over the {RANGE_NAMES[query.range]}</h3>
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {!data && loading && <Loading label="Loading usage…" />}
      {data && (
        <>
          <dl className="kpis">
            <div>
              <dt>Requests</dt>
              <dd data-testid="usage-requests">{formatCount(data.totals.requests)}</dd>
            </div>
            <div>
              <dt>Error rate</dt>
              <dd>
                {formatShare(data.totals.requests > 0 ? data.totals.errors / data.totals.requests : null)}
              </dd>
            </div>
            <div>
              <dt>Cached share of input</dt>
              <dd>{formatShare(data.totals.input > 0 ? data.totals.cached / data.totals.input : null)}</dd>
            </div>
            <div>
              <dt>First token p50 / p95</dt>
              <dd>
                {data.ttfbMs.p50 === null
                  ? '—'
                  : `${formatLatency(data.ttfbMs.p50)} / ${formatLatency(data.ttfbMs.p95 ?? data.ttfbMs.p50)}`}
              </dd>
            </div>
          </dl>
          {data.totals.requests === 0 ? (
            <p className="chart-empty muted">No requests in this range.</p>
          ) : (
            <BarChart
              {...chartData(data, keyName)}
              from={data.from}
              to={data.to}
              bucketS={data.bucket === 'hour' ? 3600 : 86_400}
              title={`Tokens per ${data.bucket} over the ${RANGE_NAMES[query.range]}`}
              format={formatCount}
              testId="usage-chart"
            />
          )}
          <TotalsTable
            caption="Per account"
            rows={data.byAccount.map(({ accountId, ...t }) => ({
              label: accountId ? name(accountId) : '(no account)',
              t,
            }))}
          />
          <TotalsTable
            caption="Per model"
            rows={data.byModel.map(({ model, ...t }) => ({ label: modelName(model), t }))}
          />
        </>
      )}
    </section>
  );
}
