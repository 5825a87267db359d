import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/** Cap on a refused handshake's body we read (an error envelope is small). */
const MAX_REFUSAL_BODY = 64 * 1024;

/** How an upstream WebSocket handshake ended. */
export type UpstreamSocketResult =
  | { kind: 'open'; socket: WebSocket; headers: Record<string, string | string[] | undefined> }
  /** Upstream answered the upgrade with an HTTP status (401, 429, 5xx…): classified like an HTTP answer. */
  | { kind: 'refused'; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  /** No answer: refused connection, reset, timeout, or the caller aborted. */
  | { kind: 'error'; error: unknown };

/** What {@link openUpstreamSocket} needs. */
export interface UpstreamSocketOptions {
  url: string;
  headers: Record<string, string>;
  /** TCP + TLS + upgrade, in ms. */
  handshakeTimeoutMs: number;
  /** Largest message accepted from upstream. */
  maxPayload: number;
  signal: AbortSignal;
}

/**
 * The ws URL of the upstream Responses endpoint: the HTTP base with its scheme swapped (`https` → `wss`).
 */
export function upstreamSocketUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * Opens a WebSocket to upstream with permessage-deflate offered (§7). Resolves once the handshake is decided;
 * never rejects. An aborted signal ends a pending handshake as an error.
 */
export function openUpstreamSocket(options: UpstreamSocketOptions): Promise<UpstreamSocketResult> {
  return new Promise((resolve) => {
    let settled = false;
    let upgradeHeaders: Record<string, string | string[] | undefined> = {};
    const socket = new WebSocket(options.url, {
      headers: options.headers,
      perMessageDeflate: true,
      handshakeTimeout: options.handshakeTimeoutMs,
      maxPayload: options.maxPayload,
      followRedirects: false,
    });
    const settle = (result: UpstreamSocketResult): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => {
      socket.terminate();
      settle({ kind: 'error', error: Object.assign(new Error('aborted'), { name: 'AbortError' }) });
    };
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('upgrade', (res: IncomingMessage) => (upgradeHeaders = res.headers));
    socket.once('open', () => settle({ kind: 'open', socket, headers: upgradeHeaders }));
    socket.on('error', (error) => settle({ kind: 'error', error }));
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        socket.terminate();
        settle({
          kind: 'refused',
          status: res.statusCode ?? 502,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        });
      };
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REFUSAL_BODY) chunks.push(chunk);
      });
      res.once('end', done);
      res.once('error', done);
    });
  });
}
