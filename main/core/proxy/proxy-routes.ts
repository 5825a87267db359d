import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  chatToResponsesRequest,
  extractStickyKey,
  clientErrorBody,
  prepareCompactBody,
  prepareResponsesBody,
  type BodyError,
} from '../protocol';
import type { Route } from '../http/router';
import { readBody } from '../http/body';
import { sendJson } from '../http/respond';
import { HttpError } from '../http/http-error';
import { runExchange, type ExchangeDeps, type ExchangeRequest } from './exchange';
import { ChatStreamSink, RawSseSink, chatCollector, responseCollector, type ResponseSink } from './sinks';

/** Largest request body we accept (Codex resends the whole conversation every turn). */
export const MAX_REQUEST_BODY = 32 * 1024 * 1024;

/** Codex-only events that OpenAI SDK stream helpers reject. */
const SDK_DROPPED_EVENTS: ReadonlySet<string> = new Set(['codex.rate_limits']);

/** What the proxy routes need beyond the exchange. */
export interface ProxyRouteDeps extends ExchangeDeps {
  /** Throws an {@link HttpError} when the client must present a valid proxy API key and did not. */
  authorizeClient(req: IncomingMessage): void;
  /** `GET …/models`: the upstream catalog (cached), as upstream shapes it. */
  catalog(): Promise<unknown>;
  /** `GET /v1/models`: the catalog in the OpenAI list shape. */
  openAiModels(): Promise<unknown>;
  /** The pool's quota in the upstream usage shape. */
  pooledUsage(): unknown;
}

/** Client-facing routes (ARCHITECTURE.md "Proxy routes"). */
export function proxyRoutes(deps: ProxyRouteDeps): Route[] {
  // Each handler keeps only the exchange across its `await`: the parsed body (the whole conversation) stays in
  // the synchronous step that builds it, so it is garbage before the stream starts instead of being held, and
  // promoted to the old heap, for the stream's whole life (issue 14: RSS at 200 streams).
  const responses = (route: string) => async (req: IncomingMessage, res: ServerResponse) => {
    deps.authorizeClient(req);
    const started = startResponses(req, res, route, await readBody(req, MAX_REQUEST_BODY));
    if (started) await runExchange(deps, started.request, res, started.sink);
  };
  const compact = (route: string) => async (req: IncomingMessage, res: ServerResponse) => {
    deps.authorizeClient(req);
    const started = startCompact(req, res, route, await readBody(req, MAX_REQUEST_BODY));
    if (started) await runExchange(deps, started.request, res, started.sink);
  };
  const chat = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    deps.authorizeClient(req);
    const started = startChat(req, res, deps.now, await readBody(req, MAX_REQUEST_BODY));
    if (started) await runExchange(deps, started.request, res, started.sink);
  };
  const json =
    (produce: () => unknown | Promise<unknown>) => async (req: IncomingMessage, res: ServerResponse) => {
      deps.authorizeClient(req);
      sendJson(res, 200, await produce());
    };

  return [
    {
      method: 'POST',
      path: '/backend-api/codex/responses',
      handler: responses('/backend-api/codex/responses'),
    },
    {
      method: 'POST',
      path: '/backend-api/codex/v1/responses',
      handler: responses('/backend-api/codex/responses'),
    },
    { method: 'POST', path: '/v1/responses', handler: responses('/v1/responses') },
    {
      method: 'POST',
      path: '/backend-api/codex/responses/compact',
      handler: compact('/backend-api/codex/responses/compact'),
    },
    {
      method: 'POST',
      path: '/backend-api/codex/v1/responses/compact',
      handler: compact('/backend-api/codex/responses/compact'),
    },
    { method: 'POST', path: '/v1/responses/compact', handler: compact('/v1/responses/compact') },
    { method: 'POST', path: '/v1/chat/completions', handler: chat },
    { method: 'GET', path: '/backend-api/codex/models', handler: json(deps.catalog) },
    { method: 'GET', path: '/backend-api/codex/v1/models', handler: json(deps.catalog) },
    { method: 'GET', path: '/v1/models', handler: json(deps.openAiModels) },
    { method: 'GET', path: '/api/codex/usage', handler: json(deps.pooledUsage) },
    { method: 'GET', path: '/backend-api/wham/usage', handler: json(deps.pooledUsage) },
  ];
}

