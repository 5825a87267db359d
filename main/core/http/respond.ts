import type { ServerResponse } from 'node:http';
import { HttpError } from './http-error';

/** Writes a JSON response unless the response has already started. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Writes any thrown value as the error envelope. Unknown errors become a bare 500 `internal_error` whose
 * message says nothing about the cause: details go to the log, never to the client.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  const error =
    err instanceof HttpError
      ? err
      : new HttpError(500, 'internal_error', 'Internal error in Codex Pool; see its log.');
  const headers: Record<string, string> = { ...error.options.headers };
  if (error.options.retryAfter !== undefined) headers['retry-after'] = String(error.options.retryAfter);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, error.toEnvelope(), headers);
}
