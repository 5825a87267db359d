import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Backend, Exchange } from './backend';
import { parseBody, readBody, sendJson } from './http-util';
import type { OAuthService } from './oauth';
import type { StreamOutcome } from './responses';

/** One request as the simulator saw it, for header-hygiene and routing assertions. */
export interface RecordedRequest {
  seq: number;
  /** Simulator clock at arrival (epoch seconds). */
  at: number;
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body. */
  body: Record<string, unknown> | undefined;
  /** The body's bytes as they arrived. */
  rawBody: Buffer;
  /** Simulator id and email of the account the bearer / refresh token belongs to. */
  accountId?: string;
  accountEmail?: string;
  /** Filled when the response finishes (0 when the socket was destroyed first). */
  status?: number;
  outcome?: StreamOutcome;
  /**
   * Set for the WebSocket variant: the upgrade (`frameType` absent, status 101 or the refusal) and each
   * client frame (`method` stays the upgrade's GET; `rawBody` is the frame's text, `body` its JSON).
   */
  transport?: 'websocket';
  /** Simulator-unique id of the WebSocket connection a frame arrived on. */
  connectionId?: number;
  /** The frame's `type` (`response.create`, `response.processed`), or `oversize` (status 1009) for a refused one. */
  frameType?: string;
  /** Bytes the frame took on the wire (after permessage-deflate), read from the socket. */
  wireBytes?: number;
}

export interface RequestLog {
  /** The next request sequence number, shared by HTTP requests and WebSocket frames. */
  nextSeq(): number;
  /** A request arrived (before it is answered). */
  record(r: RecordedRequest): void;
  /** A recorded request gained its status or outcome. */
  update(r: RecordedRequest): void;
}

type Handler = (x: Exchange) => void | Promise<void>;

/** Route table: exact `METHOD path` keys keep dispatch O(1) on the hot path. */
function routes(backend: Backend, oauth: OAuthService): Map<string, Handler> {
  const body = (x: Exchange) => x.body ?? {};
  const html = (text: string) => (x: Exchange) => {
    x.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    x.res.end(`<!doctype html><title>Simulator</title><p>${text}</p>`);
  };
  return new Map<string, Handler>([
    [
      'GET /oauth/authorize',
      (x) => oauth.authorize(x.res, new URL(x.req.url ?? '/', 'http://sim').searchParams),
    ],
    [
      'POST /oauth/token',
      (x) => {
        const account = oauth.token(x.res, body(x));
        if (account) x.account = account;
      },
    ],
    ['POST /oauth/revoke', (x) => oauth.revoke(x.res, body(x))],
    ['POST /api/accounts/deviceauth/usercode', (x) => oauth.deviceUsercode(x.res, body(x))],
    ['POST /api/accounts/deviceauth/token', (x) => oauth.deviceToken(x.res, body(x))],
    ['GET /codex/device', html('Enter the code shown by your client (simulated: approve it from the test).')],
    ['GET /deviceauth/callback', html('Device login complete.')],
    ['POST /backend-api/codex/responses', (x) => backend.responses(x, false)],
    ['POST /v1/responses', (x) => backend.responses(x, true)],
    ['POST /backend-api/codex/responses/compact', (x) => backend.compact(x)],
    ['POST /v1/responses/compact', (x) => backend.compact(x)],
    ['GET /backend-api/codex/models', (x) => backend.models(x, false)],
    ['GET /v1/models', (x) => backend.models(x, true)],
    ['GET /backend-api/wham/usage', (x) => backend.usage(x)],
    ['GET /api/codex/usage', (x) => backend.usage(x)],
    // Codex calls these at start-up; 404 on the accounts check is what it tolerates (PROTOCOL.md §15).
    ['GET /backend-api/wham/accounts/check', (x) => sendJson(x.res, 404, { detail: 'Not Found' })],
    ['GET /backend-api/wham/settings/user', (x) => sendJson(x.res, 200, {})],
  ]);
}

export function createSimServer(
  backend: Backend,
  oauth: OAuthService,
  log: RequestLog,
  now: () => number,
  closing: AbortSignal,
): Server {
  const table = routes(backend, oauth);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const raw = await readBody(req);
    const body = parseBody(raw, req.headers['content-type']);
    const record: RecordedRequest = {
      seq: log.nextSeq(),
      at: now(),
      method: req.method ?? 'GET',
      path,
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      body,
      rawBody: raw,
    };
    const controller = new AbortController();
    const abort = () => controller.abort();
    res.once('close', abort);
    closing.addEventListener('abort', abort, { once: true });
    const x: Exchange = { req, res, body, rawLength: raw.length, signal: controller.signal };
    res.once('close', () => {
      closing.removeEventListener('abort', abort);
      record.status = res.headersSent ? res.statusCode : 0;
      log.update(record);
    });
    const handler = table.get(`${record.method} ${path}`);
    if (!handler) {
      log.record(record);
      return sendJson(res, 404, { detail: 'Not Found' });
    }
    // Record before the handler runs so a stalled stream is visible to tests; the account is set
    // synchronously by authentication, before any await in the handlers.
    const pending = handler(x);
    if (x.account) {
      record.accountId = x.account.id;
      record.accountEmail = x.account.email;
    }
    log.record(record);
    await pending;
    if (x.outcome) {
      record.outcome = x.outcome;
      log.update(record);
    }
  };
  return createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: String(e), type: 'server_error', code: 'simulator_bug' } });
      else res.destroy();
    });
  });
}
