import type { RequestLogEntryDto } from '../../../../shared/api';
import { useResource } from '../../api/resource';
import { EmptyState, ErrorMessage, Loading } from '../../components/feedback';
import { formatCount, formatLatency, formatTimeOfDay } from '../../lib/format';
import { accountName, accountsResource } from '../accounts/accounts-data';
import { REQUEST_HISTORY_LIMIT, requestsResource } from './requests-data';

function statusTone(status: number | null): string {
  if (status === null) return 'neutral';
  if (status < 400) return 'ok';
  if (status === 429) return 'warning';
  return 'critical';
}

function tokens(r: RequestLogEntryDto): string {
  if (r.inputTokens === null && r.outputTokens === null) return '—';
  const main = `${formatCount(r.inputTokens ?? 0)} → ${formatCount(r.outputTokens ?? 0)}`;
  return r.cachedTokens ? `${main} (${formatCount(r.cachedTokens)} cached)` : main;
}

/** The balancer's reason with account ids replaced by the names people know them by. */
function readableReason(reason: string, names: Map<string, string>): string {
  let text = reason;
  for (const [id, name] of names) text = text.replaceAll(id, name);
  return text;
}

/** The requests tab: recent proxied requests, newest first, appended live. */
export function RequestsView() {
  const { data: requests, error, loading } = useResource(requestsResource);
  const { data: accountList } = useResource(accountsResource);
  const names = new Map((accountList?.accounts ?? []).map((a) => [a.id, accountName(a)]));

  return (
    <section className="view" aria-labelledby="requests-heading">
      <div className="view-head">
        <div>
          <h2 id="requests-heading">Requests</h2>
          <p className="muted small">The last {REQUEST_HISTORY_LIMIT} requests, updated live.</p>
        </div>
      </div>
      {error && <ErrorMessage error={error} onRetry={() => void requestsResource.load()} />}
      {!requests && loading && <Loading label="Loading requests…" />}
      {requests && requests.length === 0 && (
        <EmptyState title="No requests yet">
          <p>
            Point Codex at <code>{`${location.origin}/backend-api/codex`}</code> or an OpenAI client at{' '}
            <code>{`${location.origin}/v1`}</code>; requests appear here as they finish.
          </p>
        </EmptyState>
      )}
      {requests && requests.length > 0 && (
        <div className="table-scroll">
          <table className="table requests-table" data-testid="requests-table">
            <caption className="visually-hidden">Recent requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Account</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Tokens in → out</th>
                <th scope="col">Error</th>
                <th scope="col">Why this account</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} data-testid="request-row">
                  <td className="nowrap">{formatTimeOfDay(r.time)}</td>
                  <td>{r.accountId === null ? '—' : (names.get(r.accountId) ?? r.accountId)}</td>
                  <td className="mono">{r.model ?? '—'}</td>
                  <td>
                    <span className={`badge badge-${statusTone(r.status)}`}>{r.status ?? '—'}</span>
                    {r.transport === 'websocket' && (
                      <span className="muted small" title="Served over the Responses WebSocket">
                        {' '}
                        WS
                      </span>
                    )}
                  </td>
                  <td className="nowrap">{r.latencyMs === null ? '—' : formatLatency(r.latencyMs)}</td>
                  <td className="nowrap">{tokens(r)}</td>
                  <td className="mono">{r.errorCode ?? ''}</td>
                  <td className="small">
                    {r.reason === null ? '—' : readableReason(r.reason, names)}
                    {r.attempts > 1 && <span className="muted"> · {r.attempts} attempts</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && requests && <span className="visually-hidden">Updating…</span>}
    </section>
  );
}
