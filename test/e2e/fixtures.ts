/**
 * End-to-end fixtures: Debian's Chromium driven by playwright-core, a real core against the upstream simulator,
 * and a signed-in dashboard page that records console errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { resolveConfig } from '../../main/core/config';
import { createCore, type Core } from '../../main/core/create-core';
import { silentLogger } from '../../main/core/log';
import { TEST_TUNING } from '../helpers/test-tuning';
import { createSimulator, type Simulator } from '../simulator';

export { startPool, type PoolHarness } from '../helpers/pool-harness';

// Without these Chromium waits on the network (component updates, sync) on this closed machine.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium with a fresh profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a throw-away user data dir. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'codex-pool-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    // The backup test saves the file the dashboard downloads (Playwright keeps downloads in a temp dir).
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A dashboard page and the console errors it has logged so far. */
export interface DashboardPage {
  page: Page;
  errors: string[];
}

/** Opens a page that records console errors and uncaught exceptions. */
export async function openPage(browser: Browser): Promise<DashboardPage> {
  await browser.context.clearCookies(); // cookies are per host, not per port: each test starts signed out
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, errors };
}

/** Signs the page in with a one-time login link and waits for the accounts view. */
export async function signIn(browser: Browser, core: Core): Promise<DashboardPage> {
  const opened = await openPage(browser);
  await opened.page.goto(core.createLoginUrl());
  await opened.page.getByRole('heading', { name: 'Accounts', level: 2 }).waitFor();
  await opened.page.getByTestId('stream-state').getByText('Live').waitFor();
  return opened;
}

/** A core in demo mode (as `npm run demo` starts it) against a simulator, with no accounts. */
export async function startDemoCore(): Promise<{ core: Core; sim: Simulator; close(): Promise<void> }> {
  const sim = await createSimulator();
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-e2e-demo-'));
  const config = resolveConfig({
    env: {
      CODEX_POOL_PORT: '0',
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
    },
    defaultDataDir: dataDir,
    demo: true,
  });
  const core = createCore(config, { log: silentLogger, env: {}, accountsTuning: TEST_TUNING });
  await core.start();
  return {
    core,
    sim,
    async close() {
      await core.stop();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One Codex request through the proxy, read to the end. */
export async function codexRequest(core: Core): Promise<number> {
  const res = await fetch(`${core.url}/backend-api/codex/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-5.5',
      input: [{ role: 'user', content: 'hi' }],
      stream: true,
      store: false,
    }),
  });
  await res.text();
  return res.status;
}

/**
 * The lifecycle every dashboard test file shares: one Chromium per file, every page closed after each test, then
 * `afterEachTest` (stop the servers that test started). Returns the browser, available inside tests.
 */
export function useBrowser(afterEachTest: () => Promise<void>): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const page of browser?.context.pages() ?? []) await page.close();
    await afterEachTest();
  });
  return () => {
    if (!browser) throw new Error('The browser is not launched yet.');
    return browser;
  };
}
