import type { InsightQuery } from '../../../../shared/api';
import { api } from '../../api/client';
import { ErrorMessage, Loading } from '../../components/feedback';
import { formatCount } from '../../lib/format';
import { BarChart } from './BarChart';
import { PriceEditor } from './PriceEditor';
import { RANGE_NAMES, formatUsd, useLoaded } from './insight-data';

/** What the same tokens would have cost on the API: an estimate, per day, account and model. */
export function CostSection({ query, name }: { query: InsightQuery; name: (accountId: string) => string }) {
  const { data, error, loading, reload } = useLoaded(() => api.insightCost(query), JSON.stringify(query));
  return (
    <section className="card insight-section" aria-labelledby="cost-heading" data-testid="insight-cost">
      <h3 id="cost-heading">Estimated API value over the {RANGE_NAMES[query.range]}</h3>
      <p className="muted small">
        An estimate: the token counts priced at the list prices below (USD per million tokens), not a bill.
        Models without a price are left out and shown as “no price”.
      </p>
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {!data && loading && <Loading label="Loading cost…" />}
      {data && (
        <>
          <p className="big-number" data-testid="cost-total">
            ≈ {formatUsd(data.totalUsd)} <span className="muted small">estimated</span>
          </p>
          {data.unpricedRequests > 0 && (
            <p className="muted small" data-testid="cost-unpriced">
              {formatCount(data.unpricedRequests)} requests used models with no price and are not counted.
            </p>
          )}
          {data.perDay.length > 0 && (
            <BarChart
              buckets={data.perDay.map((d) => ({ t: d.t, values: { usd: d.usd } }))}
              series={[{ key: 'usd', name: 'Estimated USD' }]}
              from={data.from}
              to={data.to}
              bucketS={86_400}
              title={`Estimated API value per day over the ${RANGE_NAMES[query.range]}`}
              format={formatUsd}
              height={140}
              testId="cost-chart"
            />
          )}
          <div className="insight-columns">
            <div className="table-scroll">
              <table className="table" data-testid="cost-by-model">
                <caption>Per model</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Requests</th>
                    <th scope="col">Estimate</th>
                  </tr>
                </thead>
                <tbody>
                  {data.byModel.map((m) => (
                    <tr key={m.model}>
                      <th scope="row" className="mono">
                        {m.model || '(unknown model)'}
                      </th>
                      <td>{formatCount(m.requests)}</td>
                      <td>{m.usd === null ? <span className="muted">no price</span> : formatUsd(m.usd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="table-scroll">
              <table className="table">
                <caption>Per account</caption>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Estimate</th>
                  </tr>
                </thead>
                <tbody>
                  {data.byAccount.map((a) => (
                    <tr key={a.accountId}>
                      <th scope="row">{a.accountId ? name(a.accountId) : '(no account)'}</th>
                      <td>
                        {formatUsd(a.usd)}
                        {a.unpricedRequests > 0 && (
                          <span className="muted small"> + {formatCount(a.unpricedRequests)} unpriced</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
      <PriceEditor onSaved={reload} />
    </section>
  );
}
