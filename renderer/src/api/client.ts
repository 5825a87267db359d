/**
 * The one typed client of the admin API: the only module of the renderer that touches the transport (fetch and
 * EventSource). Every response is validated with the shared schemas of `shared/api`, so a drift between core
 * and dashboard shows up as a clear error instead of a blank screen. Requests are same-origin and carry the
 * dashboard session cookie; errors carry the message of the OpenAI error envelope the core always answers with.
 */
import type { z } from 'zod';
import {
  accountImportResultSchema,
  accountListSchema,
  accountQuotaHistorySchema,
  accountResultSchema,
  adminEventSchema,
  apiKeyCreatedSchema,
  apiKeyListSchema,
  backupFileSchema,
  connectOverviewSchema,
  connectPreviewSchema,
  connectResultSchema,
  connectTestResultSchema,
  deviceStartResultSchema,
  errorEnvelopeSchema,
  healthSchema,
  logoutResultSchema,
  oauthStartResultSchema,
  oauthStatusSchema,
  poolQuotaHistorySchema,
  pauseAllResultSchema,
  poolViewSchema,
  requestListSchema,
  restoreResultSchema,
  usageInsightSchema,
  costInsightSchema,
  conversationsInsightSchema,
  conversationDetailSchema,
  priceTableSchema,
  type InsightQuery,
  type PriceTable,
  type RequestFilter,
  settingsSchema,
  type AccountPatch,
  type BackupCreateBody,
  type RestoreBody,
  type AdminEvent,
  type ConnectClient,
  type SettingsPatch,
} from '../../../shared/api';

/** A failed API call: the server's message and code, or a transport problem described for a human. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** The envelope's code (`admin_auth_required`…), or `network_error` / `invalid_response`. */
    readonly code: string | null,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the caller has no (or no longer a) dashboard session. */
  get isAuthError(): boolean {
    return this.status === 401;
  }
}

/** The live stream's connection state; `closed` means the browser gave up (the caller may open a new one). */
export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Export shapes of `GET /api/accounts/:id/export`. */
export type ExportFormat = 'codex' | 'opencode';

const authListeners = new Set<(error: ApiError) => void>();

/** Calls `listener` whenever a request is refused for lack of a session; returns the unsubscribe function. */
export function onAuthLost(listener: (error: ApiError) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

async function failure(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const envelope = errorEnvelopeSchema.safeParse(body);
  if (envelope.success)
    return new ApiError(envelope.data.error.message, envelope.data.error.code, res.status);
  return new ApiError(`Codex Pool answered HTTP ${res.status}.`, null, res.status);
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError('Cannot reach Codex Pool. Is it still running?', 'network_error', 0);
  }
  if (res.ok) return res;
  const error = await failure(res);
  if (error.isAuthError) for (const listener of authListeners) listener(error);
  throw error;
}

async function call<S extends z.ZodType>(schema: S, path: string, init?: RequestInit): Promise<z.infer<S>> {
  const res = await send(path, init);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The answer to ${path} is not JSON.`, 'invalid_response', res.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      `The answer to ${path} does not match the dashboard's contract; is the dashboard as new as the core?`,
      'invalid_response',
      res.status,
    );
  }
  return parsed.data;
}

const post = (body?: unknown): RequestInit =>
  body === undefined
    ? { method: 'POST', headers: { accept: 'application/json' } }
    : { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) };
const patch = (body: unknown): RequestInit => ({
  method: 'PATCH',
  headers: JSON_HEADERS,
  body: JSON.stringify(body),
});
/** A query string of the set values only. */
const qs = (params: Record<string, string | number | undefined>): string =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]])),
  ).toString();
const account = (id: string, action = ''): string => `/api/accounts/${encodeURIComponent(id)}${action}`;

