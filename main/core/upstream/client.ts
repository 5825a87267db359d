import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent } from './undici-parts';

/**
 * Timeouts of upstream calls, in milliseconds. Every bound sits below the Codex CLI's own 300 s idle timeout, so
 * the client always hears our clear error (or another account's answer) before it gives up on its own.
 */
export interface UpstreamTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /**
   * One attempt's wait for the response headers, and then for the first event after the opening ones
   * (`response.created` …, which the relay holds back). Past it the account is stalling: fail over.
   */
  headersMs: number;
  /** Longest silence inside a response body once it streams to the client; past it, `stream_idle_timeout`. */
  bodyIdleMs: number;
  /** From the request's arrival to the first byte the client hears, over every attempt; past it, a 504. */
  firstByteMs: number;
  /**
   * Ping period of a bound upstream WebSocket; one that answered nothing for a whole period is closed, so a peer
   * gone silent while idle (a NAT that dropped the mapping) is replaced before the next turn, not waited on.
   */
  webSocketPingMs: number;
}

/** Defaults: reasoning models may think for a while, but never as long as the client's 300 s. */
export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  connectMs: 10_000,
  headersMs: 60_000,
  bodyIdleMs: 240_000,
  firstByteMs: 240_000,
  webSocketPingMs: 30_000,
};

/**
 * Upstream connections open at once. Each stream holds one for its whole answer, so this is the number of
 * concurrent streams before requests queue; high enough that the machine, not the pool, is the limit.
 */
export const DEFAULT_UPSTREAM_CONNECTIONS = 1024;

/**
 * Builds the keep-alive connection pool to upstream. When `HTTPS_PROXY` / `HTTP_PROXY` is set (corporate
 * networks), undici's EnvHttpProxyAgent routes through it and honours `NO_PROXY`.
 */
export function createUpstreamDispatcher(
  env: Record<string, string | undefined>,
  timeouts: UpstreamTimeouts = DEFAULT_UPSTREAM_TIMEOUTS,
  connections = DEFAULT_UPSTREAM_CONNECTIONS,
): Dispatcher {
  const options = {
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyIdleMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connections,
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

/** Called (at most once a minute) when more requests are open than there are upstream connections. */
export type QueueWarning = (open: number) => void;

/** How often a queue at the connection cap is reported. */
const QUEUE_WARNING_INTERVAL_MS = 60_000;

/** The one way the core talks to the ChatGPT backend and the auth server. Base URLs are injected. */
export class UpstreamClient {
  private readonly origin: string;
  private readonly basePath: string;
  private lastQueueWarning = -Infinity;
  /** Requests whose response body is still open: each holds one connection. */
  private open = 0;

  constructor(
    private readonly dispatcher: Dispatcher,
    readonly baseUrl: string,
    private readonly queue?: { connections: number; onQueued: QueueWarning },
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  /** Sends a request to `baseUrl + path`. `signal` aborts it, e.g. when the client disconnects. */
  send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
    signal?: AbortSignal,
  ): Promise<UpstreamResponse> {
    // Origin and path as parts: undici need not parse a URL string on every request.
    const pending = this.dispatcher.request({
      origin: this.origin,
      path: this.basePath + path,
      method,
      headers,
      body: body ?? null,
      signal: signal ?? null,
    });
    if (this.queue) this.count(pending, this.queue);
    return pending;
  }

  /**
   * Counts open requests, so that a queue at the connection cap is a clear log line, not a silent wait. (undici's
   * own `stats` walks every connection of the pool: too dear to read per request.)
   */
  private count(
    pending: Promise<UpstreamResponse>,
    queue: { connections: number; onQueued: QueueWarning },
  ): void {
    this.open += 1;
    const done = (): void => void (this.open -= 1);
    pending.then((res) => res.body.once('close', done), done);
    if (this.open <= queue.connections) return;
    const now = Date.now();
    if (now - this.lastQueueWarning < QUEUE_WARNING_INTERVAL_MS) return;
    this.lastQueueWarning = now;
    queue.onQueued(this.open);
  }

  /** Closes idle connections; in-flight requests finish. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/** The two upstream clients of a core over one connection pool, and the bounds they run with. */
export interface Upstreams {
  /** The ChatGPT backend (responses, usage, models). */
  upstream: UpstreamClient;
  /** The OpenAI auth server (token exchange and refresh). */
  auth: UpstreamClient;
  timeouts: UpstreamTimeouts;
  /** Closes idle connections of both. */
  close(): Promise<void>;
}

/**
 * Builds the upstream side: bounds from the defaults, then the environment's settings, then the caller's (tests);
 * one keep-alive pool for both base URLs; a log line through `warn` when requests wait at the connection cap.
 */
export function createUpstreams(options: {
  env: Record<string, string | undefined>;
  upstreamBaseUrl: string;
  authBaseUrl: string;
  configured: { connections?: number } & Partial<UpstreamTimeouts>;
  overrides?: Partial<UpstreamTimeouts>;
  warn: (message: string, fields: Record<string, unknown>) => void;
}): Upstreams {
  const { connections = DEFAULT_UPSTREAM_CONNECTIONS, ...configuredTimeouts } = options.configured;
  const timeouts: UpstreamTimeouts = {
    ...DEFAULT_UPSTREAM_TIMEOUTS,
    ...configuredTimeouts,
    ...options.overrides,
  };
  const dispatcher = createUpstreamDispatcher(options.env, timeouts, connections);
  const upstream = new UpstreamClient(dispatcher, options.upstreamBaseUrl, {
    connections,
    onQueued: (open) =>
      options.warn('requests are waiting for an upstream connection; raise CODEX_POOL_UPSTREAM_CONNECTIONS', {
        open,
        cap: connections,
      }),
  });
  const auth = new UpstreamClient(dispatcher, options.authBaseUrl);
  return { upstream, auth, timeouts, close: () => dispatcher.close() };
}
