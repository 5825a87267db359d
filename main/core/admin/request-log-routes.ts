/**
 * The request log: `GET /api/requests` (filters, newest first, pages through `before`) and
 * `GET /api/requests/export.csv` (everything the same filters match, streamed in chunks so a 30-day export
 * never holds the event loop for long).
 */
import type { IncomingMessage } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  requestFilterSchema,
  requestListQuerySchema,
  type RequestFilter,
  type RequestList,
} from '../../../shared/api';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { parseOrThrow } from '../http/validate';
import type { RequestLogEntry, RequestLogFilter, RequestsRepository } from '../store';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';
import { CSV_HEADER, csvLines } from './request-log-csv';

/** Rows read per chunk of an export: a few milliseconds of work between yields to the proxy. */
const EXPORT_CHUNK = 250;
/** Time counted per statement (ms): a filter that reads every row still holds the event loop only briefly. */
const COUNT_SPAN_MS = 24 * 3600 * 1000;

/** What the request log routes need. */
export interface RequestLogRoutesContext {
  guard: GuardOptions;
  requests: Pick<RequestsRepository, 'find' | 'count' | 'timeBounds'>;
  /** Commits queued rows first: the log shows requests that finished a moment ago. */
  flush: () => void;
  /** Epoch seconds, for the export's file name. */
  now: () => number;
}

const queryOf = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);

/** The API's filter (times in seconds) as the store's (ms). */
function storeFilter(f: RequestFilter): RequestLogFilter {
  const { from, to, ...rest } = f;
  return {
    ...rest,
    ...(from !== undefined ? { fromMs: from * 1000 } : {}),
    ...(to !== undefined ? { toMs: to * 1000 } : {}),
  };
}

/** Counts the matching rows a day of the log at a time, yielding to the event loop between days. */
async function countMatching(
  requests: RequestLogRoutesContext['requests'],
  filter: RequestLogFilter,
): Promise<number> {
  const bounds = requests.timeBounds();
  if (bounds === null) return 0;
  const from = Math.max(bounds.min, filter.fromMs ?? -Infinity);
  const to = Math.min(bounds.max + 1, filter.toMs ?? Infinity);
  let total = 0;
  for (let start = from; start < to; start += COUNT_SPAN_MS) {
    if (start > from) await yieldToLoop();
    total += requests.count({ ...filter, fromMs: start, toMs: Math.min(to, start + COUNT_SPAN_MS) });
  }
  return total;
}

function toDto({ startedAt, ...row }: RequestLogEntry): RequestList['requests'][number] {
  return { ...row, time: startedAt / 1000 };
}

/** The request log routes. */
export function requestLogRoutes(ctx: RequestLogRoutesContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/requests',
      handler: adminOnly(ctx.guard, async (req, res) => {
        const { limit, before, ...filter } = parseOrThrow(requestListQuerySchema, queryOf(req));
        ctx.flush();
        const f = storeFilter(filter);
        const rows = ctx.requests.find(f, limit, before);
        const last = rows.at(-1);
        const body: RequestList = {
          requests: rows.map(toDto),
          total: await countMatching(ctx.requests, f),
          nextBefore: rows.length === limit && last !== undefined ? last.id : null,
        };
        sendJson(res, 200, body);
      }),
    },
    {
      method: 'GET',
      path: '/api/requests/export.csv',
      handler: adminOnly(ctx.guard, async (req, res) => {
        const f = storeFilter(parseOrThrow(requestFilterSchema, queryOf(req)));
        ctx.flush();
        const stamp = new Date(ctx.now() * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15);
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="codex-pool-requests-${stamp}Z.csv"`,
          'cache-control': 'no-store',
        });
        res.write(CSV_HEADER);
        let before: number | undefined;
        for (;;) {
          const rows = ctx.requests.find(f, EXPORT_CHUNK, before);
          if (rows.length > 0 && !res.write(csvLines(rows))) {
            await new Promise<void>((resolve) => res.once('drain', resolve));
          }
          if (rows.length < EXPORT_CHUNK || res.destroyed) break;
          before = rows.at(-1)!.id;
          await yieldToLoop(); // let the proxy run between chunks
        }
        res.end();
      }),
    },
  ];
}
