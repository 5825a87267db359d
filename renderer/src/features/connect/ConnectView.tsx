import { useEffect } from 'react';
import { useResource } from '../../api/resource';
import { ErrorMessage, Loading } from '../../components/feedback';
import { formatAge } from '../../lib/format';
import { useServerNow } from '../../lib/server-clock';
import { ClientCard } from './ClientCard';
import { connectResource } from './connect-data';
import { Snippets } from './Snippets';
import { TestRequest } from './TestRequest';

/** How often the view re-reads the clients' files and last-request times while it is open. */
const REFRESH_MS = 30_000;

/** The Connect tab: point Codex and OpenCode at the pool in one click, snippets for everything else, a test. */
export function ConnectView() {
  const { data, error, loading } = useResource(connectResource);
  const now = useServerNow(15_000);
  useEffect(() => {
    void connectResource.load();
    const timer = setInterval(() => void connectResource.load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="view">
      <div className="view-head">
        <h2>Connect your coding agents</h2>
      </div>
      <p className="muted">
        Codex Pool edits only its own lines of each client&apos;s config, shows the change first, keeps a
        backup beside the file, and can undo it.
      </p>
      {error && <ErrorMessage error={error} onRetry={() => void connectResource.load()} />}
      {!data && loading && <Loading label="Reading the clients' configs…" />}
      {data && (
        <>
          {data.clients.map((status) => (
            <ClientCard key={status.client} status={status} now={now} />
          ))}
          <section className="card" aria-labelledby="connect-other">
            <h3 id="connect-other">Anything else (OpenAI SDKs, scripts)</h3>
            <p className="small muted">
              {data.otherLastRequestAt === null
                ? 'No request from another client since Codex Pool started.'
                : `Last request from another client ${formatAge(data.otherLastRequestAt, now)}.`}
            </p>
            <Snippets snippets={data.snippets} />
          </section>
          <section className="card" aria-labelledby="connect-test">
            <h3 id="connect-test">Test the pool</h3>
            <TestRequest />
          </section>
        </>
      )}
    </div>
  );
}
