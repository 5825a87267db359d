/**
 * Login routes: `POST /api/oauth/start` (browser, PKCE), `POST /api/oauth/device/start` (device code),
 * `GET /api/oauth/status?loginId=` and `POST /api/oauth/cancel`. The desktop shell opens the authorize URL
 * through an injected capability; headless callers open it themselves.
 */
import {
  oauthStatusQuerySchema,
  type DeviceStartResult,
  type OAuthStartResult,
  type OAuthStatus,
} from '../../../shared/api';
import { z } from 'zod';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { readJson } from '../http/body';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { Logger } from '../log';
import type { AccountService } from '../accounts/account-service';
import { LoginError } from '../accounts/code-exchange';
import type { LoginManager } from '../accounts/oauth-login';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** Capabilities the desktop shell injects (ARCHITECTURE.md "deps.desktop"). */
export interface DesktopCapabilities {
  /** Opens a URL in the system browser. */
  openExternal(url: string): Promise<void> | void;
}

/** What the login routes need. */
export interface LoginRoutesContext {
  guard: GuardOptions;
  logins: LoginManager;
  accounts: AccountService;
  desktop?: DesktopCapabilities;
  log: Logger;
}

const cancelBodySchema = z.object({ loginId: z.string().min(1) });

/** The login routes. */
export function loginRoutes(ctx: LoginRoutesContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/oauth/start',
      handler: adminOnly(ctx.guard, async (_req, res) => {
        let started;
        try {
          started = await ctx.logins.startBrowser();
        } catch (err) {
          if (err instanceof LoginError) throw new HttpError(409, 'login_unavailable', err.message);
          throw err;
        }
        let opened = false;
        if (ctx.desktop) {
          try {
            await ctx.desktop.openExternal(started.authorizeUrl);
            opened = true;
          } catch (err) {
            ctx.log.warn('could not open the browser for login', { err });
          }
        }
        const body: OAuthStartResult = { ...started, opened };
        sendJson(res, 200, body);
      }),
    },
    {
      method: 'POST',
      path: '/api/oauth/device/start',
      handler: adminOnly(ctx.guard, async (_req, res) => {
        try {
          const body: DeviceStartResult = await ctx.logins.startDevice();
          sendJson(res, 200, body);
        } catch (err) {
          if (err instanceof LoginError) throw new HttpError(502, 'device_login_unavailable', err.message);
          throw err;
        }
      }),
    },
    {
      method: 'GET',
      path: '/api/oauth/status',
      handler: adminOnly(ctx.guard, (req, res) => {
        const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
        const { loginId } = parseOrThrow(oauthStatusQuerySchema, query);
        const status = ctx.logins.status(loginId);
        if (!status) throw new HttpError(404, 'not_found', `No login with id "${loginId}".`);
        const { accountId, ...rest } = status;
        let account;
        if (accountId !== undefined) {
          try {
            account = ctx.accounts.view(accountId);
          } catch {
            account = undefined; // deleted since the login
          }
        }
        const body: OAuthStatus = { ...rest, ...(account ? { account } : {}) };
        sendJson(res, 200, body);
      }),
    },
    {
      method: 'POST',
      path: '/api/oauth/cancel',
      handler: adminOnly(ctx.guard, async (req, res) => {
        const { loginId } = parseOrThrow(cancelBodySchema, await readJson(req, 4096));
        await ctx.logins.cancel(loginId);
        const status = ctx.logins.status(loginId);
        if (!status) throw new HttpError(404, 'not_found', `No login with id "${loginId}".`);
        sendJson(res, 200, status);
      }),
    },
  ];
}
