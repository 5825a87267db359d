import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEY_FILE_NAME } from '../../../main/core/secrets';
import { APP_USER_MODEL_ID } from '../../../main/desktop/main';
import { KEY_FILE_NOTICE } from '../../../main/desktop/tray-template';
import { TRAY_DEBOUNCE_MS } from '../../../main/desktop/tray';
import { electronMock, findMenuItem, menuText } from '../../helpers/electron-mock';
import { ask, desktopHarness, type DesktopHarness } from './desktop-harness';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

describe('startDesktop (main.ts wiring, real core against the simulator)', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(() => h.close());

  it("starts the core in Electron's userData, opens the signed-in dashboard and builds the tray", async () => {
    const desktop = (await h.start())!;
    expect(desktop.core.config.dataDir).toBe(h.dataDir);
    expect(await (await fetch(`${desktop.core.url}/api/health`)).json()).toMatchObject({ ok: true });
    expect(desktop.secretStorage).toBe('keychain');

    const [win] = electronMock.windows;
    expect(win!.loadedUrl).toMatch(new RegExp(`^${desktop.core.url}/login\\?code=`));
    // The login link really signs in: it answers with the session cookie and a redirect to the dashboard.
    const login = await fetch(win!.loadedUrl!, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);

    expect(electronMock.trays).toHaveLength(1);
    expect(electronMock.trays[0]!.image.path).toBe(
      join(electronMock.app.appPath, 'assets', 'tray-paused.png'),
    );
    expect(electronMock.trayMenu()[0]!.label).toBe('Codex Pool — no accounts');
    expect(electronMock.notifications).toHaveLength(0);
  });

  it('honours CODEX_POOL_DATA_DIR over userData', async () => {
    const dir = join(h.dataDir, 'custom');
    const desktop = (await h.start({
      env: {
        CODEX_POOL_PORT: '0',
        CODEX_POOL_DATA_DIR: dir,
        CODEX_POOL_UPSTREAM_BASE_URL: h.sim.upstreamBaseUrl,
        CODEX_POOL_AUTH_BASE_URL: h.sim.authBaseUrl,
      },
    }))!;
    expect(desktop.core.config.dataDir).toBe(dir);
  });

  it('updates the tray from core events, and a strategy click switches routing in the core', async () => {
    const desktop = (await h.start())!;
    const account = h.sim.addAccount({
      email: 'alice@example.com',
      planType: 'plus',
      usage: { primary: 40, secondary: 10 },
    });
    desktop.core.services.accounts.importAuthJson(account.authJson());
    expect((await ask(desktop.core.url)).status).toBe(200);
    await vi.waitFor(
      () =>
        expect(electronMock.trayMenu()[1]!.label).toMatch(
          /^alice@example\.com — 5h \d+% · wk \d+% \(updated just now\)$/,
        ),
      { timeout: 2000 + TRAY_DEBOUNCE_MS },
    );
    expect(electronMock.trays[0]!.image.path).toMatch(/tray-ok\.png$/);

    findMenuItem(electronMock.trayMenu(), 'strategy:round_robin')!.click!();
    expect(desktop.core.services.settings.get().routingStrategy).toBe('round_robin');
    const settings = await fetch(`${desktop.core.url}/api/settings`, {
      headers: { authorization: `Bearer ${desktop.core.adminToken}` },
    });
    expect(await settings.json()).toMatchObject({ routingStrategy: 'round_robin' });
    expect(findMenuItem(electronMock.trayMenu(), 'routing')!.label).toBe('Routing: Round robin');

    findMenuItem(electronMock.trayMenu(), 'pause-all')!.click!();
    expect(desktop.core.services.accounts.list().map((a) => a.status)).toEqual(['paused']);
    expect(electronMock.trays[0]!.image.path).toMatch(/tray-paused\.png$/);
  });

  it('on quit, lets the request in flight finish, then stops the core and lets the quit through', async () => {
    const desktop = (await h.start())!;
    const account = h.sim.addAccount({ email: 'slow@example.com' });
    desktop.core.services.accounts.importAuthJson(account.authJson());
    h.sim.injectFault({ kind: 'delay', ms: 400 });
    const inFlight = ask(desktop.core.url);
    await h.sim.waitForRequest((r) => r.path.includes('/responses'), 3000);

    electronMock.app.quit();
    expect(electronMock.app.quitCompleted).toBe(false); // held back while the core stops
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Hello from slow@example.com');
    await vi.waitFor(() => expect(electronMock.app.quitCompleted).toBe(true));
    await expect(fetch(`${desktop.core.url}/api/health`)).rejects.toThrow();
    expect(electronMock.trays[0]!.destroyed).toBe(true);
    expect(h.lines.some((l) => l.includes('codex pool stopped'))).toBe(true);
  });

  it('a second launch quits at once; the first instance brings its window forward', async () => {
    await h.start();
    const [win] = electronMock.windows;
    win!.close();
    electronMock.app.emit('second-instance', {}, ['codex-pool'], '/');
    expect(electronMock.windows).toHaveLength(2);
    electronMock.app.emit('second-instance', {}, ['codex-pool'], '/');
    expect(electronMock.windows).toHaveLength(2);
    expect(electronMock.windows[1]!.focus).toHaveBeenCalled();

    electronMock.app.gotLock = false;
    const trays = electronMock.trays.length;
    expect(await h.start()).toBeNull();
    expect(electronMock.app.quit).toHaveBeenCalled();
    expect(electronMock.trays).toHaveLength(trays); // no second core, no second tray
  });

  it('without an OS keychain: seals with the key file and says so in a notification, the tray and the log', async () => {
    electronMock.safeStorage.available = false;
    const desktop = (await h.start())!;
    expect(desktop.secretStorage).toBe('key-file');
    const account = h.sim.addAccount({ email: 'nokeyring@example.com' });
    desktop.core.services.accounts.importAuthJson(account.authJson());
    expect(existsSync(join(h.dataDir, KEY_FILE_NAME))).toBe(true);
    expect(electronMock.safeStorage.encryptString).not.toHaveBeenCalled();
    expect(electronMock.notifications.map((n) => n.options.title)).toEqual(['No OS keychain found']);
    expect(menuText(electronMock.trayMenu())).toContain(`⚠ ${KEY_FILE_NOTICE}`);
    expect(h.lines.some((l) => l.includes('"level":"warn"') && l.includes('key file'))).toBe(true);
  });

  it('started from the login item (Windows): stays in the tray without a window', async () => {
    await h.start({ argv: ['Codex Pool.exe', '--hidden'], platform: 'win32' });
    expect(electronMock.app.setAppUserModelId).toHaveBeenCalledWith(APP_USER_MODEL_ID);
    expect(electronMock.windows).toHaveLength(0);
    expect(electronMock.trays).toHaveLength(1);
    const item = findMenuItem(electronMock.trayMenu(), 'open-at-login')!;
    item.click!();
    expect(electronMock.app.setLoginItemSettings).toHaveBeenCalledWith({
      openAtLogin: true,
      args: ['--hidden'],
    });
    expect(findMenuItem(electronMock.trayMenu(), 'open-at-login')!.checked).toBe(true);
  });

  it('explains a port already in use and exits', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await h.start({
        env: {
          CODEX_POOL_PORT: String(port),
          CODEX_POOL_UPSTREAM_BASE_URL: h.sim.upstreamBaseUrl,
          CODEX_POOL_AUTH_BASE_URL: h.sim.authBaseUrl,
        },
      });
      expect(result).toBeNull();
      expect(electronMock.dialog.showErrorBox).toHaveBeenCalledWith(
        'Codex Pool could not start',
        expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use`),
      );
      expect(electronMock.app.exit).toHaveBeenCalledWith(1);
      expect(electronMock.trays).toHaveLength(0);
    } finally {
      blocker.close();
    }
  });
});
