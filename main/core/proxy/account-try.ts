/**
 * Everything that happens on one account of a request: the upstream tries, with the same-account retries after
 * transient failures and the one token refresh after a 401 that the balancer's failover decision asks for.
 */
import {
  decideFailover,
  type AttemptFailure,
  type FailoverDecision,
  type UpstreamOutcome,
} from '../balancer';
import { RefreshError } from '../accounts/token-service';
import type { ExchangeDeps, ExchangeRequest } from './exchange';
import type { TryResult } from './upstream-attempt';

/** One account's turn in an exchange. */
export interface AccountTry {
  accountId: string;
  /** The model (state changes of gated families) and whether this is compact (its own account limit). */
  request: Pick<ExchangeRequest, 'model' | 'upstreamPath'>;
  /** One upstream try with the account's credentials: over HTTP or a WebSocket. */
  attempt: (accessToken: string, chatgptAccountId: string) => Promise<TryResult>;
  signal: AbortSignal;
  /** Distinct accounts tried so far, this one included. */
  accountsTried: number;
  /** Owner-pinned or single_account: never move to another account. */
  pinned: boolean;
  countAttempt: () => void;
}

/** A failed attempt with what the balancer decided to do next (BALANCER.md §7). */
export type AttemptResult = Extract<TryResult, { kind: 'failed' }> & {
  failure: AttemptFailure;
  decision: Extract<FailoverDecision, { action: 'failover' | 'surface' }>;
};

/**
 * Everything that happens on one account: the balancer's failover decision drives same-account retries after
 * transient failures and the one token refresh after a 401. Every failure is applied to the account's state as
 * it happens.
 */
export async function tryAccount(
  deps: ExchangeDeps,
  t: AccountTry,
): Promise<Exclude<TryResult, { kind: 'failed' }> | AttemptResult> {
  let sameAccountRetries = 0;
  let refreshed = false;
  let refreshFailed: TryResult | undefined;
  for (;;) {
    const record = deps.pool.record(t.accountId);
    let result: TryResult;
    if (refreshFailed) {
      result = refreshFailed;
      refreshFailed = undefined;
    } else if (!record) {
      result = failedWith({ kind: 'transient', code: 'account_removed' }, 503, 'The account was removed.');
    } else {
      try {
        const accessToken = await deps.tokens.accessToken(t.accountId);
        t.countAttempt();
        result = await t.attempt(accessToken, record.chatgptAccountId);
      } catch (err) {
        result = refreshFailure(err);
      }
    }
    if (result.kind !== 'failed') return result;

    const failure: AttemptFailure = result.refreshAndRetry
      ? { kind: 'unauthorized', code: result.error.body.error.code }
      : result.outcome;
    if (failure.kind !== 'unauthorized') deps.pool.applyOutcome(t.accountId, failure, t.request.model);
    const decision = decideFailover({
      failure,
      bytesSent: false,
      accountsTried: t.accountsTried,
      sameAccountRetries,
      refreshedAfterUnauthorized: refreshed,
      isCompact: t.request.upstreamPath === '/codex/responses/compact',
      pinned: t.pinned,
      random: deps.random,
    });
    switch (decision.action) {
      case 'retry_same':
        sameAccountRetries += 1;
        await deps.sleep(decision.delaySeconds * 1000, t.signal);
        if (t.signal.aborted) return { kind: 'client_gone' };
        continue;
      case 'refresh_and_retry':
        refreshed = true;
        try {
          await deps.tokens.refresh(t.accountId);
        } catch (err) {
          refreshFailed = refreshFailure(err); // decided like any other failure on the next turn
        }
        continue;
      case 'complete':
        // Not reachable for a failed try; treat like a surfaced failure.
        return {
          ...result,
          failure,
          decision: { action: 'surface', reason: 'not_retryable', recordError: false },
        };
      default:
        if (decision.recordError) deps.pool.recordError(t.accountId);
        return { ...result, failure, decision };
    }
  }
}

/** A token that could not be obtained, as a failed try (the caller applies the outcome). */
function refreshFailure(err: unknown): TryResult {
  if (!(err instanceof RefreshError)) throw err;
  const failure = err.failure;
  const outcome: UpstreamOutcome =
    failure.kind === 'permanent'
      ? { kind: 'permanent', status: failure.status, code: failure.code, message: failure.message }
      : { kind: 'transient', code: failure.code };
  return failedWith(outcome, failure.kind === 'permanent' ? 401 : 502, failure.message);
}

function failedWith(outcome: UpstreamOutcome, status: number, message: string): TryResult {
  const code = 'code' in outcome ? outcome.code : 'upstream_error';
  return {
    kind: 'failed',
    outcome,
    refreshAndRetry: false,
    error: {
      status,
      body: { error: { message, type: status === 401 ? 'authentication_error' : 'server_error', code } },
      headers: {},
    },
  };
}