/** The admin API, one method per route. */
export const api = {
  health: () => call(healthSchema, '/api/health'),
  /** Ends this browser's dashboard session (and clears its cookie). */
  logout: () => call(logoutResultSchema, '/api/session/logout', post()),

  listAccounts: () => call(accountListSchema, '/api/accounts'),
  /** Only the named accounts (at most `ACCOUNT_IDS_MAX`); ids that no longer exist are left out. */
  listSomeAccounts: (ids: readonly string[]) =>
    call(accountListSchema, `/api/accounts?ids=${ids.map(encodeURIComponent).join(',')}`),
  /** Imports an auth.json given as the file's text; the server recognises the Codex CLI and OpenCode shapes. */
  importAccount: (authJsonText: string) =>
    call(accountImportResultSchema, '/api/accounts/import', post(authJsonText)),
  pauseAccount: (id: string) => call(accountResultSchema, account(id, '/pause'), post()),
  resumeAccount: (id: string) => call(accountResultSchema, account(id, '/resume'), post()),
  refreshAccount: (id: string) => call(accountResultSchema, account(id, '/refresh'), post()),
  updateAccount: (id: string, change: AccountPatch) => call(accountResultSchema, account(id), patch(change)),
  async deleteAccount(id: string): Promise<void> {
    await send(account(id), { method: 'DELETE' });
  },
  /** The download URL of an account's login (a plain link: the browser saves the attachment). */
  exportUrl: (id: string, format: ExportFormat) => `${account(id, '/export')}?format=${format}`,

  startBrowserLogin: () => call(oauthStartResultSchema, '/api/oauth/start', post()),
  startDeviceLogin: () => call(deviceStartResultSchema, '/api/oauth/device/start', post()),
  loginStatus: (loginId: string) =>
    call(oauthStatusSchema, `/api/oauth/status?loginId=${encodeURIComponent(loginId)}`),
  cancelLogin: (loginId: string) => call(oauthStatusSchema, '/api/oauth/cancel', post({ loginId })),

  pool: () => call(poolViewSchema, '/api/pool'),
  /** The pool's capacity-weighted 5 h and weekly use over the last `hours`. */
  poolQuotaHistory: (hours: number) =>
    call(poolQuotaHistorySchema, `/api/pool/quota-history?hours=${encodeURIComponent(hours)}`),
  /** One account's use of one limit family over the last `hours`. */
  accountQuotaHistory: (id: string, family: string, hours: number) =>
    call(
      accountQuotaHistorySchema,
      `${account(id, '/quota-history')}?family=${encodeURIComponent(family)}&hours=${encodeURIComponent(hours)}`,
    ),

  settings: () => call(settingsSchema, '/api/settings'),
  updateSettings: (change: SettingsPatch) => call(settingsSchema, '/api/settings', patch(change)),

  requests: (limit = 100) => call(requestListSchema, `/api/requests?limit=${limit}`),
  /** The request log, filtered, a page of `limit` rows older than row `before`. */
  requestLog: (filter: RequestFilter, limit: number, before?: number) =>
    call(requestListSchema, `/api/requests?${qs({ ...filter, limit, before })}`),
  /** The download URL of the filtered log as CSV (a plain link: the browser saves the attachment). */
  requestExportUrl: (filter: RequestFilter) => `/api/requests/export.csv?${qs(filter)}`,

  insightUsage: (q: InsightQuery) => call(usageInsightSchema, `/api/insight/usage?${qs(q)}`),
  insightCost: (q: InsightQuery) => call(costInsightSchema, `/api/insight/cost?${qs(q)}`),
  insightConversations: (q: InsightQuery) =>
    call(conversationsInsightSchema, `/api/insight/conversations?${qs(q)}`),
  insightConversation: (id: string) =>
    call(conversationDetailSchema, `/api/insight/conversations/${encodeURIComponent(id)}`),
  prices: () => call(priceTableSchema, '/api/insight/prices'),
  setPrices: (table: PriceTable) =>
    call(priceTableSchema, '/api/insight/prices', {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify(table),
    }),

  listKeys: () => call(apiKeyListSchema, '/api/keys'),
  createKey: (name: string) => call(apiKeyCreatedSchema, '/api/keys', post({ name })),
  async revokeKey(id: string): Promise<void> {
    await send(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },

  /** An encrypted backup of the whole pool, as the file's text (the caller saves it). */
  createBackup: (body: BackupCreateBody) => call(backupFileSchema, '/api/backup', post(body)),
  /** Previews (`apply: false`) or applies a restore. */
  restoreBackup: (body: RestoreBody) => call(restoreResultSchema, '/api/backup/restore', post(body)),
  /** Pauses every routable account here (after the pool moved to another machine). */
  pauseAll: () => call(pauseAllResultSchema, '/api/accounts/pause-all', post()),
  connectOverview: () => call(connectOverviewSchema, '/api/connect'),
  /** What connecting would change in the client's config file, as a diff; writes nothing. */
  connectPreview: (client: ConnectClient, profile: boolean) =>
    call(connectPreviewSchema, `/api/connect/${client}/preview`, post({ profile })),
  /** Applies the previewed change; refused (409) when the file changed since `baseHash`. */
  connectApply: (client: ConnectClient, profile: boolean, baseHash: string | null) =>
    call(connectResultSchema, `/api/connect/${client}/apply`, post({ profile, baseHash })),
  connectUndo: (client: ConnectClient, profile: boolean) =>
    call(connectResultSchema, `/api/connect/${client}/undo`, post({ profile })),
  /** One tiny request through the pool; says which account answered. */
  connectTest: () => call(connectTestResultSchema, '/api/connect/test', post({})),

  /**
   * Subscribes to `GET /api/events`. Events that do not match the shared schema are dropped. The browser
   * reconnects by itself (the server asks for a 3 s retry); `onState` reports it so the caller can refetch
   * what it may have missed. Returns the function that closes the stream.
   */
  events(onEvent: (event: AdminEvent) => void, onState: (state: StreamState) => void): () => void {
    const source = new EventSource('/api/events');
    const handle = (message: MessageEvent<string>): void => {
      try {
        const parsed = adminEventSchema.safeParse(JSON.parse(message.data));
        if (parsed.success) onEvent(parsed.data);
      } catch {
        // A malformed frame is not worth breaking the stream for.
      }
    };
    for (const type of adminEventSchema.options.map((o) => o.shape.type.value)) {
      source.addEventListener(type, handle);
    }
    onState('connecting');
    source.onopen = () => onState('open');
    source.onerror = () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => source.close();
  },
};

/** The client's type, for components that take it as a parameter. */
export type Api = typeof api;
