/**
 * Serves the built dashboard (`dist/renderer`, made by `npm run build`) at `/`: the page itself is public (it holds
 * no data; every `/api` call it makes is authorised), under a strict CSP, behind the same Host check as the API.
 * Hashed assets are cached for good; index.html is revalidated so a rebuild shows at the next load.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import type { Route } from '../http/router';
import { HttpError } from '../http/http-error';
import { hostChecked } from './admin-routes';
import type { GuardOptions } from './guard';

/** The dashboard's Content-Security-Policy: nothing but our own files, no framing, no inline code. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Asset names Vite writes: no path separators, no dot-dot, nothing hidden. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codex Pool</title></head>
<body><h1>Codex Pool</h1>
<p>The dashboard has not been built yet. Run <code>npm run build</code> in the Codex Pool checkout, then reload this page.</p>
<p>The proxy and the admin API work without it.</p></body></html>
`;

/**
 * Finds the built dashboard from this module's location: `<repo>/dist/renderer` when running from the sources
 * (tsx), `<…>/dist/renderer` when running from compiled or bundled output under `dist/`.
 */
export function findDashboardDir(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidates = [join(dir, 'dist', 'renderer')];
    if (basename(dir) === 'dist') candidates.push(join(dir, 'renderer'));
    for (const candidate of candidates) if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function sendPage(
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer | string,
  cache: string,
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': cache,
    'content-security-policy': DASHBOARD_CSP,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
  });
  res.end(body);
}

/** What the dashboard routes need. */
export interface DashboardContext {
  guard: GuardOptions;
  /** The built dashboard's folder; found from the module location when absent. Looked up per request otherwise. */
  dir?: string;
}

/** `GET /` (the dashboard page) and `GET /assets/:file` (its hashed scripts and styles). */
export function dashboardRoutes(ctx: DashboardContext): Route[] {
  // Looked up per request while missing, so a build made after start-up is picked up without a restart.
  let found = ctx.dir;
  const dir = (): string | undefined => (found ??= findDashboardDir());

  return [
    {
      method: 'GET',
      path: '/',
      handler: hostChecked(ctx.guard, async (_req, res) => {
        const root = dir();
        let html: Buffer | undefined;
        if (root !== undefined) html = await readFile(join(root, 'index.html')).catch(() => undefined);
        if (html === undefined) {
          return sendPage(res, 200, CONTENT_TYPES['.html']!, MISSING_BUILD_PAGE, 'no-store');
        }
        sendPage(res, 200, CONTENT_TYPES['.html']!, html, 'no-cache');
      }),
    },
    {
      method: 'GET',
      path: '/assets/:file',
      handler: hostChecked(ctx.guard, async (_req, res, { file }) => {
        const root = dir();
        const type = CONTENT_TYPES[extname(file ?? '').toLowerCase()];
        if (root === undefined || file === undefined || !ASSET_NAME.test(file) || type === undefined) {
          throw new HttpError(404, 'not_found', 'No such dashboard file.');
        }
        const body = await readFile(join(root, 'assets', file)).catch(() => undefined);
        if (body === undefined) throw new HttpError(404, 'not_found', 'No such dashboard file.');
        // Vite puts a content hash in every asset name: a changed file gets a new name, so cache forever.
        sendPage(res, 200, type, body, 'public, max-age=31536000, immutable');
      }),
    },
  ];
}
