import type { CoreConfig } from './config';
import { isLoopbackHost } from './config';
import type { Logger } from './log';
import type { Route } from './http/router';
import type { GuardOptions } from './admin/guard';
import { createWriteQueue, type Store, type WriteQueue } from './store';
import { withLogWriter } from './store/log-writer';
import { startRequestLogWriter } from './store/request-log-writer';
import { requestLogParams } from './store/requests-repository';
import { StorageHealth } from './store/storage-health';
import type { SecretBox } from './secrets';
import type { GatedModelEntry } from './balancer';
import { PoolState, type PoolEvent } from './pool/pool-state';
import { SettingsService } from './settings/settings-service';
import { createUpstreams, type UpstreamClient, type UpstreamTimeouts } from './upstream/client';
import { TokenService } from './accounts/token-service';
import { AccountService } from './accounts/account-service';
import { Affinity } from './proxy/affinity';
import { ApiKeyService } from './proxy/api-keys';
import { ModelCatalog } from './proxy/catalog';
import { codexPersona } from './proxy/persona';
import { buildProxySurface, localOrigin } from './proxy-surface';
import type { WsUpgrade } from './proxy/ws-upgrade';
import { createPooledUsageCache } from './usage/pooled-usage-cache';
import { EventBus } from './events/event-bus';
import { adminEventFromPool } from './events/admin-events';
import { LoginManager } from './accounts/oauth-login';
import { RefreshSweep } from './accounts/refresh-sweep';
import type { AccountsTuning } from './accounts/tuning';
import { UsagePoller } from './usage/usage-poller';
import { BackupService } from './backup/backup-service';
import { readVersion } from './version';
import { homedir } from 'node:os';
import { ClientsSeen } from './connect/client-seen';
import { ConnectService } from './connect/connect-service';
import { SelfTest } from './connect/self-test';
import { ConversationTracker } from './insight/conversation-tracker';
import { PoolQuotaChart } from './usage/pool-quota-chart';

/** How often expired sticky mappings and response owners are swept (BALANCER.md §6.1). */
const AFFINITY_SWEEP_MS = 300_000;
/** How often writes the disk refused (renewed logins) are tried again while a storage problem lasts. */
const STORAGE_RETRY_MS = 5_000;
/** Request history and quota samples older than this are pruned. */
const HISTORY_RETENTION_S = 30 * 24 * 3600;

/** Injected sources the services use. */
export interface ServiceDeps {
  config: CoreConfig;
  store: Store;
  secretBox: SecretBox;
  log: Logger;
  now: () => number;
  random: () => number;
  env: Record<string, string | undefined>;
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** The names this server answers to (bound host and the live port), for the proxy's Host and Origin checks. */
  hostGuard: Pick<GuardOptions, 'boundHost' | 'port'>;
  onPoolEvent?: (event: PoolEvent) => void;
  /** Ports and timings of logins and polling (tests). */
  accountsTuning?: AccountsTuning;
}

/** Every long-lived part of a started core. */
export interface Services {
  queue: WriteQueue;
  settings: SettingsService;
  pool: PoolState;
  /** The pool's quota chart, kept as samples are stored (issue 14). */
  poolHistory: PoolQuotaChart;
  tokens: TokenService;
  accounts: AccountService;
  affinity: Affinity;
  apiKeys: ApiKeyService;
  catalog: ModelCatalog;
  upstream: UpstreamClient;
  auth: UpstreamClient;
  registry: () => readonly GatedModelEntry[];
  reloadRegistry: () => void;
  proxyRoutes: Route[];
  /** WebSocket upgrades on the Responses routes (PROTOCOL.md §7). */
  websocket: WsUpgrade;
  /** The admin event stream's bus. */
  events: EventBus;
  /** Browser and device-code logins. */
  logins: LoginManager;
  /** The usage poller (PROTOCOL.md §9). */
  poller: UsagePoller;
  /** The background token sweep (PROTOCOL.md §1.4). */
  sweep: RefreshSweep;
  /** Encrypted backup and restore of the whole pool (issue 10). */
  backup: BackupService;
  /** Connects coding agents' config files to the pool (issue 11). */
  connect: ConnectService;
  /** The dashboard's test request through the pool. */
  selfTest: SelfTest;
  /** Disk trouble met by any write, for `/api/health` and the admin API's error answers. */
  storage: StorageHealth;
  /** Starts timers (sweeps, pruning). */
  startTimers(): void;
  /** Stops timers, flushes queued writes and closes upstream connections. */
  stop(): Promise<void>;
}

