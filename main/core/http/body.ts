import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

/** Default cap on request bodies. Codex resends the whole conversation each turn (40–45 kB typical). */
export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

/**
 * Reads the whole request body, refusing bodies over `limit` with 413 as soon as the limit is crossed
 * (an oversized body is never buffered whole). Listens for `data`/`end` rather than iterating the request: an
 * async iterator costs a promise per chunk and its own stream plumbing on every proxied request (issue 14).
 */
export function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.resume(); // the rest is read and dropped, so the 413 can still be answered
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    // A client that hangs up mid-body ends the request without `end`: fail like the iterator did.
    const onClose = (): void => {
      done();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Reads and parses a JSON body; malformed JSON or a non-JSON content type is a 400 in the envelope. */
export async function readJson(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Send the body as JSON (content-type: application/json).',
    );
  }
  const raw = await readBody(req, limit);
  if (raw.length === 0) throw new HttpError(400, 'invalid_json', 'The request body is empty; expected JSON.');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    // V8's SyntaxError quotes a slice of the input, which may hold a token: never echo it.
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    'request_too_large',
    `The request body is larger than ${Math.round(limit / 1024 / 1024)} MiB.`,
  );
}
