import { startLogWriter, type LogWriter, type LogWriterOptions } from './log-writer';
import type { Store } from './open-store';
import { REQUEST_LOG_INSERT_SQL } from './requests-repository';
import { RESPONSE_OWNER_RECORD_SQL } from './response-owners-repository';

/** The statements the request log's writer thread runs, by the names `push` takes. */
const STATEMENTS = { requestLog: REQUEST_LOG_INSERT_SQL, responseOwner: RESPONSE_OWNER_RECORD_SQL };

/**
 * The request log and response owners, written on a thread of their own (issue 14) over this store's database;
 * should the thread fail, the same statements run on this one.
 */
export function startRequestLogWriter(
  store: Store,
  hooks: Pick<LogWriterOptions, 'onError' | 'onCommit'>,
): LogWriter {
  return startLogWriter({
    path: store.path,
    statements: STATEMENTS,
    ...hooks,
    fallback: (writes) =>
      store.transaction(() => {
        for (const [name, params] of writes)
          store.runStatement(STATEMENTS[name as keyof typeof STATEMENTS], params);
      }),
  });
}
