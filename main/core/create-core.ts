import type { Server } from 'node:http';
import { join } from 'node:path';
import type { CoreConfig } from './config';
import { createLogger, type Logger } from './log';
import { Router, type Route } from './http/router';
import { createHttpServer, listen, close } from './http/server';
import { loadAdminToken } from './admin/admin-token';
import { SessionStore } from './admin/sessions';
import { baseAdminRoutes } from './admin/admin-routes';
import type { GuardOptions } from './admin/guard';
import { DATABASE_FILE_NAME, openStore, type Store } from './store';
import { createKeyFileSecretBox, ensureDataDir, type SecretBox } from './secrets';
import { readVersion } from './version';
import { SettingsService } from './settings/settings-service';
import { settingsRoutes } from './admin/settings-routes';

/** Capabilities and sources the core does not reach for itself (CONVENTIONS.md habit 5). */
export interface CoreDeps {
  log?: Logger;
  /** Epoch seconds. */
  now?: () => number;
  random?: () => number;
  /** Seals tokens before they reach the store. Desktop: safeStorage; headless: a key file in the data dir. */
  secretBox?: SecretBox;
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
  readonly config: CoreConfig;
}

/**
 * The composition root: builds every part from the config and the injected dependencies. Nothing starts
 * here; servers, timers and the database open in `start()` and close in `stop()`, in a known order.
 */
export function createCore(config: CoreConfig, deps: CoreDeps = {}): Core {
  const log = deps.log ?? createLogger(config.logLevel);
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const version = readVersion();
  const sessions = new SessionStore(now);

  let server: Server | undefined;
  let store: Store | undefined;
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

  const buildRoutes = (s: Store): Route[] => {
    const settings = new SettingsService(s.settings);
    return [
      ...baseAdminRoutes({ guard: guard(), version, demo: config.demo }),
      ...settingsRoutes({
        guard: guard(),
        settings,
        accountExists: (id) => s.accounts.get(id) !== null,
        recentRequests: (limit, before) => s.requests.recent(limit, before),
      }),
    ];
  };

  return {
    get url() {
      return `http://${urlHost()}:${port}`;
    },
    get adminToken() {
      if (adminToken === undefined) throw new Error('The core is not started.');
      return adminToken;
    },
    get store() {
      if (store === undefined) throw new Error('The core is not started.');
      return store;
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
      void secretBox;
      server = createHttpServer(new Router(buildRoutes(store)), log);
      try {
        port = await listen(server, config.host, config.port);
      } catch (err) {
        store.close();
        store = undefined;
        throw err;
      }
      log.info('codex pool started', {
        url: `http://${urlHost()}:${port}`,
        dataDir: config.dataDir,
        demo: config.demo,
      });
    },
    stop() {
      stopping ??= (async () => {
        if (server) await close(server, 5_000);
        store?.close();
        log.info('codex pool stopped');
      })();
      return stopping;
    },
  };
}
