/**
 * The browser login's local listener (PROTOCOL.md §1.1): bound to 127.0.0.1 on 1455, else 1457 — the only two
 * ports the client id allows — with the Codex CLI's sequence when 1455 is busy: ask the holder to `/cancel`
 * (usually a running `codex login`, or our own earlier login), retry the bind, then fall back.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoginError } from './code-exchange';

/** How to bind. Tests pass free ports (0 = any); production uses the defaults. */
export interface CallbackBindOptions {
  host: string;
  ports: readonly number[];
  /** Extra bind attempts on the first port after asking its holder to cancel (Codex CLI: 10). */
  retries: number;
  retryDelayMs: number;
}

/** A bound callback server and the port it got (the redirect URI must name it). */
export interface BoundCallback {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

function tryListen(server: Server, host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Asks whoever holds the port to give it up (`GET /cancel`, as the Codex CLI does). Errors are ignored. */
function sendCancel(host: string, port: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/cancel', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve());
    req.end();
  });
}

/** Binds a server running `handler` on the first free allowed port. Throws {@link LoginError} when none is. */
export async function bindCallbackServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: CallbackBindOptions,
): Promise<BoundCallback> {
  for (const [index, port] of options.ports.entries()) {
    const attempts = index === 0 ? options.retries + 1 : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const server = createServer(handler);
      if (await tryListen(server, options.host, port)) {
        const bound = (server.address() as AddressInfo).port;
        return {
          server,
          port: bound,
          close: () =>
            new Promise((resolve) => {
              if (!server.listening) return resolve();
              // Pages are sent with `connection: close`; a socket still open after a second is cut.
              const timer = setTimeout(() => server.closeAllConnections(), 1000);
              timer.unref();
              server.close(() => {
                clearTimeout(timer);
                resolve();
              });
              server.closeIdleConnections();
            }),
        };
      }
      if (port === 0) break;
      if (index === 0 && attempt === 0) await sendCancel(options.host, port);
      if (attempt < attempts - 1) await sleep(options.retryDelayMs);
    }
  }
  throw new LoginError(
    `The login callback ports (${options.ports.join(', ')}) are busy. Close other Codex logins (\`codex login\`) and try again.`,
  );
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain, self-contained page (no external resources) for the browser tab that finished the login. */
export function loginPage(kind: 'success' | 'error', message: string): string {
  const title = kind === 'success' ? 'Signed in to Codex Pool' : 'Codex Pool sign-in failed';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.error{color:#a40000}</style></head>
<body><h1 class="${kind}">${title}</h1><p>${escapeHtml(message)}</p>
<p>You can close this tab and return to Codex Pool.</p></body></html>`;
}

/** Writes an HTML page; the callback's answers are never cached and never framed. */
export function sendPage(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(html);
}
