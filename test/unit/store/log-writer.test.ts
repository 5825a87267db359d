import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogInput, Store } from '../../../main/core/store';
import { startLogWriter, type LogWrite, type LogWriter } from '../../../main/core/store/log-writer';
import { REQUEST_LOG_INSERT_SQL, requestLogParams } from '../../../main/core/store/requests-repository';
import { RESPONSE_OWNER_RECORD_SQL } from '../../../main/core/store/response-owners-repository';
import { tempStoreEnv } from './helpers';

let env: ReturnType<typeof tempStoreEnv>;
let store: Store;
let writer: LogWriter | undefined;
beforeEach(() => {
  env = tempStoreEnv();
  store = env.open();
});
afterEach(async () => {
  await writer?.stop();
  writer = undefined;
  env.cleanup();
});

const row = (i: number): RequestLogInput => ({
  startedAt: 1_767_225_600_000 + i,
  accountId: null,
  route: '/v1/responses',
  model: 'gpt-5.5',
  status: 200,
  latencyMs: 900,
  ttfbMs: 120,
  inputTokens: 10,
  outputTokens: 5,
  cachedTokens: 0,
  reasoningTokens: 0,
  errorCode: null,
  reason: null,
  attempts: 1,
  stream: true,
  conversation: 'c0ffee',
});

const statements = { requestLog: REQUEST_LOG_INSERT_SQL, responseOwner: RESPONSE_OWNER_RECORD_SQL };

function start(
  overrides: {
    statements?: Record<string, string>;
    fallback?: (w: readonly LogWrite[]) => void;
    busyTimeoutMs?: number;
  } = {},
) {
  const errors: unknown[] = [];
  let commits = 0;
  writer = startLogWriter({
    path: store.path,
    statements: overrides.statements ?? statements,
    busyTimeoutMs: overrides.busyTimeoutMs,
    flushIntervalMs: 60_000,
    onError: (err) => errors.push(err),
    onCommit: () => void (commits += 1),
    fallback: overrides.fallback ?? (() => expect.fail('the writer thread is up')),
  });
  return { writer, errors, commits: () => commits };
}

describe('the request log writer thread', () => {
  it('commits on its own connection; a flush returns once the rows and their insight are readable here', () => {
    const { writer, errors, commits } = start();
    for (let i = 0; i < 2_000; i += 1) writer.push('requestLog', requestLogParams(row(i)));
    expect(writer.pending).toBe(2_000);
    writer.flush();
    expect(writer.pending).toBe(0);
    expect(store.requests.countSince(0)).toBe(2_000);
    // The insight triggers ran in the writer's transaction as they do on the main connection.
    const day = { from: 1_767_225_600 - 86_400, to: 1_767_225_600 + 86_400, bucketS: 3600, offsetS: 0 };
    expect(store.insight.usageTotal(day)).toMatchObject({ requests: 2_000, input: 20_000 });
    expect(errors).toEqual([]);
    expect(commits()).toBeGreaterThan(0);
  });

  it('reports a write that fails (an owner for an unknown account) and still commits the rest of its batch', () => {
    const { writer, errors } = start();
    writer.push('requestLog', requestLogParams(row(1)));
    writer.push('responseOwner', ['resp_1', 'no-such-account', 1_767_225_600]);
    writer.push('requestLog', requestLogParams(row(2)));
    writer.flush();
    expect(store.requests.countSince(0)).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  });

  it('writes what is queued when it stops, and refuses writes after', async () => {
    const { writer, errors } = start();
    writer.push('requestLog', requestLogParams(row(1)));
    await writer.stop();
    expect(store.requests.countSince(0)).toBe(1);
    writer.push('requestLog', requestLogParams(row(2)));
    expect(errors).toMatchObject([{ message: expect.stringMatching(/stopped; a write was dropped/) }]);
  });

  it('loses nothing when its thread cannot run: the writes are made on this thread instead', async () => {
    const here: LogWrite[] = [];
    // A statement the writer cannot prepare ends its thread at start-up.
    const { writer, errors } = start({
      statements: { requestLog: 'INSERT INTO no_such_table VALUES (?)' },
      fallback: (writes) => void here.push(...writes),
    });
    writer.push('requestLog', [1]);
    writer.flush(); // the thread says it could not start: the flush writes here
    expect(here).toHaveLength(1);
    await expect.poll(() => errors.length).toBe(1); // the thread's own error arrives as an event
    expect(errors).toMatchObject([{ message: expect.stringMatching(/writing on the main thread instead/) }]);
    writer.push('requestLog', [2]);
    writer.flush();
    expect(here).toEqual([
      ['requestLog', [1]],
      ['requestLog', [2]],
    ]);
  });

  it('keeps a batch the write lock turned away (a flush inside a transaction here) and commits it after', () => {
    const { writer, errors } = start({ busyTimeoutMs: 50 });
    // This thread holds the write lock while it waits for the writer, so the writer meets SQLITE_BUSY.
    store.transaction(() => {
      writer.push('requestLog', requestLogParams(row(1)));
      writer.push('requestLog', requestLogParams(row(2)));
      writer.flush();
    });
    expect(errors).toMatchObject([{ message: expect.stringMatching(/locked.*2 writes are kept/) }]);
    expect(writer.pending).toBe(2);
    writer.flush();
    expect(store.requests.countSince(0)).toBe(2);
    expect(writer.pending).toBe(0);
    expect(errors).toHaveLength(1);
  });
});
