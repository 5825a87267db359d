import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteQueue, type RequestLogInput, type Store } from '../../../main/core/store';
import { tempStoreEnv } from './helpers';

let env: ReturnType<typeof tempStoreEnv>;
let store: Store;
beforeEach(() => {
  env = tempStoreEnv();
  store = env.open();
});
afterEach(() => env.cleanup());

const row = (i: number): RequestLogInput => ({
  startedAt: i,
  accountId: null,
  route: '/v1/responses',
  model: null,
  status: 200,
  latencyMs: null,
  ttfbMs: null,
  inputTokens: null,
  outputTokens: null,
  cachedTokens: null,
  reasoningTokens: null,
  errorCode: null,
  reason: null,
  attempts: 1,
  stream: false,
});

describe('write queue', () => {
  it('never writes inside push, and commits 10,000 writes on flush', () => {
    const queue = createWriteQueue(store, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 10_000; i += 1) queue.push((s) => s.requests.insertMany([row(i)]));
    expect(store.requests.countSince(0)).toBe(0);
    expect(queue.pending).toBe(10_000);
    queue.flush();
    expect(queue.pending).toBe(0);
    expect(store.requests.countSince(0)).toBe(10_000);
  });

  it('flushes a full batch on the next turn of the event loop, and the rest on the timer', async () => {
    const queue = createWriteQueue(store, { flushIntervalMs: 20, maxBatch: 100 });
    for (let i = 0; i < 150; i += 1) queue.push((s) => s.requests.insertMany([row(i)]));
    expect(store.requests.countSince(0)).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.requests.countSince(0)).toBe(100);
    await expect.poll(() => store.requests.countSince(0)).toBe(150);
    queue.stop();
  });

  it('reports a throwing write and keeps the rest of its batch', () => {
    const errors: unknown[] = [];
    const queue = createWriteQueue(store, { onError: (err) => errors.push(err) });
    queue.push((s) => s.requests.insertMany([row(1)]));
    queue.push((s) => {
      s.requests.insertMany([row(2)]);
      throw new Error('boom');
    });
    queue.push((s) => s.requests.insertMany([row(3)]));
    queue.flush();
    expect(errors).toHaveLength(1);
    expect(store.requests.find({}, 10).map((r) => r.startedAt)).toEqual([3, 1]);
    queue.stop();
  });

  it('reports writes pushed after stop instead of losing them silently', () => {
    const errors: unknown[] = [];
    const queue = createWriteQueue(store, { onError: (err) => errors.push(err) });
    queue.push((s) => s.settings.set('a', 1));
    queue.stop();
    expect(store.settings.getAll()).toEqual({ a: 1 });
    queue.push((s) => s.settings.set('b', 2));
    expect(errors).toHaveLength(1);
    expect(store.settings.getAll()).toEqual({ a: 1 });
  });
});
