import { useState, type FormEvent } from 'react';
import type { RequestFilter } from '../../../../shared/api';
import { api } from '../../api/client';
import { EmptyState, ErrorMessage, Loading } from '../../components/feedback';
import { formatCount, formatLatency } from '../../lib/format';
import { CAUSE_NAMES } from './ConversationsSection';
import { useLoaded } from './insight-data';

const PAGE = 100;

interface Form {
  accountId: string;
  model: string;
  status: string;
  errorCode: string;
  conversation: string;
  responseId: string;
  from: string;
  to: string;
}
const EMPTY: Form = {
  accountId: '',
  model: '',
  status: '',
  errorCode: '',
  conversation: '',
  responseId: '',
  from: '',
  to: '',
};

/** The form as the API's filter; local date-times become epoch seconds. */
function toFilter(f: Form): RequestFilter {
  const time = (v: string): number | undefined => (v === '' ? undefined : new Date(v).getTime() / 1000);
  const text = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
  const from = time(f.from);
  const to = time(f.to);
  const status = f.status === '' ? undefined : f.status === 'error' ? 'error' : Number(f.status);
  return {
    ...(text(f.accountId) ? { accountId: text(f.accountId)! } : {}),
    ...(text(f.model) ? { model: text(f.model)! } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(text(f.errorCode) ? { errorCode: text(f.errorCode)! } : {}),
    ...(text(f.conversation) ? { conversation: text(f.conversation)! } : {}),
    ...(text(f.responseId) ? { responseId: text(f.responseId)! } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

/** The request log with filters, search by response id, pages beyond the newest 100, and CSV export. */
export function RequestLog({
  accounts,
  name,
}: {
  accounts: readonly { id: string }[];
  name: (accountId: string) => string;
}) {
  const [form, setForm] = useState<Form>(EMPTY);
  const [filter, setFilter] = useState<RequestFilter>({});
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const before = pages.at(-1);
  const { data, error, loading, reload } = useLoaded(
    () => api.requestLog(filter, PAGE, before),
    JSON.stringify([filter, before]),
  );
  const field = (key: keyof Form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    setFilter(toFilter(form));
    setPages([undefined]);
  };

  return (
    <section className="card insight-section" aria-labelledby="log-heading" data-testid="request-log">
      <h3 id="log-heading">Request log</h3>
      <form className="log-filters" onSubmit={apply} aria-label="Request log filters">
        <label>
          Account
          <select {...field('accountId')} data-testid="filter-account">
            <option value="">Any</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {name(a.id)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input {...field('model')} placeholder="gpt-5.5" data-testid="filter-model" />
        </label>
        <label>
          Status
          <select {...field('status')} data-testid="filter-status">
            <option value="">Any</option>
            <option value="error">Failed (any error)</option>
            {[200, 400, 401, 429, 500, 502, 503, 504].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Error code
          <input {...field('errorCode')} placeholder="usage_limit_reached" />
        </label>
        <label>
          Conversation
          <input {...field('conversation')} placeholder="16 hex digits" data-testid="filter-conversation" />
        </label>
        <label>
          Response id
          <input {...field('responseId')} placeholder="resp_…" data-testid="filter-response" />
        </label>
        <label>
          From
          <input type="datetime-local" {...field('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" {...field('to')} />
        </label>
        <div className="button-row">
          <button type="submit" className="button primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setForm(EMPTY);
              setFilter({});
              setPages([undefined]);
            }}
          >
            Clear
          </button>
          <a className="button" href={api.requestExportUrl(filter)} download data-testid="export-csv">
            Export CSV
          </a>
        </div>
      </form>
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {!data && loading && <Loading label="Loading the log…" />}
      {data && data.requests.length === 0 && <EmptyState title="No request matches these filters" />}
      {data && data.requests.length > 0 && (
        <>
          <p className="muted small" data-testid="log-total">
            {formatCount(data.total ?? data.requests.length)} matching requests; page {pages.length}.
          </p>
          <div className="table-scroll">
            <table className="table requests-table" data-testid="log-table">
              <caption className="visually-hidden">Matching requests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Account</th>
                  <th scope="col">Model</th>
                  <th scope="col">Status</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Tokens in (cached) → out</th>
                  <th scope="col">Error</th>
                  <th scope="col">Conversation</th>
                  <th scope="col">Response</th>
                </tr>
              </thead>
              <tbody>
                {data.requests.map((r) => (
                  <tr key={r.id} data-testid="log-row">
                    <td className="nowrap">{new Date(r.time * 1000).toLocaleString()}</td>
                    <td>{r.accountId === null ? '—' : name(r.accountId)}</td>
                    <td className="mono">{r.model ?? '—'}</td>
                    <td>{r.status ?? '—'}</td>
                    <td className="nowrap">{r.latencyMs === null ? '—' : formatLatency(r.latencyMs)}</td>
                    <td className="nowrap">
                      {formatCount(r.inputTokens ?? 0)} ({formatCount(r.cachedTokens ?? 0)}) →{' '}
                      {formatCount(r.outputTokens ?? 0)}
                    </td>
                    <td className="mono">{r.errorCode ?? ''}</td>
                    <td className="small">
                      {r.conversation ? <span className="mono">{r.conversation}</span> : '—'}
                      {r.affinity && <span className="muted"> · {CAUSE_NAMES[r.affinity]}</span>}
                    </td>
                    <td className="mono small">{r.responseId ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="button-row">
            <button
              type="button"
              className="button"
              disabled={pages.length === 1}
              onClick={() => setPages(pages.slice(0, -1))}
            >
              Newer
            </button>
            <button
              type="button"
              className="button"
              disabled={data.nextBefore == null}
              data-testid="log-older"
              onClick={() => data.nextBefore != null && setPages([...pages, data.nextBefore])}
            >
              Older
            </button>
          </div>
        </>
      )}
    </section>
  );
}
