/**
 * The account loop every transport shares (BALANCER.md §7–8): select an account, try it (same-account retries and
 * one token refresh inside {@link tryAccount}), fail over while nothing has reached the client, and answer with the
 * last upstream error or the balancer's "no account" error. HTTP and WebSocket differ only in how they select
 * (stickiness, the bound socket), how they try an account and how they send an error; they pass those in.
 */
import {
  errorEnvelope,
  errorHeaders,
  finalError,
  selectAccount,
  type BalancerError,
  type BalancerSettings,
  type SelectionRequest,
  type SelectionReason,
  type SelectionResult,
} from '../balancer';
import type { RequestLogInput } from '../store';
import { tryAccount, type AccountTry, type AttemptResult } from './account-try';
import { hashStickyKey, type Affinity } from './affinity';
import { conversationFacts } from './conversation-facts';
import { tokenCounts, type ExchangeDeps } from './exchange';
import type { StreamFacts, SurfacedError, TryResult } from './upstream-attempt';

/** What one request's tries leave behind: its answer's status and its request-log row. */
export interface ExchangeTrace {
  tried: string[];
  notes: string[];
  firstPick: SelectionReason | undefined;
  attempts: number;
  servedBy: string | null;
  status: number | null;
  errorCode: string | null;
}

export function newTrace(): ExchangeTrace {
  return {
    tried: [],
    notes: [],
    firstPick: undefined,
    attempts: 0,
    servedBy: null,
    status: null,
    errorCode: null,
  };
}

/** The transport's part of the loop. */
export interface FailoverSpec {
  request: AccountTry['request'];
  signal: AbortSignal;
  /** The conversation's sticky hash, for the mapping kept after a delivered answer. */
  stickyHash: string | undefined;
  /** Filled by the tries: the response id becomes its owner's after a delivered answer. */
  facts: StreamFacts;
  select: (excluded: readonly string[]) => SelectionResult;
  attempt: (accountId: string, accessToken: string, chatgptAccountId: string) => Promise<TryResult>;
  /** Sends an error answer to the client (an HTTP response, or the wrapped `error` event). */
  send: (error: SurfacedError) => void;
}

/** How the loop ended: an answer went out (`delivered` or an error), or the client left first. */
export type FailoverEnd =
  | { kind: 'delivered'; accountId: string; result: Extract<TryResult, { kind: 'delivered' }> }
  | { kind: 'answered' }
  | { kind: 'client_gone' };

/**
 * The first-byte bound every exchange keeps: the client must hear something before its own idle timeout, so past
 * `ms` with nothing `heard`, the exchange is aborted (and answers `firstByteTimeout` when `passed`).
 */
export function firstByteDeadline(
  ms: number,
  heard: () => boolean,
  abort: AbortController,
): { passed: () => boolean; clear: () => void } {
  let passed = false;
  const timer = setTimeout(() => {
    if (heard()) return;
    passed = true;
    abort.abort();
  }, ms);
  return { passed: () => passed, clear: () => clearTimeout(timer) };
}

/** The conversation's sticky hash, and the account it was mapped to when the request arrived (the log's view). */
export function conversationAtStart(
  affinity: Affinity,
  stickyKey: string | undefined,
): { stickyHash: string | undefined; mappedAtStart: string | null } {
  const stickyHash = stickyKey === undefined ? undefined : hashStickyKey(stickyKey);
  return { stickyHash, mappedAtStart: stickyHash === undefined ? null : affinity.mapped(stickyHash) };
}

/** Records an error answer in the trace and sends it. */
export function answer(trace: ExchangeTrace, send: FailoverSpec['send'], error: SurfacedError): void {
  trace.status = error.status;
  trace.errorCode = error.body.error.code;
  send(error);
}

/** The 500 for a fault of our own; the detail goes to the log, never to the client. */
export const INTERNAL_ERROR: SurfacedError = {
  status: 500,
  body: {
    error: {
      message: 'Internal error in Codex Pool; see its log.',
      type: 'server_error',
      code: 'internal_error',
    },
  },
  headers: {},
};

const selectionError = (error: BalancerError): SurfacedError => ({
  status: error.status,
  body: errorEnvelope(error),
  headers: errorHeaders(error),
});

