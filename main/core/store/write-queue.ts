import type { Store } from './open-store';

/** A deferred write: runs later, inside the queue's batch transaction. */
export type QueuedWrite = (store: Store) => void;

/** Options of {@link createWriteQueue}. */
export interface WriteQueueOptions {
  /** How long a write may wait before its batch is flushed (ms). */
  flushIntervalMs?: number;
  /** A batch this large is flushed on the next turn of the event loop instead of waiting for the timer. */
  maxBatch?: number;
  /** Receives the error of a write that threw (the other writes of its batch still commit). */
  onError?: (err: unknown) => void;
  /** Called after a batch committed: the disk took a write (storage health clears a past failure). */
  onCommit?: () => void;
}

/** Buffers writes from the hot path and commits them in batches. */
export interface WriteQueue {
  /** Queues a write. Never touches the disk synchronously. */
  push(op: QueuedWrite): void;
  /** Writes everything queued now, synchronously (for shutdown and tests). */
  flush(): void;
  /** Flushes, cancels timers and refuses further writes (reported through `onError`). */
  stop(): void;
  /** Writes waiting to be flushed. */
  readonly pending: number;
}

/**
 * Creates a write-behind queue so proxy requests never wait on SQLite. Queued writes are committed in one
 * transaction per batch; each runs in its own savepoint, so one failing write is rolled back alone and
 * reported instead of sinking its batch.
 */
export function createWriteQueue(store: Store, options: WriteQueueOptions = {}): WriteQueue {
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const onError = options.onError ?? ((err: unknown) => console.error('[store] a queued write failed:', err));
  let queue: QueuedWrite[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;

  const runBatch = (batch: QueuedWrite[]): void => {
    try {
      store.transaction(() => {
        for (const op of batch) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: a throw undoes just this write.
            store.transaction(() => op(store));
          } catch (err) {
            onError(err);
          }
        }
      });
      options.onCommit?.();
    } catch (err) {
      // The commit itself failed (disk full, database closed): the batch is lost; say how much.
      onError(new Error(`Could not commit ${batch.length} queued writes`, { cause: err }));
    }
  };

  const clearSchedules = (): void => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };

  const schedule = (): void => {
    if (queue.length >= maxBatch) {
      immediate ??= setImmediate(flushSome);
    } else if (!timer && queue.length > 0) {
      timer = setTimeout(flushSome, flushIntervalMs);
      // A pending flush must not keep a finished process alive; shutdown calls flush() explicitly.
      timer.unref();
    }
  };

  // Deferred flushes take at most maxBatch writes per turn, so a backlog does not block the event loop.
  function flushSome(): void {
    clearSchedules();
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    if (batch.length > 0) runBatch(batch);
    schedule();
  }

  function flushAll(): void {
    clearSchedules();
    const batch = queue;
    queue = [];
    if (batch.length > 0) runBatch(batch);
  }

  return {
    push(op: QueuedWrite): void {
      if (stopped) {
        onError(new Error('The write queue is stopped; a write was dropped.'));
        return;
      }
      queue.push(op);
      schedule();
    },
    flush: flushAll,
    stop(): void {
      flushAll();
      stopped = true;
    },
    get pending(): number {
      return queue.length;
    },
  };
}
