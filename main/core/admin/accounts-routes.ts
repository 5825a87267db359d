/**
 * The accounts API (ARCHITECTURE.md "Admin API"): list with quotas, import, pause, resume, refresh, delete,
 * export and per-account routing policy. Input is validated with the shared schemas; no response carries a
 * token except the export, which exists to hand one out.
 */
import {
  accountExportQuerySchema,
  accountImportBodySchema,
  accountListQuerySchema,
  accountPatchSchema,
  accountRefreshBodySchema,
  type AccountImportResult,
  type AccountList,
} from '../../../shared/api';
import type { Handler, Route } from '../http/router';
import { sendJson } from '../http/respond';
import { readBody, readJson } from '../http/body';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { Logger } from '../log';
import { AccountError, type AccountService } from '../accounts/account-service';
import { AuthDataError } from '../accounts/jwt';
import { SecretBoxError } from '../secrets';
import { RefreshError, type TokenService } from '../accounts/token-service';
import type { UsagePoller } from '../usage/usage-poller';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** Shown with every Codex CLI import (PROTOCOL.md §1.4). */
export const SHARED_LOGIN_WARNING =
  'This login shares its refresh token with the Codex CLI; whichever refreshes second is signed out — prefer a browser login.';

/** What the accounts routes need. */
export interface AccountsRoutesContext {
  guard: GuardOptions;
  accounts: AccountService;
  tokens: TokenService;
  poller: UsagePoller;
  now: () => number;
  log: Logger;
}

const IMPORT_LIMIT = 256 * 1024;

/** Maps service errors to client-visible ones. */
function mapError(err: unknown): never {
  if (err instanceof AccountError) {
    throw new HttpError(err.code === 'not_found' ? 404 : 409, err.code, err.message);
  }
  if (err instanceof SecretBoxError) {
    // The export could not open the login: say why (the message names the key file), not "internal error".
    throw new HttpError(503, 'login_unreadable', err.message);
  }
  if (err instanceof AuthDataError) {
    throw new HttpError(err.code === 'no_id_token' ? 409 : 400, err.code, err.message);
  }
  throw err;
}

const guarded = (ctx: AccountsRoutesContext, handler: Handler): Handler =>
  adminOnly(ctx.guard, async (req, res, params) => {
    try {
      await handler(req, res, params);
    } catch (err) {
      mapError(err);
    }
  });

/** An optional JSON body: empty is `{}`. */
async function optionalJson(req: Parameters<Handler>[0]): Promise<unknown> {
  if (req.headers['content-length'] === '0') return {};
  const type = req.headers['content-type'];
  if (type === undefined) {
    const raw = await readBody(req, 4096);
    if (raw.length === 0) return {};
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Send the body as JSON (content-type: application/json).',
    );
  }
  const raw = await readBody(req, 4096);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}

/** The accounts routes. */
export function accountsRoutes(ctx: AccountsRoutesContext): Route[] {
  const { accounts } = ctx;
  return [
    {
      method: 'GET',
      path: '/api/accounts',
      handler: guarded(ctx, (req, res) => {
        const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
        const { ids } = parseOrThrow(accountListQuerySchema, query);
        const body: AccountList = {
          accounts: ids === undefined ? accounts.list() : accounts.listSome(ids),
          now: ctx.now(),
        };
        sendJson(res, 200, body);
      }),
    },
    {
      method: 'POST',
      path: '/api/accounts/import',
      handler: guarded(ctx, async (req, res) => {
        const input = parseOrThrow(accountImportBodySchema, await readJson(req, IMPORT_LIMIT));
        const imported = accounts.importAuthJson(input);
        const body: AccountImportResult = {
          account: accounts.view(imported.account.id),
          created: imported.created,
          format: imported.format,
          ...(imported.format === 'codex' ? { warning: SHARED_LOGIN_WARNING } : {}),
        };
        ctx.log.info('account imported', {
          accountId: imported.account.id,
          format: imported.format,
          created: imported.created,
        });
        sendJson(res, imported.created ? 201 : 200, body);
      }),
    },
    {
      method: 'POST',
      path: '/api/accounts/:id/pause',
      handler: guarded(ctx, (_req, res, { id }) => sendJson(res, 200, { account: accounts.pause(id!) })),
    },
    {
      method: 'POST',
      path: '/api/accounts/:id/resume',
      handler: guarded(ctx, (_req, res, { id }) => sendJson(res, 200, { account: accounts.resume(id!) })),
    },
    {
      method: 'POST',
      path: '/api/accounts/:id/refresh',
      handler: guarded(ctx, async (req, res, { id }) => {
        const options = parseOrThrow(accountRefreshBodySchema, await optionalJson(req));
        accounts.view(id!); // 404 before any upstream call
        if (options.tokens === true) {
          try {
            await ctx.tokens.refresh(id!);
          } catch (err) {
            if (!(err instanceof RefreshError)) throw err;
            // A permanent failure is already on the account (status + reason): show it, it is the answer.
            if (err.failure.kind === 'permanent') return sendJson(res, 200, { account: accounts.view(id!) });
            throw new HttpError(502, err.failure.code, err.failure.message);
          }
        }
        const result = await ctx.poller.pollAccount(id!, { force: true });
        const account = accounts.view(id!);
        const routable = !['paused', 'reauth_required', 'deactivated'].includes(account.status);
        if (result.kind === 'failed' && routable) throw new HttpError(502, result.code, result.message);
        sendJson(res, 200, { account });
      }),
    },
    {
      method: 'PATCH',
      path: '/api/accounts/:id',
      handler: guarded(ctx, async (req, res, { id }) => {
        const patch = parseOrThrow(accountPatchSchema, await readJson(req, 16 * 1024));
        sendJson(res, 200, { account: accounts.update(id!, patch) });
      }),
    },
    {
      method: 'DELETE',
      path: '/api/accounts/:id',
      handler: guarded(ctx, (_req, res, { id }) => {
        accounts.remove(id!);
        ctx.log.info('account deleted', { accountId: id });
        res.writeHead(204, { 'cache-control': 'no-store' });
        res.end();
      }),
    },
    {
      // The one response that carries tokens, by design: the admin asked for their login back. It accepts the
      // dashboard cookie as well as the bearer: the cookie is SameSite=Strict and the guard checks Host, so
      // only our own dashboard can send it, and that session can already delete or re-add any account.
      method: 'GET',
      path: '/api/accounts/:id/export',
      handler: guarded(ctx, (req, res, { id }) => {
        const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
        const { format } = parseOrThrow(accountExportQuerySchema, query);
        const doc = accounts.export(id!, format);
        ctx.log.info('account exported', { accountId: id, format });
        sendJson(res, 200, doc, {
          'content-disposition': `attachment; filename="${format === 'codex' ? 'auth.json' : 'opencode-auth.json'}"`,
          'x-codex-pool-warning': 'The exported login shares its refresh token with this pool.',
        });
      }),
    },
  ];
}
