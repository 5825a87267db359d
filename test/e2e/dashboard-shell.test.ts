import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_CSP, dashboardRoutes } from '../../main/core/admin/dashboard-routes';
import { SessionStore } from '../../main/core/admin/sessions';
import { Router } from '../../main/core/http/router';
import { close, createHttpServer, listen } from '../../main/core/http/server';
import { silentLogger } from '../../main/core/log';
import { openPage, signIn, startDemoCore, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;
let demo: Awaited<ReturnType<typeof startDemoCore>> | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  await demo?.close();
  pool = undefined;
  demo = undefined;
});

/** A GET with a chosen Host header (fetch does not let us set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard shell', () => {
  it('serves the built page and its assets with a strict CSP, nosniff and the right caching', async () => {
    pool = await startPool();
    const page = await fetch(`${pool.core.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // no external resources
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${pool.core.url}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${pool.core.url}/assets/..%2Fpackage.json`)).status).toBe(404);
    // The DNS-rebinding guard covers the page too.
    expect(await getWithHost(`${pool.core.url}/`, 'evil.example')).toBe(421);
  });

  it('says to run npm run build when the dashboard has not been built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'codex-pool-no-build-'));
    let port = 0;
    const guard = {
      boundHost: '127.0.0.1',
      port: () => port,
      adminToken: 'x'.repeat(32),
      sessions: new SessionStore(() => 0),
    };
    const server = createHttpServer(new Router(dashboardRoutes({ guard, dir: empty })), silentLogger);
    port = await listen(server, '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
      expect(await res.text()).toContain('npm run build');
      expect((await fetch(`http://127.0.0.1:${port}/assets/index.js`)).status).toBe(404);
    } finally {
      await close(server, 0);
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('explains how to sign in when there is no session', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page } = await openPage(browser());
    await page.goto(pool.core.url);
    const signedOut = page.getByTestId('signed-out');
    await signedOut.getByRole('heading', { name: 'Sign in to Codex Pool' }).waitFor();
    expect(await signedOut.textContent()).toContain('codex-pool serve');
    expect(await signedOut.textContent()).toContain('/login?code=');
    expect(await page.getByText('a@example.com').count()).toBe(0);
  });

  it('signs in with the one-time login link, without console errors', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com', planType: 'plus' }] });
    const { page, errors } = await signIn(browser(), pool.core);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { name: 'a@example.com' }).waitFor();
    for (const tab of ['Pool', 'Routing', 'Requests', 'Accounts']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('heading', { name: tab, level: 2 }).waitFor();
    }
    expect(await page.getByTestId('demo-banner').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('labels a demo server unmistakably, and shows the next step when there are no accounts', async () => {
    demo = await startDemoCore();
    const { page, errors } = await signIn(browser(), demo.core);
    const banner = page.getByTestId('demo-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('DEMO — simulated accounts');
    await page.getByTestId('empty-state').getByText('No accounts yet — add one').waitFor();
    await page.getByRole('tab', { name: 'Routing' }).click();
    expect(await banner.isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});
