import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { WriteQueue } from './write-queue';

/** One write for the log writer: a statement's name and its parameters. */
export type LogWrite = [statement: string, params: unknown];

/** Options of {@link startLogWriter}. */
export interface LogWriterOptions {
  /** The database file (already migrated by the main connection). */
  path: string;
  busyTimeoutMs?: number;
  /** The statements the writer may run, by name: the repositories' SQL. */
  statements: Record<string, string>;
  /** How long a write may wait before its batch is sent (ms). */
  flushIntervalMs?: number;
  /** A batch this large is sent on the next turn of the event loop. */
  maxBatch?: number;
  /** Longest a {@link LogWriter.flush} waits for the writer (ms). */
  flushTimeoutMs?: number;
  /** Receives the error of a write that failed (the others of its batch still commit). */
  onError: (err: unknown) => void;
  /** A batch committed: the disk took a write. */
  onCommit: () => void;
  /** Runs writes on this thread when the writer thread cannot (it failed to start, or died). */
  fallback: (writes: readonly LogWrite[]) => void;
}

/** Writes behind, on a thread of its own. */
export interface LogWriter {
  /** Queues a write; never touches the disk on this thread. */
  push(statement: string, params: unknown): void;
  /** Sends what is queued and waits until the writer committed it (reads that must see it, account deletion). */
  flush(): void;
  /** Flushes, closes the writer's database and ends its thread; later writes are refused (reported). */
  stop(): Promise<void>;
  /** Writes queued or sent and not yet committed. */
  readonly pending: number;
}

interface WriterResult {
  seq: number;
  count: number;
  committed: boolean;
  failures: { code: string | null; message: string }[];
}

// A variable, not a literal: bundlers rewrite `new URL('literal', import.meta.url)` into an asset of their own.
// The build emits the worker beside the bundle (vite.cli.config.ts), as it sits beside this file in the sources.
const WORKER_FILE = './log-writer-worker.js';

/**
 * Starts the request log's writer thread (issue 14): inserts with their triggers and indexes leave the event loop.
 * Writes are batched as by the write queue (250 ms, or 500 writes), one transaction per batch on the writer's own
 * connection. Until the writer has committed a write, it is kept here, so a writer that dies loses nothing: what it
 * held is written on this thread instead, and so is everything after.
 */
export function startLogWriter(options: LogWriterOptions): LogWriter {
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const flushTimeoutMs = options.flushTimeoutMs ?? 30_000;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // [0]: the last batch committed; [1]: 1 once the writer could not start (log-writer-worker.js).
  const done = new Int32Array(new SharedArrayBuffer(8));
  const { port1: results, port2: resultsForWorker } = new MessageChannel();
  const sent = new Map<number, LogWrite[]>();
  let queued: LogWrite[] = [];
  let seq = 0;
  let sentCount = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;

  let worker: Worker | null = new Worker(new URL(WORKER_FILE, import.meta.url), {
    workerData: {
      path: options.path,
      busyTimeoutMs,
      statements: options.statements,
      done: done.buffer,
      results: resultsForWorker,
    },
    transferList: [resultsForWorker],
  });
  const exited = new Promise<void>((resolve) => worker!.once('exit', () => resolve()));
  worker.on('error', (err) => {
    options.onError(
      new Error('The request log writer stopped; writing on the main thread instead', { cause: err }),
    );
    abandonWorker();
  });
  worker.once('exit', () => abandonWorker());
  // Neither keeps a finished process alive; stop() ends them explicitly.
  worker.unref();
  results.on('message', (r: WriterResult) => settle(r));
  results.unref();

  function settle(r: WriterResult): void {
    const writes = sent.get(r.seq);
    if (writes === undefined) return; // already settled by a flush, or written by the fallback
    sent.delete(r.seq);
    sentCount -= writes.length;
    const errors = r.failures.map((f) => Object.assign(new Error(f.message), f.code ? { code: f.code } : {}));
    if (r.committed) {
      for (const err of errors) options.onError(err);
      options.onCommit();
    } else if (isLockBusy(errors[0])) {
      // Nothing was written: the main connection held the write lock past the busy timeout (a long restore, or
      // a flush from inside one of its transactions). The writes are kept, ahead of later ones, for the next batch.
      queued = [...writes, ...queued];
      schedule();
      options.onError(
        new Error(
          `The database stayed locked for over ${busyTimeoutMs / 1000} s; ${writes.length} writes are kept and retried`,
          { cause: errors[0] },
        ),
      );
    } else {
      // The first failure is what sank the batch (SQLITE_FULL), later ones its echo ("no transaction is active").
      options.onError(new Error(`Could not commit ${r.count} queued writes`, { cause: errors[0] }));
    }
  }

  function drainResults(): void {
    for (let m = receiveMessageOnPort(results); m !== undefined; m = receiveMessageOnPort(results)) {
      settle(m.message as WriterResult);
    }
  }

  /** The writer is gone: what it had not committed, and all that follows, is written here. */
  function abandonWorker(): void {
    if (worker === null) return;
    worker = null;
    drainResults();
    const lost = [...sent.values()].flat();
    sent.clear();
    sentCount = 0;
    if (lost.length > 0) writeHere(lost);
  }

  function writeHere(writes: LogWrite[]): void {
    try {
      options.fallback(writes);
      options.onCommit();
    } catch (err) {
      options.onError(new Error(`Could not commit ${writes.length} queued writes`, { cause: err }));
    }
  }

  function clearSchedules(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  }

  function schedule(): void {
    if (queued.length >= maxBatch) immediate ??= setImmediate(send);
    else if (!timer && queued.length > 0) {
      timer = setTimeout(send, flushIntervalMs);
      timer.unref();
    }
  }

  function send(): void {
    clearSchedules();
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    if (worker === null) return writeHere(batch);
    seq += 1;
    sent.set(seq, batch);
    sentCount += batch.length;
    worker.postMessage({ seq, writes: batch });
  }

  function flush(): void {
    send();
    const target = seq;
    const deadline = Date.now() + flushTimeoutMs;
    for (let at = Atomics.load(done, 0); at < target && worker !== null; at = Atomics.load(done, 0)) {
      if (Atomics.load(done, 1) === 1) {
        abandonWorker(); // its 'error' event comes later; the writes it held are made now
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(done, 0, at, left) === 'timed-out') {
        options.onError(new Error(`The request log writer did not answer within ${flushTimeoutMs / 1000} s`));
        break;
      }
    }
    drainResults();
  }

  return {
    push(statement, params) {
      if (stopped) {
        options.onError(new Error('The request log writer is stopped; a write was dropped.'));
        return;
      }
      queued.push([statement, params]);
      schedule();
    },
    flush,
    async stop() {
      if (stopped) return;
      flush();
      stopped = true;
      clearSchedules();
      if (worker === null) return;
      worker.ref(); // until it has closed its database, the process waits for it
      worker.postMessage({ close: true });
      await exited;
      results.close();
    },
    get pending() {
      return queued.length + sentCount;
    },
  };
}

/** SQLITE_BUSY and its extended codes: another connection held the lock; the batch was not begun. */
function isLockBusy(err: { code?: string } | undefined): boolean {
  return err?.code?.startsWith('SQLITE_BUSY') ?? false;
}

/** The write queue and the log writer as one: a flush or the pending count covers both. */
export function withLogWriter(queue: WriteQueue, writer: LogWriter): WriteQueue {
  return {
    push: (op) => queue.push(op),
    flush() {
      queue.flush();
      writer.flush();
    },
    stop: () => queue.stop(),
    get pending() {
      return queue.pending + writer.pending;
    },
  };
}