/** An exchange ready to run, or undefined once a 400 was answered. */
type Started = { request: ExchangeRequest; sink: ResponseSink } | undefined;

function startResponses(req: IncomingMessage, res: ServerResponse, route: string, raw: Buffer): Started {
  const prepared = withinDepth(() => prepareResponsesBody(parseJson(raw)));
  if (!prepared.ok) return badRequest(res, prepared);
  const sink: ResponseSink = prepared.stream
    ? new RawSseSink(res, route.startsWith('/v1/') ? SDK_DROPPED_EVENTS : undefined)
    : responseCollector(res);
  const bodyText = prepared.rewritten ? undefined : raw;
  return { request: exchange(req, route, prepared, '/codex/responses', bodyText), sink };
}

function startCompact(req: IncomingMessage, res: ServerResponse, route: string, raw: Buffer): Started {
  const prepared = withinDepth(() => prepareCompactBody(parseJson(raw)));
  if (!prepared.ok) return badRequest(res, prepared);
  const request = exchange(req, route, { ...prepared, stream: false }, '/codex/responses/compact');
  return { request, sink: responseCollectorPassThrough(res) };
}

function startChat(req: IncomingMessage, res: ServerResponse, clock: () => number, raw: Buffer): Started {
  const now = clock();
  const prepared = withinDepth(() => chatToResponsesRequest(parseJson(raw)));
  if (!prepared.ok) return badRequest(res, prepared);
  const sink: ResponseSink = prepared.stream
    ? new ChatStreamSink(res, { model: prepared.model, includeUsage: prepared.includeUsage, now })
    : chatCollector(res, { model: prepared.model, now });
  return { request: exchange(req, '/v1/chat/completions', prepared, '/codex/responses'), sink };
}

/**
 * The exchange for a prepared body. `raw`: the client's own bytes, when they need no rewrite; otherwise the
 * body is serialised here, where a body nested too deeply to serialise is still the client's error.
 */
function exchange(
  req: IncomingMessage,
  route: string,
  prepared: { body: Record<string, unknown>; model: string; previousResponseId?: string; stream: boolean },
  upstreamPath: ExchangeRequest['upstreamPath'],
  raw?: Buffer,
): ExchangeRequest {
  return {
    route,
    upstreamPath,
    stickyKey: extractStickyKey(prepared.body, req.headers),
    // Bytes, not a string: undici would copy a string into a new buffer on every attempt.
    bodyText: raw ?? Buffer.from(withinDepth(() => JSON.stringify(prepared.body))),
    model: prepared.model,
    ...(prepared.previousResponseId !== undefined ? { previousResponseId: prepared.previousResponseId } : {}),
    inbound: req.headers,
    stream: prepared.stream,
  };
}

/** The compact endpoint answers upstream's JSON unchanged. */
function responseCollectorPassThrough(res: ServerResponse): ResponseSink {
  let headers: Record<string, string> = {};
  let raw: Buffer | undefined;
  return {
    parseAll: false,
    wrote: false,
    setHeaders: (h) => (headers = h),
    commit: () => undefined,
    event: (e) => {
      raw = e.raw;
    },
    flush: () => undefined,
    complete: () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': raw?.length ?? 0,
        ...headers,
      });
      res.end(raw);
    },
    abort: (failure) => sendJson(res, 502, clientErrorBody(failure.code, failure.message)),
  };
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new HttpError(400, 'invalid_json', 'The request body is empty; expected JSON.');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep();
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}

/**
 * Runs a step that walks the client's JSON recursively (validation, translation, serialisation). A body nested
 * so deeply that the walk overflows the stack (100,000 nested arrays) is a bad request, not a crash.
 */
function withinDepth<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep();
    throw err;
  }
}

function tooDeep(): HttpError {
  return new HttpError(400, 'invalid_json', 'The request body is nested too deeply to process.');
}

function badRequest(res: ServerResponse, error: BodyError): undefined {
  sendJson(
    res,
    error.status,
    clientErrorBody(error.code, error.message, error.param === undefined ? {} : { param: error.param }),
  );
}