/** Builds the object graph of a started core over an open store. Nothing here listens; timers start later. */
export function buildServices(deps: ServiceDeps): Services {
  const { config, store, log, now, random } = deps;
  const storage = new StorageHealth(config.dataDir, now);
  const writeFailed = (err: unknown): void => {
    storage.failed(err);
    log.error('a queued database write failed', { err });
  };
  const writeQueue = createWriteQueue(store, { onError: writeFailed, onCommit: () => storage.succeeded() });
  // A flush of `queue` covers the log writer too, so reads that must see a request just logged and account
  // deletion work as before.
  const logWriter = startRequestLogWriter(store, {
    onError: writeFailed,
    onCommit: () => storage.succeeded(),
  });
  const queue = withLogWriter(writeQueue, logWriter);
  const settings = new SettingsService(store.settings);
  let registryCache: readonly GatedModelEntry[] = store.registry.list();
  const registry = (): readonly GatedModelEntry[] => registryCache;
  const reloadRegistry = (): void => {
    registryCache = store.registry.list();
  };
  const events = new EventBus();
  const conversations = new ConversationTracker();
  // Follows the pool through the two hooks below and reads it back (once it is built) for members and plans.
  const poolHistory = new PoolQuotaChart({
    store,
    queue: writeQueue,
    pool: () => pool,
    now,
    onError: (err) => log.error('the pool quota chart could not be rebuilt from the samples', { err }),
  });
  const pool = new PoolState({
    store,
    queue,
    now,
    random,
    registry,
    onStandardSampleStored: (id, sample) => poolHistory.sampleStored(id, sample),
    onEvent: (event) => {
      const changed =
        event.type === 'accounts' ? event.removedId : event.type !== 'quota' ? event.accountId : undefined;
      if (changed !== undefined) poolHistory.accountChanged(changed);
      deps.onPoolEvent?.(event);
      const adminEvent = adminEventFromPool(event);
      if (adminEvent) events.publish(adminEvent);
    },
  });
  pool.load();
  poolHistory.load();

  const upstreams = createUpstreams({
    env: deps.env,
    upstreamBaseUrl: config.upstreamBaseUrl,
    authBaseUrl: config.authBaseUrl,
    configured: config.upstream ?? {},
    ...(deps.upstreamTimeouts ? { overrides: deps.upstreamTimeouts } : {}),
    warn: (message, fields) => log.warn(message, fields),
  });
  const { upstream, auth, timeouts } = upstreams;

  const tokens = new TokenService({
    repo: {
      get: (id) => pool.record(id) ?? null,
      updateTokens: (id, sealed, accessExpiresAt, lastRefreshAt) => {
        // Synchronous on purpose: the rotated refresh token must be on disk before the new access token is
        // used, so a crash can never leave us holding a spent refresh token (PROTOCOL.md §1.4). A throw (full
        // disk) is the token service's to handle: it keeps the set in memory and retries.
        const done = store.accounts.updateTokens(id, sealed, accessExpiresAt, lastRefreshAt);
        // Only the token fields: re-reading the row could roll back a status still in the write queue.
        if (done) pool.updateTokens(id, { sealedTokens: sealed, accessExpiresAt, lastRefreshAt });
        return done;
      },
    },
    secretBox: deps.secretBox,
    auth,
    now,
    log,
    // Every refresh path (proxy, poller, sweep, the user) lands a permanent failure on the account here.
    onPermanentFailure: (id, failure) =>
      pool.applyOutcome(id, {
        kind: 'permanent',
        status: failure.status,
        code: failure.code,
        message: failure.message,
      }),
    storage,
    onUnsavedChange: (accountId) => events.publish({ type: 'account', accountId, change: 'updated' }),
  });
  const affinity = new Affinity(store, queue, now, (o) =>
    logWriter.push('responseOwner', [o.responseId, o.accountId, Math.floor(o.at)]),
  );
  const tuning = deps.accountsTuning ?? {};
  const poller = new UsagePoller({
    pool,
    tokens,
    upstream,
    now,
    random,
    log,
    userAgent: codexPersona().userAgent,
    maxPollsPerMinute: config.usagePollsPerMinute,
    ...(tuning.usagePollIntervalMs !== undefined ? { intervalMs: tuning.usagePollIntervalMs } : {}),
    ...(tuning.usagePollInitialDelayMs !== undefined
      ? { initialDelayMs: tuning.usagePollInitialDelayMs }
      : {}),
    ...(tuning.usageRetryDelaysMs !== undefined ? { retryDelaysMs: tuning.usageRetryDelaysMs } : {}),
  });
  const sweep = new RefreshSweep({ pool, tokens, now, random, log });
  const accounts = new AccountService({
    store,
    pool,
    tokens,
    now,
    registry,
    onRemoved: (id) => {
      affinity.forgetAccount(id);
      poller.forget(id);
    },
    // A new login or a resumed account shows its quota at once, not at its turn in the schedule (issue 8).
    onAdded: (id) => poller.pollSoon(id),
  });
  const logins = new LoginManager({
    auth,
    authBaseUrl: config.authBaseUrl,
    accounts,
    now,
    log,
    ...(tuning.oauthCallbackPorts ? { callbackPorts: tuning.oauthCallbackPorts } : {}),
    ...(tuning.oauthBindRetries !== undefined ? { bindRetries: tuning.oauthBindRetries } : {}),
    ...(tuning.oauthBindRetryDelayMs !== undefined ? { bindRetryDelayMs: tuning.oauthBindRetryDelayMs } : {}),
    ...(tuning.devicePollIntervalMs !== undefined
      ? { devicePollIntervalMs: tuning.devicePollIntervalMs }
      : {}),
    onFinished: (status) =>
      events.publish({
        type: 'login',
        loginId: status.loginId,
        state: status.state === 'success' ? 'success' : 'error',
        ...(status.accountId !== undefined ? { accountId: status.accountId } : {}),
        ...(status.message !== undefined ? { message: status.message } : {}),
      }),
  });
  settings.onChange(() => events.publish({ type: 'settings' }));
  const apiKeys = new ApiKeyService(store.apiKeys, (write) => queue.push(() => write()));
  const catalog = new ModelCatalog({ pool, tokens, upstream, now });
  const pooledUsage = createPooledUsageCache({
    version: () => pool.quotaVersion,
    accounts: () => pool.accounts(),
    registry,
    now,
  });

  const clientsSeen = new ClientsSeen(now);
  const selfTest = new SelfTest();
  const keyRequired = (): boolean => settings.get().requireApiKey || !isLoopbackHost(config.host);
  const proxy = buildProxySurface({
    config,
    env: deps.env,
    hostGuard: deps.hostGuard,
    log,
    now,
    random,
    pool,
    tokens,
    upstream,
    timeouts,
    affinity,
    settings,
    registry,
    apiKeys,
    catalog,
    pooledUsage,
    keyRequired,
    clientsSeen,
    selfTest,
    onRequestLogged: (row) => {
      const moved = conversations.observe(row);
      if (moved) events.publish(moved);
      logWriter.push('requestLog', requestLogParams(row));
      events.publish({
        type: 'request',
        time: row.startedAt / 1000,
        accountId: row.accountId,
        model: row.model,
        status: row.status,
        errorCode: row.errorCode,
      });
    },
  });

  const backup = new BackupService({
    store,
    pool,
    tokens,
    settings,
    apiKeys,
    reloadRegistry,
    now,
    app: `codex-pool ${readVersion()}`,
  });
  const connect = new ConnectService({
    dataDir: config.dataDir,
    env: deps.env,
    home: deps.env['HOME'] || homedir(),
    origin: () => localOrigin(config.host, deps.hostGuard.port()),
    keyRequired,
    webSockets: () => proxy.webSocketsServed,
    apiKeys,
    models: async () => {
      const list = (await catalog.openAi()) as { data?: { id: string }[] };
      return (list.data ?? []).map((m) => m.id);
    },
    clientsSeen,
    now,
  });

  const timers: NodeJS.Timeout[] = [];
  return {
    queue,
    settings,
    pool,
    poolHistory,
    tokens,
    accounts,
    affinity,
    apiKeys,
    catalog,
    upstream,
    auth,
    registry,
    reloadRegistry,
    proxyRoutes: proxy.routes,
    websocket: proxy.websocket,
    events,
    logins,
    poller,
    sweep,
    backup,
    connect,
    selfTest,
    storage,
    startTimers() {
      if (tuning.backgroundPolling !== false) {
        poller.start();
        sweep.start();
      }
      const every = (ms: number, fn: () => void): void => {
        const t = setInterval(() => {
          try {
            fn();
          } catch (err) {
            log.error('periodic task failed', { err });
          }
        }, ms);
        t.unref();
        timers.push(t);
      };
      every(AFFINITY_SWEEP_MS, () => affinity.sweep());
      every(tuning.storageRetryMs ?? STORAGE_RETRY_MS, () => {
        if (tokens.unsavedCount > 0) tokens.retryUnsaved();
        if (storage.current() === null) return;
        queue.flush();
        if (tokens.unsavedCount === 0 && queue.pending === 0) storage.recheckFreeSpace();
      });
      every(3600_000, () =>
        queue.push((s) => {
          s.requests.prune((now() - HISTORY_RETENTION_S) * 1000);
          s.quota.prune(now() - HISTORY_RETENTION_S);
          s.poolQuota.prune(now() - HISTORY_RETENTION_S);
        }),
      );
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      poller.stop();
      sweep.stop();
      await logins.stop();
      events.closeAll();
      const unsaved = tokens.retryUnsaved();
      const lost =
        'renewed logins could not be saved before stopping; those accounts will need a new sign-in';
      if (unsaved > 0) log.error(lost, { accounts: unsaved });
      poolHistory.stop();
      queue.stop();
      await logWriter.stop();
      await upstreams.close();
    },
  };
}