/** Runs the loop to its end; a delivered answer's account bookkeeping (outcome, owner, mapping) is done here. */
export async function serveWithFailover(
  deps: ExchangeDeps,
  spec: FailoverSpec,
  trace: ExchangeTrace,
): Promise<FailoverEnd> {
  const surface = (error: SurfacedError): FailoverEnd => {
    answer(trace, spec.send, error);
    return { kind: 'answered' };
  };
  /** The answer once no further attempt is made: the last upstream error, or the pool-exhausted 429 (§7). */
  const finish = (last: AttemptResult, reselection: BalancerError | null): FailoverEnd => {
    const final = finalError(last.failure, reselection);
    return surface(final.use === 'selection' ? selectionError(final.error) : last.error);
  };
  const { tried, notes } = trace;
  let last: AttemptResult | undefined;
  for (;;) {
    const selection = spec.select(tried);
    deps.pool.applyChanges(selection.changes);
    if (!selection.ok) {
      notes.push(selection.summary);
      return last ? finish(last, selection.error) : surface(selectionError(selection.error));
    }
    const accountId = selection.accountId;
    trace.firstPick ??= selection.reason;
    tried.push(accountId);
    notes.push(tried.length === 1 ? selection.reason.summary : `failover to ${accountId}`);

    const result = await tryAccount(deps, {
      accountId,
      request: spec.request,
      attempt: (accessToken, chatgptAccountId) => spec.attempt(accountId, accessToken, chatgptAccountId),
      signal: spec.signal,
      accountsTried: tried.length,
      pinned: !selection.failover.allowed,
      countAttempt: () => (trace.attempts += 1),
    });
    deps.pool.release(accountId);
    trace.servedBy = accountId;

    if (result.kind === 'client_gone') return { kind: 'client_gone' };
    if (result.kind === 'delivered') {
      trace.status = result.status;
      trace.errorCode = result.errorCode;
      deps.pool.applyOutcome(accountId, result.outcome, spec.request.model);
      keepAffinity(deps, spec.stickyHash, selection, tried.length, accountId, spec.facts);
      return { kind: 'delivered', accountId, result };
    }
    last = result;
    if (result.decision.action === 'failover') continue;
    if (result.decision.reason === 'attempts_exhausted') {
      // Is the whole pool now exhausted? Ask without taking the answer (its changes are not applied).
      const probe = spec.select(tried);
      return finish(result, probe.ok ? null : probe.error);
    }
    return surface(result.error);
  }
}

/** The balancer's pick over the pool as it is now. */
export function selectNow(
  deps: ExchangeDeps,
  settings: BalancerSettings,
  request: SelectionRequest,
): SelectionResult {
  return selectAccount({
    accounts: deps.pool.accounts(),
    settings,
    registry: deps.registry(),
    request,
    now: deps.now(),
    selectedAt: deps.selectionTime(),
    random: deps.random,
  });
}

/** After a delivered answer: who owns its response id, and where the conversation maps now. */
function keepAffinity(
  deps: ExchangeDeps,
  stickyHash: string | undefined,
  selection: Extract<SelectionResult, { ok: true }>,
  accountsTried: number,
  accountId: string,
  facts: StreamFacts,
): void {
  if (facts.responseId) deps.affinity.recordOwner(facts.responseId, accountId);
  if (stickyHash === undefined || !deps.settings().stickySessions) return;
  const action = selection.mapping.action;
  if (action === 'set' || accountsTried > 1) deps.affinity.map(stickyHash, accountId);
  else if (action === 'keep') deps.affinity.map(stickyHash, deps.affinity.mapped(stickyHash) ?? accountId);
}

/** The request-log row of one answered request (HTTP) or response (WebSocket). */
export function exchangeLogRow(
  trace: ExchangeTrace,
  r: {
    startedAt: number;
    endedAt: number;
    route: string;
    model: string;
    stream: boolean;
    transport?: RequestLogInput['transport'];
    facts: StreamFacts;
    stickyHash: string | undefined;
    mappedAtStart: string | null;
  },
): RequestLogInput {
  return {
    startedAt: r.startedAt,
    accountId: trace.servedBy,
    route: r.route,
    model: r.model,
    status: trace.status,
    latencyMs: r.endedAt - r.startedAt,
    ttfbMs: r.facts.ttfbAt === null ? null : r.facts.ttfbAt - r.startedAt,
    ...tokenCounts(r.facts.usage),
    errorCode: trace.errorCode,
    reason: trace.notes.join('; '),
    attempts: trace.attempts,
    stream: r.stream,
    ...(r.transport === undefined ? {} : { transport: r.transport }),
    responseId: r.facts.responseId,
    ...conversationFacts(r.stickyHash, r.mappedAtStart, trace.firstPick, trace.tried.length),
  };
}
