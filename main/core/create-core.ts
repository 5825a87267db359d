import type { Server } from 'node:http';
import { join } from 'node:path';
import { isLoopbackHost, type CoreConfig } from './config';
import { createLogger, type Logger } from './log';
import { Router, type Route } from './http/router';
import { createHttpServer, listen, close, type ClientLimits } from './http/server';
import { loadAdminToken } from './admin/admin-token';
import { SessionStore } from './admin/sessions';
import { baseAdminRoutes } from './admin/admin-routes';
import type { GuardOptions } from './admin/guard';
import { settingsRoutes } from './admin/settings-routes';
import { apiKeyRoutes } from './admin/api-key-routes';
import { DATABASE_FILE_NAME, openStore, type Store } from './store';
import { createKeyFileSecretBox, ensureDataDir, type SecretBox } from './secrets';
import { readVersion } from './version';
import { buildServices, type Services } from './services';
import type { UpstreamTimeouts } from './upstream/client';
import { accountsRoutes } from './admin/accounts-routes';
import { loginRoutes, type DesktopCapabilities } from './admin/login-routes';
import { poolRoutes } from './admin/pool-routes';
import { quotaHistoryRoutes } from './admin/quota-history-routes';
import { dashboardRoutes } from './admin/dashboard-routes';
import { backupRoutes } from './admin/backup-routes';
import { storageHttpError } from './admin/storage-errors';
import type { AccountsTuning } from './accounts/tuning';
import { connectRoutes } from './admin/connect-routes';
import type { HealthProblem } from '../../shared/api';
import { requestLogRoutes } from './admin/request-log-routes';
import { insightRoutes } from './admin/insight-routes';
import { InsightService } from './insight/insight-service';

/** Capabilities and sources the core does not reach for itself (CONVENTIONS.md habit 5). */
export interface CoreDeps {
  log?: Logger;
  /** Epoch seconds. */
  now?: () => number;
  random?: () => number;
  /** Seals tokens before they reach the store. Desktop: safeStorage; headless: a key file in the data dir. */
  secretBox?: SecretBox;
  /** Process environment (HTTPS_PROXY and friends); defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Upstream timeouts; tests shorten the stream idle timeout. */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** Electron-only capabilities (open a URL in the system browser); absent when headless. */
  desktop?: DesktopCapabilities;
  /** Login ports and polling timings; tests use free ports and drive polling by hand. */
  accountsTuning?: AccountsTuning;
  /** Bounds on slow and numerous clients; over the config's (tests shorten them). */
  clientLimits?: Partial<ClientLimits>;
}

/** A built, not yet started core. */
export interface Core {
  /** Opens the store, binds the server. Resolves once requests are accepted. */
  start(): Promise<void>;
  /** Finishes or cuts in-flight requests, flushes pending writes, closes the store. Idempotent. */
  stop(): Promise<void>;
  /** `http://host:port` once started. */
  readonly url: string;
  readonly adminToken: string;
  /** A one-time dashboard login URL (valid ten minutes, single use). */
  createLoginUrl(): string;
  readonly store: Store;
  /** The running services (pool, settings, tokens…); available after `start()`. */
  readonly services: Services;
  readonly config: CoreConfig;
}

/** How long in-flight requests may run on after `stop()` before they are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The composition root: builds every part from the config and the injected dependencies. Nothing starts
 * here; the database, services, timers and the server open in `start()` and close in `stop()`, in order.
 */
