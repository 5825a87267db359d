import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  errorEnvelope,
  errorHeaders,
  finalError,
  selectAccount,
  type BalancerError,
  type BalancerSettings,
  type GatedModelEntry,
  type SelectionReason,
  type SelectionRequest,
  type SelectionResult,
} from '../balancer';
import { formatSeconds, type CodexPersona, type JsonObject } from '../protocol';
import { sendJson } from '../http/respond';
import type { Logger } from '../log';
import type { PoolState } from '../pool/pool-state';
import type { UpstreamClient, UpstreamTimeouts } from '../upstream/client';
import type { TokenService } from '../accounts/token-service';
import type { RequestLogInput } from '../store';
import { hashStickyKey, type Affinity } from './affinity';
import { conversationFacts } from './conversation-facts';
import type { ResponseSink } from './sinks';
import { tryUpstream, type StreamFacts, type SurfacedError } from './upstream-attempt';
import { tryAccount, type AttemptResult } from './account-try';

/** What the exchange needs from the rest of the core. */
export interface ExchangeDeps {
  pool: PoolState;
  tokens: TokenService;
  upstream: UpstreamClient;
  affinity: Affinity;
  settings: () => BalancerSettings;
  registry: () => readonly GatedModelEntry[];
  persona: CodexPersona;
  pooledHeaders: () => Record<string, string>;
  logRequest: (row: RequestLogInput) => void;
  now: () => number;
  nowMs: () => number;
  /** Strictly increasing selection times (epoch s, sub-second), for least-recently-used order. */
  selectionTime: () => number;
  random: () => number;
  newRequestId: () => string;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** `headersMs` bounds each attempt's silence before its first content, `firstByteMs` the whole wait. */
  timeouts: Pick<UpstreamTimeouts, 'headersMs' | 'firstByteMs'>;
  log: Logger;
}

/** One client request, already validated and translated to an upstream Responses body. */
export interface ExchangeRequest {
  route: string;
  upstreamPath: '/codex/responses' | '/codex/responses/compact';
  /** The body as it goes upstream: the client's own bytes when no rule changed them. The parsed body is not kept:
   * a conversation is the largest thing a request holds, and one copy of it is enough. */
  bodyText: string | Buffer;
  /** The conversation's key (prompt_cache_key, session headers), for stickiness. */
  stickyKey: string | undefined;
  model: string;
  previousResponseId?: string;
  inbound: IncomingHttpHeaders;
  stream: boolean;
}

/**
 * Serves one request through the pool: select an account, try it (with same-account retries and one token
 * refresh), fail over to another account while nothing has reached the client, and answer with the stream,
 * the last upstream error, or the balancer's "no account" error (BALANCER.md §7–8). Logs one row at the end.
 */
