import { createServer, type Server } from 'node:http';
import type { Logger } from '../log';
import { HttpError } from './http-error';
import { sendError } from './respond';
import type { Router } from './router';

/**
 * The one HTTP server of the core: proxy routes, the admin API and the dashboard share it (ARCHITECTURE.md
 * "Why HTTP and not IPC"). Everything a handler throws ends as the error envelope; unknown errors are logged
 * here, with the route, and answered with a bare 500.
 */
export function createHttpServer(router: Router, log: Logger): Server {
  const server = createServer(
    { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000 },
    (req, res) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      const method = req.method ?? 'GET';
      const match = router.match(method, pathname);
      const fail = (err: unknown): void => {
        if (!(err instanceof HttpError)) log.error('request failed', { method, path: pathname, err });
        sendError(res, err);
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

/**
 * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then cuts what is left.
 * Idle keep-alive sockets are closed at once so an idle client never delays shutdown.
 */
export function close(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
