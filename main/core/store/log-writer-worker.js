// @ts-check
/**
 * The thread that writes the request log and response owners (issue 14): their inserts, the insight triggers and
 * the log's filter indexes cost up to 8 % of the main thread's busy time under load, so they run here, on a
 * connection of its own to the same WAL database. Plain JavaScript on purpose: the same file runs from the
 * sources (tests, tsx) and from the build, which emits it beside the bundle. It holds no SQL: the repositories'
 * statements arrive in `workerData` (store/log-writer.ts starts it).
 *
 * Protocol: each message `{ seq, writes: [statement, params][] }` is committed in one transaction (a failing write
 * is reported and the others still commit); the outcome goes to `results`, then `done[0]` becomes `seq`, so a
 * caller blocked in `Atomics.wait` wakes to a result already queued; `done[1]` becomes 1 when this thread cannot
 * start. `{ close: true }` closes the database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * @typedef {{ path: string, busyTimeoutMs: number, statements: Record<string, string>,
 *   done: SharedArrayBuffer, results: import('node:worker_threads').MessagePort }} WriterData
 * @typedef {{ code: string | null, message: string }} WriteFailure
 */

const data = /** @type {WriterData} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const done = new Int32Array(data.done);

/** @type {import('better-sqlite3').Database} */
let db;
/** @type {Map<string, import('better-sqlite3').Statement>} */
let statements;
try {
  db = new Database(data.path);
  // Per connection: the file is already in WAL mode (the main connection migrated it).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
  statements = new Map(Object.entries(data.statements).map(([name, sql]) => [name, db.prepare(sql)]));
} catch (err) {
  // Wake a caller waiting on a flush: this thread will answer nothing (the main thread takes over).
  Atomics.store(done, 1, 1);
  Atomics.notify(done, 0);
  throw err;
}

/** @param {unknown} err @returns {WriteFailure} */
function failure(err) {
  const e = /** @type {{ code?: unknown, message?: unknown }} */ (err ?? {});
  return { code: typeof e.code === 'string' ? e.code : null, message: String(e.message ?? err) };
}

port.on('message', (/** @type {{ seq: number, writes: [string, unknown][] } | { close: true }} */ msg) => {
  if ('close' in msg) {
    db.close();
    port.close();
    data.results.close();
    return;
  }
  /** @type {WriteFailure[]} */
  const failures = [];
  let committed = true;
  try {
    db.transaction(() => {
      for (const [name, params] of msg.writes) {
        try {
          // A failed statement is undone alone (SQLite's statement rollback); the batch goes on.
          statements.get(name)?.run(params);
        } catch (err) {
          failures.push(failure(err));
        }
      }
    }).immediate(); // the write lock first, as on the main connection (store/open-store.ts)
  } catch (err) {
    committed = false; // the commit itself failed (disk full): the batch is lost
    failures.push(failure(err));
  }
  data.results.postMessage({ seq: msg.seq, count: msg.writes.length, committed, failures });
  Atomics.store(done, 0, msg.seq);
  Atomics.notify(done, 0);
});