export function createCore(config: CoreConfig, deps: CoreDeps = {}): Core {
  const log = deps.log ?? createLogger(config.logLevel);
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const random = deps.random ?? Math.random;
  const version = readVersion();
  const sessions = new SessionStore(now);

  let server: Server | undefined;
  let store: Store | undefined;
  let services: Services | undefined;
  let adminToken: string | undefined;
  let port = config.port;
  let stopping: Promise<void> | undefined;

  const guard = (): GuardOptions => ({
    boundHost: config.host,
    port: () => port,
    adminToken: adminToken!,
    sessions,
  });
  const urlHost = (): string => (config.host.includes(':') ? `[${config.host}]` : config.host);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The core is not started.');
    return value;
  };

  const buildRoutes = (s: Store, svc: Services): Route[] => [
    ...svc.proxyRoutes,
    ...baseAdminRoutes({
      guard: guard(),
      version,
      demo: config.demo,
      problems: () => healthProblems(svc),
      networkExposed: !isLoopbackHost(config.host),
    }),
    ...settingsRoutes({
      guard: guard(),
      settings: svc.settings,
      accountExists: (id) => svc.pool.record(id) !== undefined,
      exposedHost: isLoopbackHost(config.host) ? null : config.host,
    }),
    ...requestLogRoutes({ guard: guard(), requests: s.requests, flush: () => svc.queue.flush(), now }),
    ...insightRoutes({
      guard: guard(),
      insight: new InsightService({ repo: s.insight, now, flush: () => svc.queue.flush() }),
    }),
    ...apiKeyRoutes({ guard: guard(), apiKeys: svc.apiKeys }),
    ...accountsRoutes({
      guard: guard(),
      accounts: svc.accounts,
      tokens: svc.tokens,
      poller: svc.poller,
      now,
      log,
    }),
    ...loginRoutes({
      guard: guard(),
      logins: svc.logins,
      accounts: svc.accounts,
      log,
      ...(deps.desktop ? { desktop: deps.desktop } : {}),
    }),
    ...poolRoutes({ guard: guard(), pool: svc.pool, events: svc.events, now }),
    ...quotaHistoryRoutes({
      guard: guard(),
      pool: svc.pool,
      store: s,
      registry: svc.registry,
      now,
      poolHistory: svc.poolHistory,
    }),
    ...backupRoutes({ guard: guard(), backup: svc.backup, accounts: svc.accounts, now, log }),
    ...connectRoutes({
      guard: guard(),
      connect: svc.connect,
      selfTest: svc.selfTest,
      origin: () => svc.connect.origin(),
      testModel: () => svc.connect.defaultModel(),
      accountEmail: (id) => svc.pool.record(id)?.email ?? null,
      nowMs: () => Date.now(),
    }),
    ...dashboardRoutes({ guard: guard() }),
  ];

  return {
    get url() {
      return `http://${urlHost()}:${port}`;
    },
    get adminToken() {
      return started(adminToken);
    },
    get store() {
      return started(store);
    },
    get services() {
      return started(services);
    },
    config,
    createLoginUrl() {
      return `http://${urlHost()}:${port}/login?code=${sessions.createLoginCode()}`;
    },
    async start() {
      ensureDataDir(config.dataDir);
      adminToken = loadAdminToken(config.dataDir, config.adminToken);
      const secretBox = deps.secretBox ?? createKeyFileSecretBox(config.dataDir);
      store = openStore({
        path: join(config.dataDir, DATABASE_FILE_NAME),
        now,
        log: (msg: string) => log.info(msg),
      });
      services = buildServices({
        config,
        store,
        secretBox,
        log,
        now,
        random,
        env: deps.env ?? process.env,
        hostGuard: { boundHost: config.host, port: () => port },
        ...(deps.upstreamTimeouts ? { upstreamTimeouts: deps.upstreamTimeouts } : {}),
        ...(deps.accountsTuning ? { accountsTuning: deps.accountsTuning } : {}),
      });
      const svc = services;
      server = createHttpServer(new Router(buildRoutes(store, services)), log, {
        limits: { ...config.clientLimits, ...deps.clientLimits },
        upgrade: (req, socket, head) => svc.websocket.handle(req, socket, head),
        mapError: (err) => {
          const problem = svc.storage.failed(err);
          return problem ? storageHttpError(problem) : null;
        },
      });
      try {
        port = await listen(server, config.host, config.port);
      } catch (err) {
        await services.stop();
        store.close();
        throw err;
      }
      services.startTimers();
      log.info('codex pool started', {
        url: `http://${urlHost()}:${port}`,
        dataDir: config.dataDir,
        demo: config.demo,
      });
      if (!isLoopbackHost(config.host)) {
        log.warn('bound to a non-loopback address: reachable from the network; proxy API keys are enforced', {
          host: config.host,
        });
      }
    },
    stop() {
      stopping ??= (async () => {
        services?.events.closeAll(); // end event streams first: they would hold the server open
        // Upgraded sockets left the HTTP server: their responses get the same grace, in parallel.
        await Promise.all([
          server ? close(server, SHUTDOWN_GRACE_MS) : undefined,
          services?.websocket.close(SHUTDOWN_GRACE_MS),
        ]);
        await services?.stop();
        store?.close();
        log.info('codex pool stopped');
      })();
      return stopping;
    },
  };
}

/**
 * What `/api/health` reports as wrong: the disk's state, logins that live only in memory until it recovers, and
 * logins the key file cannot open.
 */
function healthProblems(svc: Services): HealthProblem[] {
  const problems: HealthProblem[] = [];
  const storage = svc.storage.current();
  if (storage) problems.push(storage);
  const since = svc.tokens.unsavedSince();
  if (since !== null) {
    const n = svc.tokens.unsavedCount;
    problems.push({
      code: 'logins_unsaved',
      message: `${n} renewed ${n === 1 ? 'login is' : 'logins are'} not saved yet and live only in memory; they are saved as soon as the disk allows. Stopping Codex Pool before then would sign ${n === 1 ? 'that account' : 'those accounts'} out.`,
      since,
    });
  }
  const unreadable = svc.tokens.unreadableLogins();
  if (unreadable) {
    // Health is public: the message names the key file but not its path (the account's lastError has that).
    const n = unreadable.count;
    problems.push({
      code: 'logins_unreadable',
      message: `${n} saved ${n === 1 ? 'login cannot' : 'logins cannot'} be opened with the key file (secret.key in the data dir): it was replaced, or the database was copied without it. Put the original key file back and restart, or sign in to ${n === 1 ? 'that account' : 'those accounts'} again.`,
      since: unreadable.since,
    });
  }
  return problems;
}
