import { once, setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Backend } from './backend';
import type { FaultHandle, FaultSpec } from './faults';
import { FaultQueue } from './faults';
import type { DeviceLogin, LoginChoice } from './oauth';
import { OAuthService } from './oauth';
import type { ReplyScript } from './responses';
import type { RecordedRequest } from './server';
import { createSimServer } from './server';
import { CODEX_CLIENT_ID, SimState } from './state';
import type { WebSocketLimits } from './websocket';
import { WS_PATH, attachWebSocket } from './websocket';
import type { AccountInit, AccountRef, Clock, SimAccountView } from './types';

export type * from './types';
export type { FaultHandle, FaultKind, FaultRoute, FaultSpec } from './faults';
export type { DeviceLogin, LoginChoice } from './oauth';
export type { Reply, ReplyContext, ReplyScript } from './responses';
export type { RecordedRequest } from './server';
export type { WebSocketLimits } from './websocket';
export { DEFAULT_WS_LIMITS, WS_PATH } from './websocket';
export { decodeJwt, AUTH_CLAIM, PROFILE_CLAIM } from './jwt';
export { CODEX_CLIENT_ID };
export { sampleAccounts } from './sample-accounts';

export interface SimulatorOptions {
  /** Epoch-seconds clock (default: the real one). Pass a mutable one to test window resets. */
  now?: Clock;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** How many recent requests `requests` keeps (default 1000; 0 disables recording). */
  maxRecordedRequests?: number;
  /** Interval the device-code endpoint tells clients to poll at, seconds (default 5). */
  deviceIntervalSeconds?: number;
}

export interface Simulator {
  /** Origin, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  /** `${url}/backend-api` — what `CODEX_POOL_UPSTREAM_BASE_URL` takes. */
  readonly upstreamBaseUrl: string;
  /** `ws://…/backend-api/codex/responses`: the Responses WebSocket variant (PROTOCOL.md §7). */
  readonly responsesWebSocketUrl: string;
  /** Origin of the auth server (`/oauth/*`, `/api/accounts/deviceauth/*`). */
  readonly authBaseUrl: string;
  /** `${authBaseUrl}/oauth/token` — for `CODEX_REFRESH_TOKEN_URL_OVERRIDE`. */
  readonly tokenUrl: string;
  readonly accounts: readonly SimAccountView[];
  /** The most recent requests, oldest first. */
  readonly requests: readonly RecordedRequest[];
  now(): number;
  addAccount(init: AccountInit): SimAccountView;
  account(ref: AccountRef): SimAccountView;
  /** Default access-token lifetime for tokens minted from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Lifetime of refresh tokens minted from now on. */
  setRefreshTokenTtl(seconds: number): void;
  /** Server-side logout: every access token of the account answers 401 `token_invalidated`. */
  invalidateAccessTokens(ref: AccountRef): void;
  /** Who logs in at the next authorize or device approval (one-shot), or `{deny:{error,description}}`. */
  setNextLogin(choice: LoginChoice | undefined): void;
  /** Shortcut for the `missing_codex_entitlement` refusal of PROTOCOL.md §1.2. */
  denyNextLogin(error?: string, description?: string): void;
  /** Approve a pending device-code login (latest when no user code is given). */
  approveDevice(userCode?: string, who?: LoginChoice): DeviceLogin;
  setDeviceAutoApprove(on: boolean): void;
  readonly pendingDevices: readonly DeviceLogin[];
  /** Replace the default reply (initially "Hello from <email>", or an acknowledgement of a tool output). */
  setDefaultReply(script: ReplyScript): void;
  /** Pace streamed events: a random gap in [min, max] ms between events; `null` writes each stream at once. */
  setStreamPacing(gapMs: readonly [number, number] | null): void;
  /** Streams open now and the most open at once since the last call of `resetStreamPeak`. */
  readonly streamStats: { readonly open: number; readonly peak: number };
  resetStreamPeak(): void;
  /** Answer the next matching `/responses` call with this reply (FIFO, optionally per account). */
  queueReply(script: ReplyScript, account?: AccountRef): void;
  /** Emit a `codex.rate_limits` event after `response.created` on `/backend-api/codex/responses`. */
  setRateLimitsEvent(on: boolean): void;
  /** Frame-size cap and connection lifetime of the WebSocket variant, for connections opened from now on. */
  setWebSocketLimits(limits: Partial<WebSocketLimits>): void;
  /** Send `openai-model: <model>` in WebSocket upgrade responses (none by default; undefined stops it). */
  setWebSocketUpgradeModel(model: string | undefined): void;
  /** Every open WebSocket goes silent (no pongs, no answers), as behind a NAT that dropped the mapping. */
  muteWebSockets(): void;
  /** WebSocket connections open now, accepted since the start, and upgrades a `stall` fault holds now. */
  readonly webSocketStats: {
    readonly open: number;
    readonly accepted: number;
    readonly stalledHandshakes: number;
  };
  injectFault(spec: FaultSpec): FaultHandle;
  clearFaults(): void;
  clearRequests(): void;
  /**
   * Resolve with the first request matching the predicate, checked against the log now and again
   * whenever a request arrives or gains its status / stream outcome.
   */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** Start a simulator of auth.openai.com + chatgpt.com/backend-api on 127.0.0.1, port 0 by default. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now: Clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  const cap = options.maxRecordedRequests ?? 1000;
  const state = new SimState(now);
  const faults = new FaultQueue();
  const backend = new Backend(state, faults);
  let origin = '';
  const oauth = new OAuthService(state, faults, () => origin);
  if (options.deviceIntervalSeconds !== undefined)
    oauth.deviceIntervalSeconds = options.deviceIntervalSeconds;

