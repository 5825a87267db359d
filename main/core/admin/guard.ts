import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from '../http/http-error';
import { isLoopbackHost } from '../config';
import { secretEquals } from './admin-token';
import { readCookie, SESSION_COOKIE, type SessionStore } from './sessions';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the guard needs to know about the server it protects. */
export interface GuardOptions {
  /** The host the server is bound to (flag/env), e.g. `127.0.0.1` or `0.0.0.0`. */
  boundHost: string;
  /** The actual listening port (known after listen). */
  port: () => number;
  adminToken: string;
  sessions: SessionStore;
}

/**
 * Checks the `Host` header against the names this server answers to. This is the DNS-rebinding guard:
 * a hostile page can point its own domain at 127.0.0.1, but the browser then sends that domain as Host.
 * Loopback binds accept only loopback names; a wildcard bind additionally accepts IP literals (rebinding
 * needs a DNS name); a bind to a named host accepts that name.
 */
export function isAllowedHost(
  hostHeader: string | undefined,
  options: Pick<GuardOptions, 'boundHost' | 'port'>,
): boolean {
  if (!hostHeader) return false;
  const parsed = splitHostPort(hostHeader);
  if (!parsed) return false;
  if (parsed.port !== undefined && parsed.port !== options.port()) return false;
  const name = parsed.name.toLowerCase();
  if (isLoopbackHost(name)) return true;
  const bound = options.boundHost.toLowerCase();
  if (bound === '0.0.0.0' || bound === '::') return isIP(name) !== 0;
  return name === bound.replace(/^\[|\]$/g, '');
}

/**
 * Authorises an admin API request, throwing the client-visible error otherwise:
 * 1. the Host must be one of ours (DNS rebinding);
 * 2. state-changing requests must not come from another site (CSRF), judged by `Origin` and
 *    `Sec-Fetch-Site`, which browsers always send on cross-site requests;
 * 3. the caller presents the admin token as a bearer, or a live dashboard session cookie.
 */
export function authorizeAdmin(req: IncomingMessage, options: GuardOptions): void {
  if (!isAllowedHost(req.headers.host, options)) {
    throw new HttpError(421, 'misdirected_request', 'This server does not answer to that host name.');
  }
  const method = req.method ?? 'GET';
  if (!SAFE_METHODS.has(method) && isCrossSite(req, options)) {
    throw new HttpError(403, 'cross_site_request', 'Cross-site requests to the admin API are refused.');
  }
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (match && secretEquals(match[1]!, options.adminToken)) return;
    throw new HttpError(401, 'invalid_admin_token', 'The admin token is not valid.');
  }
  const session = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (session !== undefined && options.sessions.isValid(session)) return;
  throw new HttpError(
    401,
    'admin_auth_required',
    'Sign in with the dashboard login URL printed at start-up, or send the admin token as a bearer.',
  );
}

/**
 * True when a browser sent the request from another site: `Sec-Fetch-Site` says so, or the `Origin` is not one of
 * our names. Coding agents (Node, Rust clients) send neither header, so they are never affected.
 */
export function isCrossSite(
  req: IncomingMessage,
  options: Pick<GuardOptions, 'boundHost' | 'port'>,
): boolean {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    const url = new URL(origin);
    return !isAllowedHost(url.host, options);
  } catch {
    return true; // "null" or garbage origins are not ours
  }
}

function splitHostPort(value: string): { name: string; port: number | undefined } | null {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value.trim());
  if (!m) return null;
  return { name: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] === undefined ? undefined : Number(m[2]) };
}
