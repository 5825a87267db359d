/** The shapes the WebSocket bridge's parts share (connection, binding, one response's run). */
import type { IncomingHttpHeaders } from 'node:http';
import type WebSocket from 'ws';
import type { CodexPersona } from '../protocol';
import type { PoolState } from '../pool/pool-state';
import type { UpstreamTimeouts } from '../upstream/client';
import type { StreamFacts } from './upstream-attempt';
import type { OutputCollector } from './ws-context';

/** What a WebSocket try needs from the core. */
export interface WsTryDeps {
  pool: Pick<PoolState, 'ingestSample'>;
  persona: CodexPersona;
  newRequestId: () => string;
  now: () => number;
  nowMs: () => number;
  timeouts: UpstreamTimeouts;
  /** The HTTP base of the ChatGPT backend; its ws twin is derived from it. */
  upstreamBaseUrl: string;
  /** Largest message accepted from upstream (a completed response carries the whole output). */
  maxUpstreamPayload: number;
}

/** The upstream socket a client connection is bound to. */
export interface UpstreamBinding {
  accountId: string;
  /** The access token the socket was opened with: upstream authenticates a socket once, at its upgrade. */
  accessToken: string;
  socket: WebSocket;
  /** When it was opened (epoch ms): upstream ends connections after 60 minutes. */
  openedAt: number;
  /** The last response completed on this socket: upstream can chain only from it. */
  lastResponseId: string | undefined;
}

/** One client connection, as the tries see it. */
export interface WsConnection {
  /** The client's upgrade request headers (session ids, turn metadata, originator). */
  readonly inbound: IncomingHttpHeaders;
  /** The turn state upstream's upgrade gave this connection, sent again on a reconnect. */
  turnState: string | undefined;
  readonly binding: UpstreamBinding | undefined;
  bind(binding: UpstreamBinding): void;
  /** Closes and forgets the upstream socket, if any. */
  dropBinding(): void;
  /** Sends a text frame to the client (dropped when the client is gone). */
  send(text: string): void;
}

/** One `response.create` of the client, across its tries and accounts. */
export interface WsResponseRun {
  signal: AbortSignal;
  previousResponseId: string | undefined;
  /** The frame as the client meant it (maybe only new items, chained by `previous_response_id`). */
  clientFrame(): string;
  /** The frame with the whole conversation and no `previous_response_id`; undefined if the context is unknown. */
  fullFrame(): string | undefined;
  facts: StreamFacts;
  /** The current try's output items, for the context of the next turn. */
  output: OutputCollector;
  /** True once any event of this response reached the client: no failover after that. */
  wrote: boolean;
}

/** The abort reason of a client connection Codex Pool closes because it is stopping (not the client leaving). */
export const SERVER_STOPPING = 'server_shutting_down';
