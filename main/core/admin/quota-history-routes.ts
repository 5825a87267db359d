/**
 * Quota history for the dashboard's charts: `GET /api/accounts/:id/quota-history` (one account, one limit family)
 * and `GET /api/pool/quota-history` (the pool's capacity-weighted standard quota, kept as samples are stored by
 * `usage/pool-quota-chart`). The arithmetic is the pure functions' of `usage/quota-history`.
 */
import type { IncomingMessage } from 'node:http';
import {
  QUOTA_HISTORY_MAX_POINTS,
  accountQuotaHistoryQuerySchema,
  poolQuotaHistoryQuerySchema,
  type AccountQuotaHistory,
  type PoolQuotaHistory,
} from '../../../shared/api';
import type { GatedModelEntry } from '../balancer/registry';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { PoolState } from '../pool/pool-state';
import type { Store } from '../store';
import type { PoolQuotaChart } from '../usage/pool-quota-chart';
import {
  MAX_ROWS_PER_SERIES,
  downsampleMax,
  familyDisplayLabel,
  samplePoint,
  windowAsOf,
} from '../usage/quota-history';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** What the quota history routes need. */
export interface QuotaHistoryRoutesContext {
  guard: GuardOptions;
  pool: PoolState;
  store: Store;
  registry: () => readonly GatedModelEntry[];
  now: () => number;
  /** The pool's chart, kept as samples are stored. */
  poolHistory: PoolQuotaChart;
}

const queryOf = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);

/** The quota history routes. */
export function quotaHistoryRoutes(ctx: QuotaHistoryRoutesContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/accounts/:id/quota-history',
      handler: adminOnly(ctx.guard, (req, res, { id }) => {
        const { family, hours } = parseOrThrow(accountQuotaHistoryQuerySchema, queryOf(req));
        if (ctx.pool.record(id!) === undefined) {
          throw new HttpError(404, 'not_found', `No account with id "${id}".`);
        }
        const now = ctx.now();
        const since = now - hours * 3600;
        ctx.pool.flushWrites(); // the chart includes the sample taken a moment ago
        const samples = ctx.store.quota.chartHistory(id!, family, since, MAX_ROWS_PER_SERIES);
        const newest = samples[samples.length - 1];
        const body: AccountQuotaHistory = {
          accountId: id!,
          family,
          label: familyDisplayLabel(family, ctx.pool.state(id!)?.usage[family]?.limitName, ctx.registry()),
          now,
          since,
          hours,
          points: downsampleMax(samples.map(samplePoint), { since, until: now }, QUOTA_HISTORY_MAX_POINTS),
          samples: samples.length,
          firstSampleAt: samples[0]?.recordedAt ?? null,
          lastSampleAt: newest?.recordedAt ?? null,
          primary: windowAsOf(newest?.primary, now),
          secondary: windowAsOf(newest?.secondary, now),
        };
        sendJson(res, 200, body);
      }),
    },
    {
      method: 'GET',
      path: '/api/pool/quota-history',
      handler: adminOnly(ctx.guard, (req, res) => {
        const { hours } = parseOrThrow(poolQuotaHistoryQuerySchema, queryOf(req));
        const now = ctx.now();
        const { since, points, accounts, firstSampleAt, lastSampleAt } = ctx.poolHistory.read(
          hours,
          QUOTA_HISTORY_MAX_POINTS,
        );
        const body: PoolQuotaHistory = { now, since, hours, points, accounts, firstSampleAt, lastSampleAt };
        sendJson(res, 200, body);
      }),
    },
  ];
}
