import { LOG_LEVELS, type LogLevel } from './log';
import { DEFAULT_USAGE_POLLS_PER_MINUTE } from './usage/poll-schedule';

/** Everything the core needs to know at start-up. Built once by {@link resolveConfig}. */
export interface CoreConfig {
  host: string;
  port: number;
  dataDir: string;
  upstreamBaseUrl: string;
  authBaseUrl: string;
  /** From CODEX_POOL_ADMIN_TOKEN; when undefined a token is generated once and kept in the data dir. */
  adminToken: string | undefined;
  logLevel: LogLevel;
  /** True when running against the built-in simulator (`npm run demo`): labelled as demo everywhere. */
  demo: boolean;
  /** Upstream bounds set in the environment; unset ones keep the defaults of `upstream/client.ts`. */
  upstream?: UpstreamSettings;
  /** Overrides of the client limits (CODEX_POOL_REQUEST_TIMEOUT_S, CODEX_POOL_MAX_CONNECTIONS). */
  clientLimits?: { requestTimeoutMs?: number; maxConnections?: number };
  /** Ceiling of background usage polls per minute, whatever the pool size (issue 14). */
  usagePollsPerMinute: number;
}

/** Upstream timeouts (milliseconds) and the connection cap, as far as the environment sets them. */
export interface UpstreamSettings {
  headersMs?: number;
  bodyIdleMs?: number;
  firstByteMs?: number;
  connections?: number;
}

/** The variables behind {@link UpstreamSettings}: timeouts in seconds, the cap in connections. */
const UPSTREAM_VARIABLES = [
  ['CODEX_POOL_UPSTREAM_HEADERS_TIMEOUT', 'headersMs', 1000],
  ['CODEX_POOL_STREAM_IDLE_TIMEOUT', 'bodyIdleMs', 1000],
  ['CODEX_POOL_FIRST_BYTE_TIMEOUT', 'firstByteMs', 1000],
  ['CODEX_POOL_UPSTREAM_CONNECTIONS', 'connections', 1],
] as const;

/** Command-line flags that override the environment (ARCHITECTURE.md "Commands and scripts"). */
export interface ConfigFlags {
  host?: string;
  port?: string;
  dataDir?: string;
}

/** Where defaults come from, injected so resolution stays pure. */
export interface ConfigSources {
  env: Record<string, string | undefined>;
  flags?: ConfigFlags;
  /** The data dir to use when neither flag nor env names one (`~/.codex-pool`, or Electron's userData). */
  defaultDataDir: string;
  demo?: boolean;
}

/** A configuration value that cannot be used; the message says which and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_PORT = 2455;
export const DEFAULT_UPSTREAM_BASE_URL = 'https://chatgpt.com/backend-api';
export const DEFAULT_AUTH_BASE_URL = 'https://auth.openai.com';

/**
 * Resolves the configuration: flags beat the environment, which beats the defaults. Every bad value is
 * rejected here with a message naming the variable, instead of failing later in an obscure place.
 */
export function resolveConfig({ env, flags = {}, defaultDataDir, demo = false }: ConfigSources): CoreConfig {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const value = flag ?? env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const port = parsePort(pick(flags.port, 'CODEX_POOL_PORT'));
  const logLevel = (pick(undefined, 'CODEX_POOL_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`CODEX_POOL_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const adminToken = pick(undefined, 'CODEX_POOL_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('CODEX_POOL_ADMIN_TOKEN must be at least 16 characters long.');
  }
  const requestTimeoutS = parseCount(
    pick(undefined, 'CODEX_POOL_REQUEST_TIMEOUT_S'),
    'CODEX_POOL_REQUEST_TIMEOUT_S',
  );
  const maxConnections = parseCount(
    pick(undefined, 'CODEX_POOL_MAX_CONNECTIONS'),
    'CODEX_POOL_MAX_CONNECTIONS',
  );
  const clientLimits = {
    ...(requestTimeoutS !== undefined ? { requestTimeoutMs: requestTimeoutS * 1000 } : {}),
    ...(maxConnections !== undefined ? { maxConnections } : {}),
  };
  return {
    ...(Object.keys(clientLimits).length > 0 ? { clientLimits } : {}),
    host: pick(flags.host, 'CODEX_POOL_HOST') ?? '127.0.0.1',
    port,
    dataDir: pick(flags.dataDir, 'CODEX_POOL_DATA_DIR') ?? defaultDataDir,
    upstreamBaseUrl: parseBaseUrl(
      pick(undefined, 'CODEX_POOL_UPSTREAM_BASE_URL') ?? DEFAULT_UPSTREAM_BASE_URL,
      'CODEX_POOL_UPSTREAM_BASE_URL',
    ),
    authBaseUrl: parseBaseUrl(
      pick(undefined, 'CODEX_POOL_AUTH_BASE_URL') ?? DEFAULT_AUTH_BASE_URL,
      'CODEX_POOL_AUTH_BASE_URL',
    ),
    adminToken,
    logLevel: logLevel as LogLevel,
    demo,
    upstream: parseUpstream(pick),
    usagePollsPerMinute: parsePollRate(pick(undefined, 'CODEX_POOL_USAGE_POLLS_PER_MINUTE')),
  };
}

function parseUpstream(pick: (flag: undefined, name: string) => string | undefined): UpstreamSettings {
  const out: UpstreamSettings = {};
  for (const [name, key, scale] of UPSTREAM_VARIABLES) {
    const value = pick(undefined, name);
    if (value === undefined) continue;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 86_400) {
      throw new ConfigError(`${name} must be a whole number from 1 to 86400; got "${value}".`);
    }
    out[key] = n * scale;
  }
  return out;
}

/** True for addresses only this machine can reach; anything else requires proxy API keys. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

function parsePollRate(value: string | undefined): number {
  if (value === undefined) return DEFAULT_USAGE_POLLS_PER_MINUTE;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 6000) {
    throw new ConfigError(
      `CODEX_POOL_USAGE_POLLS_PER_MINUTE must be a number above 0 and at most 6000; got "${value}".`,
    );
  }
  return rate;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ConfigError(`The port must be a whole number from 0 to 65535; got "${value}".`);
  }
  return port;
}

function parseCount(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1)
    throw new ConfigError(`${name} must be a whole number of at least 1; got "${value}".`);
  return n;
}

function parseBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL; got "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must use http or https; got "${url.protocol}".`);
  }
  return url.toString().replace(/\/+$/, '');
}
