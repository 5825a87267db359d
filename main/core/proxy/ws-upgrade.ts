/**
 * WebSocket upgrades on the Responses routes (PROTOCOL.md §7, §12): the same door as HTTP (Host and Origin
 * checks, proxy API keys), permessage-deflate negotiated with the client, then one bridge per connection.
 * Other paths are not ours: the server answers them 426, as before.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HttpError } from '../http/http-error';
import { bridgeConnection, createWsConnection, type BridgedConnection } from './ws-bridge';
import { preconnect } from './ws-preconnect';
import type { WsExchangeDeps } from './ws-exchange';

/** Client routes served over WebSocket, and the route each is logged under (`…/codex/v1/…` is rewritten, §12). */
const WS_ROUTES: ReadonlyMap<string, string> = new Map([
  ['/backend-api/codex/responses', '/backend-api/codex/responses'],
  ['/backend-api/codex/v1/responses', '/backend-api/codex/responses'],
  ['/v1/responses', '/v1/responses'],
]);

/**
 * Largest client message `ws` buffers at all (it closes with 1009 above it). Frames between the 15 MiB
 * forwarding cap and this get the 400 error event instead; this bound only keeps memory in check, as the
 * HTTP body limit does.
 */
export const MAX_WS_MESSAGE_BYTES = 32 * 1024 * 1024;

/** What the upgrade handler needs. */
export interface WsUpgradeDeps extends WsExchangeDeps {
  /** Throws an {@link HttpError} when the client may not use the proxy (client-gate). */
  authorizeClient(req: IncomingMessage): void;
  /** False when upstream is reached through an HTTP proxy, which the WebSocket client does not use. */
  enabled: boolean;
}

/** The server's upgrade hook and the lifecycle of the connections it accepted. */
export interface WsUpgrade {
  /** Handles an upgrade; false when the path is not a WebSocket route (the server answers 426). */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Lets responses in flight finish for up to `graceMs`, then closes every connection. */
  close(graceMs: number): Promise<void>;
}

/** Builds the upgrade handler. */
export function createWsUpgrade(deps: WsUpgradeDeps): WsUpgrade {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: true,
    maxPayload: MAX_WS_MESSAGE_BYTES,
    clientTracking: false,
  });
  const connections = new Set<BridgedConnection>();
  let closing = false;
  /** Upstream's upgrade headers to relay in each client's own 101 answer. */
  const relayed = new WeakMap<IncomingMessage, Record<string, string>>();
  wss.on('headers', (lines: string[], req: IncomingMessage) => {
    for (const [name, value] of Object.entries(relayed.get(req) ?? {})) lines.push(`${name}: ${value}`);
  });

  return {
    handle(req, socket, head) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const route = WS_ROUTES.get(q === -1 ? url : url.slice(0, q));
      if (route === undefined || !deps.enabled) return false;
      try {
        deps.authorizeClient(req);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        refuseUpgrade(socket, err);
        return true;
      }
      const conn = createWsConnection(req.headers, deps.timeouts.webSocketPingMs);
      const accept = (): void =>
        wss.handleUpgrade(req, socket, head, (client) => {
          const bridged = bridgeConnection(deps, client, conn, route);
          connections.add(bridged);
          client.once('close', () => connections.delete(bridged));
        });
      // A malformed handshake costs no upstream socket: ws answers it (400) at once.
      if (closing || !wellFormedHandshake(req)) {
        accept();
        return true;
      }
      const gone = new AbortController();
      let accepted = false;
      // Whatever ends the client's socket before it is bridged (it left, ws refused it) frees the upstream one.
      socket.once('close', () => {
        gone.abort();
        if (!accepted) conn.dropBinding();
      });
      void preconnect(deps, conn, gone.signal)
        .catch((err: unknown) => {
          deps.log.error('websocket preconnect failed', { err });
          return {};
        })
        .then((headers) => {
          if (socket.destroyed || closing) {
            conn.dropBinding();
            return socket.destroy();
          }
          relayed.set(req, headers);
          accepted = true;
          accept();
        });
      return true;
    },
    async close(graceMs) {
      closing = true;
      const all = [...connections];
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      });
      await Promise.race([Promise.all(all.map((c) => c.shutdown())), graceOver]);
      clearTimeout(timer);
      for (const c of all) c.terminate();
      wss.close();
    },
  };
}

/** The handshake fields ws checks (RFC 6455 §4.2.1), so a request it would refuse is refused before any upstream work. */
function wellFormedHandshake(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    req.headers['sec-websocket-version'] === '13' &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key)
  );
}

/** Answers a refused upgrade as HTTP, with the same envelope an HTTP request would get. */
function refuseUpgrade(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify(error.toEnvelope());
  const headers: Record<string, string> = {
    connection: 'close',
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...error.options.headers,
  };
  if (error.options.retryAfter !== undefined) headers['retry-after'] = String(error.options.retryAfter);
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${lines.join('')}\r\n${body}`);
}
