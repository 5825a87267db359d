import { useState } from 'react';
import type { AffinityCause } from '../../../../shared/domain';
import type { InsightQuery } from '../../../../shared/api';
import { api } from '../../api/client';
import { EmptyState, ErrorMessage, Loading } from '../../components/feedback';
import { formatCount, formatTimeOfDay } from '../../lib/format';
import { BarChart } from './BarChart';
import { RANGE_NAMES, formatShare, useLoaded } from './insight-data';

/** What each cause means to a user. */
export const CAUSE_NAMES: Record<AffinityCause, string> = {
  hit: 'kept its account',
  new: 'mapping expired or first turn',
  rebind: 'rebound (budget pressure)',
  limit: 'account hit its limit',
  cap: 'account reached its cap',
  unavailable: 'account unavailable',
  failover: 'failover during the request',
  continuity: 'previous response owner',
  off: 'sticky sessions off',
};

const causeName = (c: AffinityCause | null): string => (c === null ? 'unknown' : CAUSE_NAMES[c]);

function Detail({ id, name }: { id: string; name: (accountId: string) => string }) {
  const { data, error, loading, reload } = useLoaded(() => api.insightConversation(id), id);
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  if (!data) return loading ? <Loading label="Loading conversation…" /> : null;
  return (
    <div className="conversation-detail" data-testid="conversation-detail">
      <p className="small">
        {formatCount(data.turns.length)} turns on {data.accounts.map(name).join(', ')}.
      </p>
      {data.hops.length === 0 ? (
        <p className="muted small">It never changed account.</p>
      ) : (
        <table className="table">
          <caption>Hops</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">From → to</th>
              <th scope="col">Cause</th>
              <th scope="col">Cached before → after</th>
            </tr>
          </thead>
          <tbody>
            {data.hops.map((h) => (
              <tr key={h.requestId} data-testid="hop-row">
                <td className="nowrap">{formatTimeOfDay(h.time)}</td>
                <td>
                  {name(h.fromAccountId)} → {name(h.toAccountId)}
                </td>
                <td>{causeName(h.cause)}</td>
                <td>
                  {formatShare(h.cachedShareBefore)} → {formatShare(h.cachedShareAfter)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Prompt cache and conversations: pool-wide cache share and hops, causes, and each conversation's hops. */
export function ConversationsSection({
  query,
  name,
}: {
  query: InsightQuery;
  name: (accountId: string) => string;
}) {
  const { data, error, loading, reload } = useLoaded(
    () => api.insightConversations(query),
    JSON.stringify(query),
  );
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section
      className="card insight-section"
      aria-labelledby="conv-heading"
      data-testid="insight-conversations"
    >
      <h3 id="conv-heading">Prompt cache and conversations over the {RANGE_NAMES[query.range]}</h3>
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {!data && loading && <Loading label="Loading conversations…" />}
      {data && (
        <>
          <dl className="kpis">
            <div>
              <dt>Turns</dt>
              <dd>{formatCount(data.turns)}</dd>
            </div>
            <div>
              <dt>Hops per 100 turns</dt>
              <dd data-testid="hops-per-100">
                {data.hopsPer100Turns === null ? '—' : data.hopsPer100Turns.toFixed(1)}
              </dd>
            </div>
            <div>
              <dt>Cache hit share</dt>
              <dd>{formatShare(data.cachedShare)}</dd>
            </div>
          </dl>
          {data.perDay.length > 0 && (
            <BarChart
              buckets={data.perDay.map((d) => ({ t: d.t, values: { share: (d.cachedShare ?? 0) * 100 } }))}
              series={[{ key: 'share', name: 'Cached share of input (%)' }]}
              from={data.from}
              to={data.to}
              bucketS={86_400}
              title="Cache hit share per day"
              format={(v) => `${Math.round(v)} %`}
              height={120}
              testId="cache-chart"
            />
          )}
          {data.causes.length > 0 && (
            <p className="small" data-testid="hop-causes">
              Hops by cause:{' '}
              {data.causes.map((c) => `${causeName(c.cause)} ${formatCount(c.hops)}`).join(' · ')}
            </p>
          )}
          {data.conversations.length === 0 ? (
            <EmptyState title="No conversations yet">
              <p>Requests with a prompt_cache_key or session header (Codex sends one) appear here.</p>
            </EmptyState>
          ) : (
            <div className="table-scroll">
              <table className="table" data-testid="conversations-table">
                <caption>Most recently active conversations</caption>
                <thead>
                  <tr>
                    <th scope="col">Conversation</th>
                    <th scope="col">Last turn</th>
                    <th scope="col">Turns</th>
                    <th scope="col">Accounts</th>
                    <th scope="col">Hops</th>
                    <th scope="col">Cached</th>
                  </tr>
                </thead>
                <tbody>
                  {data.conversations.map((c) => (
                    <tr key={c.conversation} data-testid="conversation-row">
                      <td>
                        <button
                          type="button"
                          className="link mono"
                          aria-expanded={open === c.conversation}
                          onClick={() => setOpen(open === c.conversation ? null : c.conversation)}
                        >
                          {c.conversation}
                        </button>
                        {open === c.conversation && <Detail id={c.conversation} name={name} />}
                      </td>
                      <td className="nowrap">{formatTimeOfDay(c.lastAt)}</td>
                      <td>{formatCount(c.turns)}</td>
                      <td>{c.accounts}</td>
                      <td>{c.hops}</td>
                      <td>{formatShare(c.cachedShare)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
