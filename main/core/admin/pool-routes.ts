/**
 * `GET /api/pool` (headroom per window, next reset, run-out forecast) and `GET /api/events` (the admin SSE
 * stream). The stream sends a heartbeat comment every 15 s, unsubscribes when the client goes, and ends when
 * the core stops so it never holds the server open.
 */
import type { PoolView } from '../../../shared/api';
import { STANDARD_FAMILY } from '../../../shared/domain';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import type { PoolState } from '../pool/pool-state';
import type { EventBus } from '../events/event-bus';
import { BURN_WINDOW_S, buildPoolView } from '../usage/forecast';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** What the pool and event routes need. */
export interface PoolRoutesContext {
  guard: GuardOptions;
  pool: PoolState;
  events: EventBus;
  now: () => number;
  heartbeatMs?: number;
}

/** The pool view from live state and the last hour of stored samples, all in memory (no SQL per refresh). */
export function currentPoolView(ctx: Pick<PoolRoutesContext, 'pool' | 'now'>): PoolView {
  const now = ctx.now();
  const accounts = ctx.pool.accounts().map((a) => ({
    status: a.status,
    planType: ctx.pool.record(a.id)?.planType ?? a.planType,
    sample: a.usage[STANDARD_FAMILY],
    history: ctx.pool.recentStandardSamples(a.id, now - BURN_WINDOW_S),
  }));
  return buildPoolView(accounts, now);
}

/** The pool and event-stream routes. */
export function poolRoutes(ctx: PoolRoutesContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/pool',
      handler: adminOnly(ctx.guard, (_req, res) => sendJson(res, 200, currentPoolView(ctx))),
    },
    {
      method: 'GET',
      path: '/api/events',
      handler: adminOnly(ctx.guard, (req, res) => {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n: connected\n\n');
        const heartbeat = setInterval(() => res.write(': ping\n\n'), ctx.heartbeatMs ?? 15_000);
        heartbeat.unref();
        const end = (): void => {
          clearInterval(heartbeat);
          unsubscribe();
          if (!res.writableEnded) res.end();
        };
        const unsubscribe = ctx.events.subscribe(
          (event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
          end,
        );
        req.on('close', end);
        res.on('close', end);
      }),
    },
  ];
}
