/**
 * The proxy's face to clients, wired from the core's services: the client gate, the HTTP routes and the
 * WebSocket upgrades, over one set of exchange dependencies so both transports select, try and log alike.
 */
import { randomUUID } from 'node:crypto';
import type { TokenService } from './accounts/token-service';
import type { GuardOptions } from './admin/guard';
import type { GatedModelEntry } from './balancer';
import type { CoreConfig } from './config';
import type { ClientsSeen } from './connect/client-seen';
import type { SelfTest } from './connect/self-test';
import type { Logger } from './log';
import type { Route } from './http/router';
import type { PoolState } from './pool/pool-state';
import type { Affinity } from './proxy/affinity';
import type { ApiKeyService } from './proxy/api-keys';
import type { ModelCatalog } from './proxy/catalog';
import { createClientGate } from './proxy/client-gate';
import type { ExchangeDeps } from './proxy/exchange';
import { codexPersona } from './proxy/persona';
import { proxyRoutes } from './proxy/proxy-routes';
import { MAX_WS_MESSAGE_BYTES, createWsUpgrade, type WsUpgrade } from './proxy/ws-upgrade';
import type { SettingsService } from './settings/settings-service';
import type { RequestLogInput } from './store';
import type { UpstreamClient, UpstreamTimeouts } from './upstream/client';
import type { PooledUsageCache } from './usage/pooled-usage-cache';

/** What the proxy surface is built from. */
export interface ProxySurfaceDeps {
  config: CoreConfig;
  env: Record<string, string | undefined>;
  hostGuard: Pick<GuardOptions, 'boundHost' | 'port'>;
  log: Logger;
  now: () => number;
  random: () => number;
  pool: PoolState;
  tokens: TokenService;
  upstream: UpstreamClient;
  timeouts: UpstreamTimeouts;
  affinity: Affinity;
  settings: SettingsService;
  registry: () => readonly GatedModelEntry[];
  apiKeys: ApiKeyService;
  catalog: ModelCatalog;
  pooledUsage: PooledUsageCache;
  keyRequired: () => boolean;
  clientsSeen: ClientsSeen;
  selfTest: SelfTest;
  /** Every answered request or WebSocket response, once (the request log, insight, events). */
  onRequestLogged: (row: RequestLogInput) => void;
}

/** The proxy's routes and upgrade handler. */
export interface ProxySurface {
  routes: Route[];
  websocket: WsUpgrade;
  /** False when upstream is reached through an HTTP proxy, which the WebSocket client does not use. */
  webSocketsServed: boolean;
}

export function buildProxySurface(d: ProxySurfaceDeps): ProxySurface {
  const authorizeClient = createClientGate({
    hostGuard: d.hostGuard,
    apiKeys: d.apiKeys,
    keyRequired: d.keyRequired,
    isSelfTest: (bearer) => d.selfTest.recognise(bearer),
    noteClient: (userAgent, originator) => d.clientsSeen.note(userAgent, originator),
  });
  const nowMs = (): number => d.now() * 1000 + (Date.now() % 1000);
  let lastSelection = 0;
  const selectionTime = (): number => (lastSelection = Math.max(nowMs() / 1000, lastSelection + 1e-6));
  const exchangeDeps = {
    pool: d.pool,
    tokens: d.tokens,
    upstream: d.upstream,
    affinity: d.affinity,
    settings: () => d.settings.get(),
    registry: d.registry,
    persona: codexPersona(),
    pooledHeaders: () => d.pooledUsage.headers(),
    logRequest: (row) => {
      d.selfTest.observe(row.accountId);
      d.onRequestLogged(row);
    },
    now: d.now,
    nowMs,
    selectionTime,
    random: d.random,
    newRequestId: randomUUID,
    sleep,
    timeouts: d.timeouts,
    log: d.log,
  } satisfies ExchangeDeps;
  const routes = proxyRoutes({
    ...exchangeDeps,
    authorizeClient,
    catalog: () => d.catalog.get(),
    openAiModels: () => d.catalog.openAi(),
    pooledUsage: () => d.pooledUsage.body(),
  });
  // The ws client does not go through HTTPS_PROXY: behind one, clients are sent to HTTP streaming (426).
  const webSocketsServed = !['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy'].some(
    (name) => d.env[name],
  );
  const websocket = createWsUpgrade({
    ...exchangeDeps,
    authorizeClient,
    upstreamBaseUrl: d.config.upstreamBaseUrl,
    maxUpstreamPayload: MAX_WS_MESSAGE_BYTES,
    enabled: webSocketsServed,
  });
  return { routes, websocket, webSocketsServed };
}

/** The origin a client on this machine uses: a wildcard bind is reached on loopback. */
export function localOrigin(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