export async function runExchange(
  deps: ExchangeDeps,
  request: ExchangeRequest,
  res: ServerResponse,
  sink: ResponseSink,
): Promise<void> {
  const startedAt = deps.nowMs();
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClose);
  // The client must hear something before its own idle timeout: past `firstByteMs` with nothing sent (a stream
  // not yet committed, or a collected answer whose upstream never started), stop waiting and say so.
  let deadlinePassed = false;
  const deadline = setTimeout(() => {
    if (sink.wrote || (!request.stream && facts.ttfbAt !== null)) return;
    deadlinePassed = true;
    abort.abort();
  }, deps.timeouts.firstByteMs);

  const compact = request.upstreamPath === '/codex/responses/compact';
  const stickyKey = request.stickyKey;
  const stickyHash = stickyKey === undefined ? undefined : hashStickyKey(stickyKey);
  // For the request log's conversation view (issue 9): where the conversation was mapped, and the first pick.
  const mappedAtStart = stickyHash === undefined ? null : deps.affinity.mapped(stickyHash);
  let firstPick: SelectionReason | undefined;
  const bodyText = request.bodyText;
  const tried: string[] = [];
  const facts: StreamFacts = { responseId: null, usage: null, ttfbAt: null };
  const notes: string[] = [];
  let attempts = 0;
  let servedBy: string | null = null;
  let status: number | null = null;
  let errorCode: string | null = null;

  const select = (excluded: readonly string[]): SelectionResult => {
    const settings = deps.settings();
    const sel: SelectionRequest = {
      model: request.model,
      excludedIds: excluded,
      isCompact: compact,
      ...(stickyHash !== undefined && settings.stickySessions
        ? { sticky: { mappedAccountId: deps.affinity.mapped(stickyHash) } }
        : {}),
      ...(request.previousResponseId !== undefined
        ? { previousResponse: { ownerId: deps.affinity.owner(request.previousResponseId) } }
        : {}),
    };
    return selectAccount({
      accounts: deps.pool.accounts(),
      settings,
      registry: deps.registry(),
      request: sel,
      now: deps.now(),
      selectedAt: deps.selectionTime(),
      random: deps.random,
    });
  };

  const surface = (error: SurfacedError): void => {
    status = error.status;
    errorCode = error.body.error.code;
    sendJson(res, error.status, error.body, error.headers);
  };

  const selectionError = (error: BalancerError): SurfacedError => ({
    status: error.status,
    body: errorEnvelope(error),
    headers: errorHeaders(error),
  });
  /** The answer once no further attempt is made: the last upstream error, or the pool-exhausted 429 (§7). */
  const finish = (last: AttemptResult, reselection: BalancerError | null): void => {
    const final = finalError(last.failure, reselection);
    surface(final.use === 'selection' ? selectionError(final.error) : last.error);
  };

  try {
    let last: AttemptResult | undefined;
    for (;;) {
      const selection = select(tried);
      deps.pool.applyChanges(selection.changes);
      if (!selection.ok) {
        notes.push(selection.summary);
        if (last) finish(last, selection.error);
        else surface(selectionError(selection.error));
        break;
      }
      const accountId = selection.accountId;
      firstPick ??= selection.reason;
      tried.push(accountId);
      notes.push(tried.length === 1 ? selection.reason.summary : `failover to ${accountId}`);

      const result = await tryAccount(deps, {
        accountId,
        request,
        attempt: (accessToken, chatgptAccountId) =>
          tryUpstream({
            upstream: deps.upstream,
            pool: deps.pool,
            persona: deps.persona,
            now: deps.now,
            nowMs: deps.nowMs,
            newRequestId: deps.newRequestId,
            pooledHeaders: deps.pooledHeaders,
            accountId,
            chatgptAccountId,
            accessToken,
            path: request.upstreamPath,
            inbound: request.inbound,
            body: bodyText,
            signal: abort.signal,
            sink,
            facts,
            json: compact,
            openingIdleMs: deps.timeouts.headersMs,
          }),
        signal: abort.signal,
        accountsTried: tried.length,
        pinned: !selection.failover.allowed,
        countAttempt: () => (attempts += 1),
      });
      deps.pool.release(accountId);
      servedBy = accountId;

      if (result.kind === 'client_gone') {
        if (deadlinePassed) surface(firstByteTimeout(deps.timeouts.firstByteMs));
        else errorCode = 'client_disconnected';
        break;
      }
      if (result.kind === 'delivered') {
        status = result.status;
        errorCode = result.errorCode;
        deps.pool.applyOutcome(accountId, result.outcome, request.model);
        if (facts.responseId) deps.affinity.recordOwner(facts.responseId, accountId);
        if (stickyHash !== undefined && deps.settings().stickySessions) {
          const action = selection.mapping.action;
          if (action === 'set' || tried.length > 1) deps.affinity.map(stickyHash, accountId);
          else if (action === 'keep')
            deps.affinity.map(stickyHash, deps.affinity.mapped(stickyHash) ?? accountId);
        }
        break;
      }
      last = result;
      if (result.decision.action === 'failover') continue;
      if (result.decision.reason === 'attempts_exhausted') {
        // Is the whole pool now exhausted? Ask without taking the answer (its changes are not applied).
        const probe = select(tried);
        finish(result, probe.ok ? null : probe.error);
      } else surface(result.error);
      break;
    }
  } catch (err) {
    deps.log.error('proxy exchange failed', { route: request.route, err });
    if (!res.headersSent)
      surface({
        status: 500,
        body: {
          error: {
            message: 'Internal error in Codex Pool; see its log.',
            type: 'server_error',
            code: 'internal_error',
          },
        },
        headers: {},
      });
    else res.destroy();
  } finally {
    clearTimeout(deadline);
    res.off('close', onClose);
    deps.logRequest({
      startedAt,
      accountId: servedBy,
      route: request.route,
      model: request.model,
      status,
      latencyMs: deps.nowMs() - startedAt,
      ttfbMs: facts.ttfbAt === null ? null : facts.ttfbAt - startedAt,
      ...tokenCounts(facts.usage),
      errorCode,
      reason: notes.join('; '),
      attempts,
      stream: request.stream,
      responseId: facts.responseId,
      ...conversationFacts(stickyHash, mappedAtStart, firstPick, tried.length),
    });
  }
}

/** The 504 when no account started answering within the first-byte bound. */
export function firstByteTimeout(ms: number): SurfacedError {
  return {
    status: 504,
    body: {
      error: {
        message: `The ChatGPT backend did not start answering within ${formatSeconds(ms)}, on any account tried. Try again in a minute.`,
        type: 'server_error',
        code: 'upstream_timeout',
      },
    },
    headers: { 'retry-after': '60' },
  };
}

export function tokenCounts(
  usage: JsonObject | null,
): Pick<RequestLogInput, 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'reasoningTokens'> {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const details = (key: string): Record<string, unknown> =>
    usage && typeof usage[key] === 'object' && usage[key] !== null
      ? (usage[key] as Record<string, unknown>)
      : {};
  return {
    inputTokens: num(usage?.input_tokens),
    outputTokens: num(usage?.output_tokens),
    cachedTokens: num(details('input_tokens_details').cached_tokens),
    reasoningTokens: num(details('output_tokens_details').reasoning_tokens),
  };
}
