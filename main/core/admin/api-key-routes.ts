import { apiKeyCreateSchema } from '../../../shared/api';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { readJson } from '../http/body';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { ApiKeyService } from '../proxy/api-keys';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** `GET/POST /api/keys`, `DELETE /api/keys/:id`: proxy API keys for clients. */
export function apiKeyRoutes(ctx: { guard: GuardOptions; apiKeys: ApiKeyService }): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/keys',
      handler: adminOnly(ctx.guard, (_req, res) => sendJson(res, 200, { keys: ctx.apiKeys.list() })),
    },
    {
      method: 'POST',
      path: '/api/keys',
      handler: adminOnly(ctx.guard, async (req, res) => {
        const { name } = parseOrThrow(apiKeyCreateSchema, await readJson(req, 16 * 1024));
        const { key, record } = ctx.apiKeys.create(name);
        sendJson(res, 201, { key, apiKey: record });
      }),
    },
    {
      method: 'DELETE',
      path: '/api/keys/:id',
      handler: adminOnly(ctx.guard, (_req, res, params) => {
        if (!ctx.apiKeys.revoke(params.id!))
          throw new HttpError(404, 'not_found', `No API key with id "${params.id}".`);
        res.writeHead(204).end();
      }),
    },
  ];
}
