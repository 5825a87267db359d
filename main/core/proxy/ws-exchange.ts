/**
 * One `response.create` of a client WebSocket served through the pool: the same selection, same-account
 * retries, token refresh, failover and final error as an HTTP request (BALANCER.md §7–8, through
 * {@link serveWithFailover}), with the upstream try done over the connection's socket. Errors before the first event reach the client as the wrapped `error` event (PROTOCOL.md §7), and
 * each response is one request-log row.
 */
import type { SelectionResult } from '../balancer';
import { extractStickyKey, responseCreateFrame, wrappedErrorEvent, type JsonObject } from '../protocol';
import { firstByteTimeout, type ExchangeDeps } from './exchange';
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
import type { StreamFacts, SurfacedError } from './upstream-attempt';
import { tryWebSocket } from './ws-attempt';
import { inputItems, OutputCollector, type ConversationContext } from './ws-context';
import { SERVER_STOPPING, type WsConnection, type WsResponseRun, type WsTryDeps } from './ws-types';

/** What a WebSocket response needs: the HTTP exchange's parts plus the socket side's. */
export type WsExchangeDeps = ExchangeDeps & WsTryDeps;

/** One client `response.create`, parsed. */
export interface WsCreate {
  route: string;
  body: JsonObject;
  model: string;
  previousResponseId?: string;
  /** The client's frame text, sent as it came when no rule changed it. */
  raw: string;
  rewritten: boolean;
}

/**
 * Serves one response. `signal` aborts when the client connection closes. Resolves when the response is
 * decided (completed, failed, or answered with an error event); never rejects.
 */
export async function runWsResponse(
  deps: WsExchangeDeps,
  conn: WsConnection,
  context: ConversationContext,
  create: WsCreate,
  signal: AbortSignal,
): Promise<void> {
  const startedAt = deps.nowMs();
  const abort = new AbortController();
  const onClose = (): void => abort.abort();
  signal.addEventListener('abort', onClose, { once: true });
  const facts: StreamFacts = { responseId: null, usage: null, ttfbAt: null };
  const full = context.fullBody(create.body);
  let fullFrame: string | undefined;
  const run: WsResponseRun = {
    signal: abort.signal,
    previousResponseId: create.previousResponseId,
    clientFrame: () => (create.rewritten ? responseCreateFrame(create.body) : create.raw),
    fullFrame: () => {
      if (full === create.body) return run.clientFrame(); // nothing chained: the client's frame is the whole
      return (fullFrame ??= full === undefined ? undefined : responseCreateFrame(full));
    },
    facts,
    output: new OutputCollector(),
    wrote: false,
  };
  const deadline = firstByteDeadline(deps.timeouts.firstByteMs, () => run.wrote, abort);
  const { stickyHash, mappedAtStart } = conversationAtStart(
    deps.affinity,
    extractStickyKey(create.body, conn.inbound),
  );
  const trace = newTrace();
  const send = (error: SurfacedError): void =>
    conn.send(wrappedErrorEvent(error.status, error.body, error.headers));

  const select = (excluded: readonly string[]): SelectionResult => {
    const settings = deps.settings();
    // The bound socket is affinity the connection already paid for (a warm upstream cache, no full upload):
    // keep it unless the balancer's own rebind rules say no, whether or not sticky sessions are on.
    const mapped =
      conn.binding?.accountId ??
      (stickyHash !== undefined && settings.stickySessions ? deps.affinity.mapped(stickyHash) : null);
    return selectNow(deps, mapped === null ? settings : { ...settings, stickySessions: true }, {
      model: create.model,
      excludedIds: excluded,
      isCompact: false,
      ...(mapped === null ? {} : { sticky: { mappedAccountId: mapped } }),
      // Only a chain this connection cannot resend in full pins the response to its owner (§6.3).
      ...(full === undefined && create.previousResponseId !== undefined
        ? { previousResponse: { ownerId: deps.affinity.owner(create.previousResponseId) } }
        : {}),
    });
  };

  try {
    const end = await serveWithFailover(
      deps,
      {
        request: { model: create.model, upstreamPath: '/codex/responses' },
        signal: abort.signal,
        stickyHash,
        facts,
        select,
        send,
        attempt: (accountId, accessToken, chatgptAccountId) =>
          tryWebSocket(deps, conn, run, accountId, accessToken, chatgptAccountId),
      },
      trace,
    );
    if (end.kind === 'client_gone') {
      if (deadline.passed() && !signal.aborted)
        answer(trace, send, firstByteTimeout(deps.timeouts.firstByteMs));
      else trace.errorCode = signal.reason === SERVER_STOPPING ? SERVER_STOPPING : 'client_disconnected';
      context.forget();
    } else if (end.kind === 'delivered') {
      // What the next response on a new socket resends in full (ws-context.ts): only a success extends the chain.
      if (end.result.outcome.kind === 'success' && facts.responseId !== null && full !== undefined)
        context.remember(facts.responseId, inputItems(full), run.output.output());
      else context.forget();
    }
  } catch (err) {
    deps.log.error('websocket response failed', { route: create.route, err });
    if (!run.wrote) answer(trace, send, INTERNAL_ERROR);
    conn.dropBinding();
    context.forget();
  } finally {
    deadline.clear();
    signal.removeEventListener('abort', onClose);
    deps.logRequest(
      exchangeLogRow(trace, {
        startedAt,
        endedAt: deps.nowMs(),
        route: create.route,
        model: create.model,
        stream: true,
        transport: 'websocket',
        facts,
        stickyHash,
        mappedAtStart,
      }),
    );
  }
}
