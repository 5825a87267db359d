/**
 * One `response.create` of a client WebSocket served through the pool: the same selection, same-account
 * retries, token refresh, failover and final error as an HTTP request (BALANCER.md §7–8, through
 * {@link tryAccount} and the balancer's pure decisions), with the upstream try done over the connection's
 * socket. Errors before the first event reach the client as the wrapped `error` event (PROTOCOL.md §7), and
 * each response is one request-log row.
 */
import {
  errorEnvelope,
  errorHeaders,
  finalError,
  selectAccount,
  type BalancerError,
  type SelectionReason,
  type SelectionResult,
} from '../balancer';
import { extractStickyKey, responseCreateFrame, wrappedErrorEvent, type JsonObject } from '../protocol';
import { tryAccount, type AttemptResult } from './account-try';
import { hashStickyKey } from './affinity';
import { conversationFacts } from './conversation-facts';
import { firstByteTimeout, tokenCounts, type ExchangeDeps } from './exchange';
import type { StreamFacts, SurfacedError } from './upstream-attempt';
import { tryWebSocket } from './ws-attempt';
import { inputItems, OutputCollector, type ConversationContext } from './ws-context';
import type { WsConnection, WsResponseRun, WsTryDeps } from './ws-types';

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
  let deadlinePassed = false;
  const deadline = setTimeout(() => {
    if (run.wrote) return;
    deadlinePassed = true;
    abort.abort();
  }, deps.timeouts.firstByteMs);

  const stickyKey = extractStickyKey(create.body, conn.inbound);
  const stickyHash = stickyKey === undefined ? undefined : hashStickyKey(stickyKey);
  const mappedAtStart = stickyHash === undefined ? null : deps.affinity.mapped(stickyHash);
  let firstPick: SelectionReason | undefined;
  const tried: string[] = [];
  const notes: string[] = [];
  let attempts = 0;
  let servedBy: string | null = null;
  let status: number | null = null;
  let errorCode: string | null = null;

  const select = (excluded: readonly string[]): SelectionResult => {
    const settings = deps.settings();
    // The bound socket is affinity the connection already paid for (a warm upstream cache, no full upload):
    // keep it unless the balancer's own rebind rules say no, whether or not sticky sessions are on.
    const mapped =
      conn.binding?.accountId ??
      (stickyHash !== undefined && settings.stickySessions ? deps.affinity.mapped(stickyHash) : null);
    return selectAccount({
      accounts: deps.pool.accounts(),
      settings: mapped === null ? settings : { ...settings, stickySessions: true },
      registry: deps.registry(),
      request: {
        model: create.model,
        excludedIds: excluded,
        isCompact: false,
        ...(mapped === null ? {} : { sticky: { mappedAccountId: mapped } }),
        // Only a chain this connection cannot resend in full pins the response to its owner (§6.3).
        ...(full === undefined && create.previousResponseId !== undefined
          ? { previousResponse: { ownerId: deps.affinity.owner(create.previousResponseId) } }
          : {}),
      },
      now: deps.now(),
      selectedAt: deps.selectionTime(),
      random: deps.random,
    });
  };
  const surface = (error: SurfacedError): void => {
    status = error.status;
    errorCode = error.body.error.code;
    conn.send(wrappedErrorEvent(error.status, error.body, error.headers));
  };
  const selectionError = (error: BalancerError): SurfacedError => ({
    status: error.status,
    body: errorEnvelope(error),
    headers: errorHeaders(error),
  });
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
        request: { model: create.model, upstreamPath: '/codex/responses' },
        attempt: (accessToken, chatgptAccountId) =>
          tryWebSocket(deps, conn, run, accountId, accessToken, chatgptAccountId),
        signal: abort.signal,
        accountsTried: tried.length,
        pinned: !selection.failover.allowed,
        countAttempt: () => (attempts += 1),
      });
      deps.pool.release(accountId);
      servedBy = accountId;

      if (result.kind === 'client_gone') {
        if (deadlinePassed && !signal.aborted) surface(firstByteTimeout(deps.timeouts.firstByteMs));
        else errorCode = 'client_disconnected';
        context.forget();
        break;
      }
      if (result.kind === 'delivered') {
        status = result.status;
        errorCode = result.errorCode;
        deps.pool.applyOutcome(accountId, result.outcome, create.model);
        if (facts.responseId) deps.affinity.recordOwner(facts.responseId, accountId);
        if (stickyHash !== undefined && deps.settings().stickySessions) {
          const action = selection.mapping.action;
          if (action === 'set' || tried.length > 1) deps.affinity.map(stickyHash, accountId);
          else if (action === 'keep')
            deps.affinity.map(stickyHash, deps.affinity.mapped(stickyHash) ?? accountId);
        }
        if (result.outcome.kind === 'success' && facts.responseId !== null && full !== undefined)
          context.remember(facts.responseId, inputItems(full), run.output.output());
        else context.forget();
        break;
      }
      last = result;
      if (result.decision.action === 'failover') continue;
      if (result.decision.reason === 'attempts_exhausted') {
        const probe = select(tried);
        finish(result, probe.ok ? null : probe.error);
      } else surface(result.error);
      break;
    }
  } catch (err) {
    deps.log.error('websocket response failed', { route: create.route, err });
    if (!run.wrote)
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
    conn.dropBinding();
    context.forget();
  } finally {
    clearTimeout(deadline);
    signal.removeEventListener('abort', onClose);
    deps.logRequest({
      startedAt,
      accountId: servedBy,
      route: create.route,
      model: create.model,
      status,
      latencyMs: deps.nowMs() - startedAt,
      ttfbMs: facts.ttfbAt === null ? null : facts.ttfbAt - startedAt,
      ...tokenCounts(facts.usage),
      errorCode,
      reason: notes.join('; '),
      attempts,
      stream: true,
      transport: 'websocket',
      responseId: facts.responseId,
      ...conversationFacts(stickyHash, mappedAtStart, firstPick, tried.length),
    });
  }
}
