import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Health, HealthProblem, LogoutResult } from '../../../shared/api';
import type { Handler, Params, Route } from '../http/router';
import { sendJson } from '../http/respond';
import { HttpError } from '../http/http-error';
import { authorizeAdmin, isAllowedHost, isCrossSite, type GuardOptions } from './guard';
import { readCookie, SESSION_COOKIE } from './sessions';

/** Headers on every admin response: no sniffing, no framing by other sites, no referrer leaks. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Wraps a handler so it runs only for an authorised admin caller. Every `/api` route goes through this. */
export function adminOnly(guard: GuardOptions, handler: Handler): Handler {
  return (req: IncomingMessage, res: ServerResponse, params: Params) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    authorizeAdmin(req, guard);
    return handler(req, res, params);
  };
}

/** Wraps a public handler (health, login) with the Host check only: no credentials, still no rebinding. */
export function hostChecked(guard: GuardOptions, handler: Handler): Handler {
  return (req, res, params) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!isAllowedHost(req.headers.host, guard)) {
      throw new HttpError(421, 'misdirected_request', 'This server does not answer to that host name.');
    }
    return handler(req, res, params);
  };
}

/** What the base admin routes need. */
export interface AdminContext {
  guard: GuardOptions;
  version: string;
  demo: boolean;
  /** Problems in force (a full disk…), read on every health request. */
  problems: () => HealthProblem[];
  /** Bound to a non-loopback address. */
  networkExposed: boolean;
}

/**
 * The admin API's first routes: health, the dashboard login that trades a one-time code for a cookie, and the
 * logout that ends it.
 */
export function baseAdminRoutes(ctx: AdminContext): Route[] {
  return [
    // Health is public (monitors and the CLI probe it before they have a token); it reveals the version and what
    // is wrong in words that carry no path, account or secret.
    {
      method: 'GET',
      path: '/api/health',
      handler: hostChecked(ctx.guard, (_req, res) => {
        const problems = ctx.problems();
        const health: Health = {
          ok: problems.length === 0,
          version: ctx.version,
          demo: ctx.demo,
          problems,
          networkExposed: ctx.networkExposed,
        };
        sendJson(res, 200, health);
      }),
    },
    {
      method: 'GET',
      path: '/login',
      handler: hostChecked(ctx.guard, (req, res) => {
        const code = new URL(req.url ?? '/', 'http://localhost').searchParams.get('code') ?? '';
        const session = ctx.guard.sessions.redeem(code);
        if (!session) {
          throw new HttpError(
            401,
            'login_code_invalid',
            'This login link has expired or was already used. Restart Codex Pool to print a new one.',
          );
        }
        res.writeHead(303, {
          location: '/',
          'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${30 * 24 * 3600}`,
          'cache-control': 'no-store',
        });
        res.end();
      }),
    },
    {
      // Needs no live session (signing out twice, or after a restart, still clears the cookie), but refuses other
      // sites: a page elsewhere must not be able to sign the user out.
      method: 'POST',
      path: '/api/session/logout',
      handler: hostChecked(ctx.guard, (req, res) => {
        if (isCrossSite(req, ctx.guard)) {
          throw new HttpError(403, 'cross_site_request', 'Cross-site requests to the admin API are refused.');
        }
        const session = readCookie(req.headers.cookie, SESSION_COOKIE);
        if (session !== undefined) ctx.guard.sessions.revoke(session);
        const body: LogoutResult = { signedOut: true };
        sendJson(res, 200, body, {
          'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
        });
      }),
    },
  ];
}
