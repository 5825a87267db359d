import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import { HttpError } from './http-error';
import { sendError } from './respond';
import type { Router } from './router';

/**
 * Bounds on what a client may hold (issue 8: 100 connections sending a byte every 10 s stayed open for good).
 * Only the request side is bounded: once a request is fully received, its response may stream for as long as
 * upstream keeps talking, so a long Codex turn is never cut.
 */
export interface ClientLimits {
  /** Time to receive a request's headers, counted from the connection or the request's first byte (ms). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (ms); at least `headersTimeoutMs`. */
  requestTimeoutMs: number;
  /** Open client connections beyond this are refused (closed at once) and logged. */
  maxConnections: number;
  /** How often the timeouts above are checked (ms): their granularity. */
  checkIntervalMs: number;
}

/**
 * Defaults: generous for a slow remote link uploading a large prompt, short for a stuck client. The connection
 * bound matches the upstream connection cap (each stream holds one of each), so streams queue on neither side
 * before the machine is the limit.
 */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  maxConnections: 1024,
  checkIntervalMs: 5_000,
};

/** A refusal is logged at most this often, so a flood of connections cannot flood the log too. */
const DROP_LOG_INTERVAL_MS = 10_000;

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  limits?: Partial<ClientLimits>;
  /**
   * Turns an error no handler recognised into the answer a client can act on (a full disk → 507), or null to
   * leave it a bare 500. The cause is still logged.
   */
  mapError?: (err: unknown) => HttpError | null;
  /** Takes an upgrade request it serves (the proxy's WebSocket routes) and returns true; false for the rest. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
}

/**
 * The one HTTP server of the core: proxy routes, the admin API and the dashboard share it (ARCHITECTURE.md
 * "Why HTTP and not IPC"). Everything a handler throws ends as the error envelope; unknown errors are logged
 * here, with the route, and answered with a bare 500 unless `mapError` knows them.
 */
export function createHttpServer(router: Router, log: Logger, options: HttpServerOptions = {}): Server {
  const limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits };
  const server = createServer(
    {
      // Node answers 408 and closes a connection that has not delivered its headers or its whole request in
      // time; a connection whose request is complete is no longer timed, whatever its response does.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      keepAliveTimeout: 65_000,
    },
    (req, res) => {
      track(server, res);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      const method = req.method ?? 'GET';
      const match = router.match(method, pathname);
      const fail = (err: unknown): void => {
        if (err instanceof HttpError) return sendError(res, err);
        log.error('request failed', { method, path: pathname, err });
        sendError(res, options.mapError?.(err) ?? err);
      };
      if (match.kind === 'not_found')
        return fail(new HttpError(404, 'not_found', `No route for ${method} ${pathname}.`));
      if (match.kind === 'method_not_allowed') {
        return fail(
          new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}.`, {
            headers: { allow: match.allowed.join(', ') },
          }),
        );
      }
      try {
        const result = match.handler(req, res, match.params);
        if (result instanceof Promise) result.catch(fail);
      } catch (err) {
        fail(err);
      }
    },
  );
  server.maxConnections = limits.maxConnections;
  let lastDropLog = 0;
  let dropped = 0;
  server.on('drop', () => {
    dropped += 1;
    const t = Date.now();
    if (t - lastDropLog < DROP_LOG_INTERVAL_MS) return;
    log.warn('refused client connections: the open-connection limit is reached', {
      limit: limits.maxConnections,
      refused: dropped,
    });
    lastDropLog = t;
    dropped = 0;
  });
  // Upgrades the proxy does not serve (another path, or WebSockets turned off) are refused, so the Codex CLI
  // falls back to HTTP streaming at once (PROTOCOL.md §12).
  server.on('upgrade', (req, socket, head) => {
    // Node drops its own error listener from an upgraded socket: without one, a client resetting its connection
    // while its upgrade is answered (426, a refusal, or the pool still opening upstream) would crash the process.
    socket.on('error', () => undefined);
    try {
      if (options.upgrade?.(req, socket, head)) return;
    } catch (err) {
      log.error('websocket upgrade failed', { path: (req.url ?? '/').split('?')[0], err });
      socket.destroy();
      return;
    }
    const body = JSON.stringify({
      error: {
        message: 'WebSocket transport is not available here; use HTTP streaming.',
        type: 'invalid_request_error',
        code: 'websocket_not_supported',
      },
    });
    socket.end(
      `HTTP/1.1 426 Upgrade Required\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  return server;
}

/** Listens and resolves with the bound port (port 0 picks a free one). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Requests whose response has not closed yet, per server: what a graceful stop waits for. */
const inFlight = new WeakMap<Server, { count: number; drained?: () => void }>();

function track(server: Server, res: ServerResponse): void {
  const state = inFlight.get(server) ?? { count: 0 };
  inFlight.set(server, state);
  state.count += 1;
  res.once('close', () => {
    state.count -= 1;
    if (state.count === 0) state.drained?.();
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then closes every
 * connection. Waiting on requests rather than sockets means an idle keep-alive client never delays shutdown.
 */
export async function close(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const state = inFlight.get(server);
  if (state && state.count > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      timer.unref();
      state.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  server.closeAllConnections();
  await closed;
}
