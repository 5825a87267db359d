import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';

/** Timeouts of upstream calls, in milliseconds. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From sending the request to the response headers (a slow first byte is normal for reasoning models). */
  headersMs: number;
  /** Longest silence inside a response body before we call the stream stalled (Codex's own default: 300 s). */
  bodyIdleMs: number;
}

/** Defaults matching the Codex CLI's patience, so we never give up before the client would. */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  connectMs: 10_000,
  headersMs: 300_000,
  bodyIdleMs: 300_000,
};

/**
 * Builds the keep-alive connection pool to upstream. When `HTTPS_PROXY` / `HTTP_PROXY` is set (corporate
 * networks), undici's EnvHttpProxyAgent routes through it and honours `NO_PROXY`.
 */
export function createUpstreamDispatcher(
  env: Record<string, string | undefined>,
  timeouts: UpstreamTimeouts = DEFAULT_UPSTREAM_TIMEOUTS,
): Dispatcher {
  const options = {
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyIdleMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connections: 128,
  };
  // Read from the injected environment (not undici's own look at process.env), so tests and the desktop shell
  // decide what counts.
  const pick = (name: string): string | undefined => env[name] ?? env[name.toLowerCase()] ?? undefined;
  const httpProxy = pick('HTTP_PROXY');
  const httpsProxy = pick('HTTPS_PROXY') ?? httpProxy;
  if (!httpProxy && !httpsProxy) return new Agent(options);
  return new EnvHttpProxyAgent({
    ...options,
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    noProxy: pick('NO_PROXY') ?? '',
  });
}

/** A response from upstream: status, headers and a body stream that must be consumed or destroyed. */
export type UpstreamResponse = Dispatcher.ResponseData;

/** The one way the core talks to the ChatGPT backend and the auth server. Base URLs are injected. */
export class UpstreamClient {
  constructor(
    private readonly dispatcher: Dispatcher,
    readonly baseUrl: string,
  ) {}

  /** Sends a request to `baseUrl + path`. `signal` aborts it, e.g. when the client disconnects. */
  send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
    signal?: AbortSignal,
  ): Promise<UpstreamResponse> {
    return request(this.baseUrl + path, {
      method,
      headers,
      body,
      signal,
      dispatcher: this.dispatcher,
    });
  }

  /** Closes idle connections; in-flight requests finish. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
