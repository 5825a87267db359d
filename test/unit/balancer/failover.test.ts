/** §7 failover decisions and the final client-visible error. */
import { describe, expect, it } from 'vitest';
import {
  SEED_REGISTRY,
  applyOutcome,
  decideFailover,
  finalError,
  maxAccounts,
} from '../../../main/core/balancer';
import type { AttemptFailure, BalancerError, FailoverInput } from '../../../main/core/balancer';
import { T, acct, cfg, pick } from './fixtures';

const input = (failure: AttemptFailure, o: Partial<FailoverInput> = {}): FailoverInput => ({
  failure,
  bytesSent: false,
  accountsTried: 1,
  sameAccountRetries: 0,
  refreshedAfterUnauthorized: false,
  isCompact: false,
  pinned: false,
  random: () => 0.5,
  ...o,
});

const usage: AttemptFailure = { kind: 'usage_limit', resetAt: T + 60 };

describe('§7 failover decision', () => {
  it.each([
    ['success', { kind: 'success' }, {}, { action: 'complete' }],
    ['usage_limit', usage, {}, { action: 'failover', recordError: false }],
    ['throttle', { kind: 'throttle', delayHintSeconds: 5 }, {}, { action: 'failover', recordError: false }],
    ['quota', { kind: 'quota', code: 'insufficient_quota' }, {}, { action: 'failover', recordError: false }],
    [
      'permanent',
      { kind: 'permanent', status: 'deactivated', code: 'account_deactivated', message: '' },
      {},
      { action: 'failover', recordError: false },
    ],
    [
      'first 401 → refresh and retry the same account once',
      { kind: 'unauthorized', code: 'token_expired' },
      {},
      { action: 'refresh_and_retry' },
    ],
    [
      'second 401 → record error, fail over',
      { kind: 'unauthorized', code: 'token_expired' },
      { refreshedAfterUnauthorized: true },
      { action: 'failover', recordError: true },
    ],
    [
      'transient, third try failed → fail over',
      { kind: 'transient', code: 'server_error' },
      { sameAccountRetries: 2 },
      { action: 'failover', recordError: false },
    ],
    [
      'other 4xx → surfaced, no failover',
      { kind: 'client_error', code: 'invalid_request_error', penalise: false },
      {},
      { action: 'surface', reason: 'not_retryable', recordError: false },
    ],
    [
      'entitlement 400 (penalised) is surfaced too',
      { kind: 'client_error', code: 'invalid_request_error', penalise: true },
      {},
      { action: 'surface', reason: 'not_retryable', recordError: false },
    ],
    [
      'neutral',
      { kind: 'neutral', code: 'client_gone' },
      {},
      { action: 'surface', reason: 'neutral', recordError: false },
    ],
    [
      'after the first byte: no failover',
      usage,
      { bytesSent: true },
      { action: 'surface', reason: 'after_first_byte', recordError: false },
    ],
    [
      'after the first byte: no same-account retry',
      { kind: 'transient', code: 'stream_incomplete' },
      { bytesSent: true },
      { action: 'surface', reason: 'after_first_byte', recordError: false },
    ],
    [
      '3 accounts tried',
      usage,
      { accountsTried: 3 },
      { action: 'surface', reason: 'attempts_exhausted', recordError: false },
    ],
    [
      'compact: 2 accounts tried',
      usage,
      { accountsTried: 2, isCompact: true },
      { action: 'surface', reason: 'attempts_exhausted', recordError: false },
    ],
    [
      'compact: 1 account tried',
      usage,
      { accountsTried: 1, isCompact: true },
      { action: 'failover', recordError: false },
    ],
    [
      'owner-pinned / single_account',
      usage,
      { pinned: true },
      { action: 'surface', reason: 'pinned', recordError: false },
    ],
  ] as const)('%s', (_n, failure, o, want) => {
    expect(decideFailover(input(failure as AttemptFailure, o))).toEqual(want);
  });

  it.each([
    [0, 0, 0.18],
    [0, 0.5, 0.2],
    [0, 1, 0.22],
    [1, 0, 0.36],
    [1, 0.5, 0.4],
    [1, 1, 0.44],
  ])('transient retry %i with random %s → %s s on the same account', (retries, r, delay) => {
    const d = decideFailover(
      input({ kind: 'transient', code: 'server_error' }, { sameAccountRetries: retries, random: () => r }),
    );
    expect(d.action).toBe('retry_same');
    expect(d.action === 'retry_same' && d.delaySeconds).toBeCloseTo(delay, 10);
  });
  it('pinned requests still get same-account retries', () => {
    expect(decideFailover(input({ kind: 'transient', code: 'server_error' }, { pinned: true })).action).toBe(
      'retry_same',
    );
  });
  it('max accounts: 3, 2 for compact; the selection reports it', () => {
    expect([maxAccounts(false), maxAccounts(true)]).toEqual([3, 2]);
    expect(
      pick([acct('a')], { settings: cfg('fill_first', false), request: { isCompact: true } }).failover,
    ).toEqual({ allowed: true, maxAccounts: 2 });
  });
  it('three transient failures (first try + 2 retries) put the account in a 30 s backoff', () => {
    let a = acct('a', { P: 50 });
    for (let i = 0; i < 3; i++)
      a = applyOutcome(
        a,
        { kind: 'transient', code: 'server_error' },
        { now: T, random: () => 0.5, registry: SEED_REGISTRY },
      ).next;
    const r = pick([a, acct('b')], { settings: cfg('fill_first', false), now: T + 29 });
    expect(r.accountId).toBe('b');
    expect(r.reason.skipped).toEqual([{ id: 'a', reason: { kind: 'backoff', until: T + 30 } }]);
  });
});

describe('§7 final error', () => {
  const exhausted: BalancerError = {
    status: 429,
    code: 'usage_limit_reached',
    type: 'usage_limit_reached',
    message: 'Usage limit reached',
  };
  const unavailable: BalancerError = { status: 503, code: 'no_accounts', type: 'server_error', message: 'x' };
  it.each([
    ['rate limit + pool exhausted → the §8 step 2 answer', usage, exhausted, 'selection'],
    [
      'quota + pool exhausted → the §8 step 2 answer',
      { kind: 'quota', code: 'insufficient_quota' },
      exhausted,
      'selection',
    ],
    ['rate limit, pool not exhausted → upstream error', usage, unavailable, 'upstream'],
    [
      'transient + pool exhausted → upstream error',
      { kind: 'transient', code: 'server_error' },
      exhausted,
      'upstream',
    ],
    ['attempts ran out while accounts remain → upstream error', usage, null, 'upstream'],
  ] as const)('%s', (_n, last, err, use) => {
    expect(finalError(last as AttemptFailure, err).use).toBe(use);
  });
});
