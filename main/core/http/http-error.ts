import type { ErrorEnvelope } from '../../../shared/api';

/**
 * An error a client may see: a status, a stable code and a human message. Thrown anywhere below a route
 * handler and turned into the OpenAI error envelope in one place ({@link sendError}), so no route writes its
 * own error shape and no stack trace or internal detail ever reaches a client.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: {
      type?: string;
      param?: string;
      resetsAt?: number;
      retryAfter?: number;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The response body for this error. */
  toEnvelope(): ErrorEnvelope {
    return {
      error: {
        message: this.message,
        type: this.options.type ?? defaultType(this.status),
        code: this.code,
        ...(this.options.param !== undefined ? { param: this.options.param } : {}),
        ...(this.options.resetsAt !== undefined ? { resets_at: this.options.resetsAt } : {}),
      },
    };
  }
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
}
