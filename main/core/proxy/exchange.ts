import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  type BalancerSettings,
  type GatedModelEntry,
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
import type { Affinity } from './affinity';
import type { ResponseSink } from './sinks';
import { tryUpstream, type StreamFacts, type SurfacedError } from './upstream-attempt';
import {
  answer,
  conversationAtStart,
  exchangeLogRow,
  firstByteDeadline,
  INTERNAL_ERROR,
  newTrace,
  selectNow,
  serveWithFailover,
} from './failover-loop';

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
 * Serves one request through the pool ({@link serveWithFailover}: select, try, fail over while nothing has
 * reached the client) and answers with the stream, the last upstream error, or the balancer's "no account" error
 * (BALANCER.md §7–8). Logs one row at the end.
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
  // Past `firstByteMs` with nothing sent (a stream not yet committed, or a collected answer whose upstream never
  // started), stop waiting and say so.
  const deadline = firstByteDeadline(
    deps.timeouts.firstByteMs,
    () => sink.wrote || (!request.stream && facts.ttfbAt !== null),
    abort,
  );
  const compact = request.upstreamPath === '/codex/responses/compact';
  // For the request log's conversation view (issue 9): where the conversation was mapped, and the first pick.
  const { stickyHash, mappedAtStart } = conversationAtStart(deps.affinity, request.stickyKey);
  const facts: StreamFacts = { responseId: null, usage: null, ttfbAt: null };
  const trace = newTrace();
  const send = (error: SurfacedError): void => sendJson(res, error.status, error.body, error.headers);

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
    return selectNow(deps, settings, sel);
  };

  try {
    const end = await serveWithFailover(
      deps,
      {
        request,
        signal: abort.signal,
        stickyHash,
        facts,
        select,
        send,
        attempt: (accountId, accessToken, chatgptAccountId) =>
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
            body: request.bodyText,
            signal: abort.signal,
            sink,
            facts,
            json: compact,
            openingIdleMs: deps.timeouts.headersMs,
          }),
      },
      trace,
    );
    if (end.kind === 'client_gone') {
      if (deadline.passed()) answer(trace, send, firstByteTimeout(deps.timeouts.firstByteMs));
      else trace.errorCode = 'client_disconnected';
    }
  } catch (err) {
    deps.log.error('proxy exchange failed', { route: request.route, err });
    if (!res.headersSent) answer(trace, send, INTERNAL_ERROR);
    else res.destroy();
  } finally {
    deadline.clear();
    res.off('close', onClose);
    deps.logRequest(
      exchangeLogRow(trace, {
        startedAt,
        endedAt: deps.nowMs(),
        route: request.route,
        model: request.model,
        stream: request.stream,
        facts,
        stickyHash,
        mappedAtStart,
      }),
    );
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
