import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import type { SimAccountView } from '../simulator/index';

/** The outcome of one `response.create`: the events up to a terminal one, or the close that ended it. */
export interface SocketTurn {
  events: Record<string, unknown>[];
  /** Set when the connection ended before a terminal event (1006 = dropped without a close frame). */
  closed?: { code: number };
}

export interface ResponsesSocket {
  readonly ws: WebSocket;
  readonly upgradeHeaders: IncomingHttpHeaders;
  /** Every event received so far. */
  readonly events: readonly Record<string, unknown>[];
  /** Send one frame as JSON. */
  send(frame: Record<string, unknown>): void;
  /** Send `response.create` with the body and collect its events. */
  turn(body: Record<string, unknown>): Promise<SocketTurn>;
  /** Resolves with the close code once the connection has ended. */
  readonly closed: Promise<number>;
  close(): Promise<number>;
}

/** A refused upgrade: the HTTP answer the server gave instead of 101. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with HTTP ${status}: ${body}`);
  }
}

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

/** Upstream-shaped handshake headers for a simulated account (what the proxy sends upstream). */
export function accountHeaders(
  account: Pick<SimAccountView, 'tokens' | 'chatgptAccountId'>,
): Record<string, string> {
  return {
    authorization: `Bearer ${account.tokens.accessToken}`,
    'chatgpt-account-id': account.chatgptAccountId,
    'openai-beta': 'responses_websockets=2026-02-06',
  };
}

/** Open a Responses WebSocket (permessage-deflate on, as the Codex CLI does). */
export function openResponsesSocket(url: string, headers: Record<string, string>): Promise<ResponsesSocket> {
  const ws = new WebSocket(url, { headers, perMessageDeflate: true });
  const events: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  let closeCode: number | undefined;
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code) => {
      closeCode = code;
      notify();
      resolve(code);
    }),
  );
  ws.on('message', (data) => {
    events.push(JSON.parse(String(data)) as Record<string, unknown>);
    notify();
  });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
    });
    ws.once('upgrade', (res) => {
      const socket: ResponsesSocket = {
        ws,
        upgradeHeaders: res.headers,
        events,
        closed,
        send: (frame) => ws.send(JSON.stringify(frame)),
        turn(body) {
          const start = events.length;
          ws.send(
            JSON.stringify({ type: 'response.create', model: 'gpt-5.5', store: false, input: [], ...body }),
          );
          return new Promise<SocketTurn>((done) => {
            const check = () => {
              const mine = events.slice(start);
              const end = mine.findIndex((e) => TERMINAL.has(String(e['type'])));
              if (end < 0 && closeCode === undefined) return;
              listeners.delete(check);
              if (end >= 0) done({ events: mine.slice(0, end + 1) });
              else done({ events: mine, closed: { code: closeCode ?? 1006 } });
            };
            listeners.add(check);
            check();
          });
        },
        close() {
          ws.close(1000);
          return closed;
        },
      };
      ws.once('open', () => resolve(socket));
    });
    ws.once('error', (e) => reject(e));
  });
}

/** A user message input item with one text part. */
export const userItem = (text: string) => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
});

/** Polls wait long enough for a loaded CI machine; they end as soon as the condition holds. */
export const POLL = { timeout: 10_000 };