  // Amortised O(1) ring: trim to `cap` only when twice as long.
  let log: RecordedRequest[] = [];
  const waiters = new Set<(r: RecordedRequest) => void>();
  let seq = 0;
  const record = (r: RecordedRequest) => {
    if (cap > 0) {
      log.push(r);
      if (log.length > cap * 2) log = log.slice(-cap);
    }
    for (const w of waiters) w(r);
  };
  const update = (r: RecordedRequest) => {
    for (const w of waiters) w(r);
  };

  const closing = new AbortController();
  // Every open exchange listens for the simulator closing: hundreds at once in the load benchmark.
  setMaxListeners(0, closing.signal);
  const requestLog = { record, update, nextSeq: () => ++seq };
  const server = createSimServer(backend, oauth, requestLog, now, closing.signal);
  const webSocket = attachWebSocket(server, backend, requestLog, now, closing.signal);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.issuer = origin;

  const sim: Simulator = {
    url: origin,
    upstreamBaseUrl: `${origin}/backend-api`,
    responsesWebSocketUrl: `${origin.replace(/^http/, 'ws')}${WS_PATH}`,
    authBaseUrl: origin,
    tokenUrl: `${origin}/oauth/token`,
    get accounts() {
      return state.accounts;
    },
    get requests() {
      return log.slice(-cap);
    },
    now,
    addAccount: (init) => state.addAccount(init),
    account: (ref) => state.get(ref),
    setAccessTokenTtl: (s) => void (state.accessTokenTtl = s),
    setRefreshTokenTtl: (s) => void (state.refreshTokenTtl = s),
    invalidateAccessTokens: (ref) => state.invalidateAccessTokens(state.get(ref)),
    setNextLogin: (choice) => oauth.setNextLogin(choice),
    denyNextLogin: (error = 'access_denied', description = 'missing_codex_entitlement') =>
      oauth.setNextLogin({ deny: { error, description } }),
    approveDevice: (code, who) => oauth.approveDevice(code, who),
    setDeviceAutoApprove: (on) => void (oauth.autoApproveDevice = on),
    get pendingDevices() {
      return oauth.devices;
    },
    setDefaultReply: (script) => void (backend.defaultReply = script),
    setStreamPacing: (gap) => void (backend.streamGapMs = gap ?? undefined),
    get streamStats() {
      return { ...backend.streams };
    },
    resetStreamPeak: () => void (backend.streams.peak = backend.streams.open),
    queueReply: (script, account) => backend.queueReply(script, account),
    setRateLimitsEvent: (on) => void (backend.emitRateLimitsEvent = on),
    setWebSocketLimits: (limits) => void Object.assign(webSocket.limits, limits),
    setWebSocketUpgradeModel: (model) => void (webSocket.upgradeModel = model),
    muteWebSockets: () => webSocket.muteOpenConnections(),
    get webSocketStats() {
      return { ...webSocket.stats };
    },
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    clearRequests: () => void (log = []),
    waitForRequest(predicate, timeoutMs = 10_000) {
      const seen = log.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = (r: RecordedRequest) => {
          if (!predicate(r)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(r);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      closing.abort();
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
  return sim;
}
