/**
 * The insight views (issue 9): `GET /api/insight/usage`, `/cost`, `/conversations`, `/conversations/:id`, and
 * the price table (`GET` / `PUT /api/insight/prices`).
 */
import type { IncomingMessage } from 'node:http';
import { conversationIdSchema, insightQuerySchema, priceTableSchema } from '../../../shared/api';
import type { Route } from '../http/router';
import { readJson } from '../http/body';
import { sendJson } from '../http/respond';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { InsightService } from '../insight/insight-service';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** What the insight routes need. */
export interface InsightRoutesContext {
  guard: GuardOptions;
  insight: InsightService;
}

const queryOf = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);

/** The insight routes. */
export function insightRoutes(ctx: InsightRoutesContext): Route[] {
  const view = (path: string, build: (q: ReturnType<typeof insightQuerySchema.parse>) => unknown): Route => ({
    method: 'GET',
    path,
    handler: adminOnly(ctx.guard, async (req, res) =>
      sendJson(res, 200, await build(parseOrThrow(insightQuerySchema, queryOf(req)))),
    ),
  });
  return [
    view('/api/insight/usage', (q) => ctx.insight.usage(q)),
    view('/api/insight/cost', (q) => ctx.insight.cost(q)),
    view('/api/insight/conversations', (q) => ctx.insight.conversations(q)),
    {
      method: 'GET',
      path: '/api/insight/conversations/:id',
      handler: adminOnly(ctx.guard, (_req, res, { id }) => {
        const conversation = parseOrThrow(conversationIdSchema, id);
        const detail = ctx.insight.conversation(conversation);
        if (detail === null) {
          throw new HttpError(404, 'not_found', `No logged request of conversation "${conversation}".`);
        }
        sendJson(res, 200, detail);
      }),
    },
    {
      method: 'GET',
      path: '/api/insight/prices',
      handler: adminOnly(ctx.guard, (_req, res) => sendJson(res, 200, ctx.insight.prices())),
    },
    {
      method: 'PUT',
      path: '/api/insight/prices',
      handler: adminOnly(ctx.guard, async (req, res) => {
        const table = parseOrThrow(priceTableSchema, await readJson(req, 256 * 1024));
        sendJson(res, 200, ctx.insight.setPrices(table));
      }),
    },
  ];
}
