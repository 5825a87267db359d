import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  isAllowedPermission,
  isSafeExternalUrl,
  navigationDecision,
  windowOptions,
} from '../../../main/desktop/window-policy';
import { openExternalSafely, setupWindow } from '../../../main/desktop/window';
import type { Core } from '../../../main/core/create-core';
import { silentLogger } from '../../../main/core/log';
import { electronMock, fakeEvent, resetElectronMock } from '../../helpers/electron-mock';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

const ORIGIN = 'http://127.0.0.1:2455';

describe('window policy', () => {
  it('sandboxes the renderer: isolated context, no Node, no preload, web security on', () => {
    const prefs = windowOptions({ dev: false }).webPreferences!;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs.preload).toBeUndefined();
    expect(windowOptions({ dev: true }).webPreferences!.devTools).toBe(true);
    expect(windowOptions({ dev: false }).show).toBe(false);
  });

  it.each([
    [`${ORIGIN}/`, true],
    [`${ORIGIN}/accounts?tab=quota#x`, true],
    ['http://127.0.0.1:2456/', false], // another port is another origin
    ['http://localhost:2455/', false],
    ['https://127.0.0.1:2455/', false],
    ['https://chatgpt.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('navigation to %s allowed: %s', (url, allowed) => {
    expect(isAllowedNavigation(url, ORIGIN)).toBe(allowed);
  });

  it.each([
    [`${ORIGIN}/requests`, 'allow'],
    ['https://chatgpt.com/codex/settings/usage', 'external'],
    ['https://user:pass@example.com/', 'deny'],
    ['http://example.com/', 'deny'],
    ['http://127.0.0.1:9999/', 'deny'], // http links leave only for sign-in, through the core's capability
    ['file:///tmp/x.html', 'deny'],
    ['mailto:someone@example.com', 'deny'],
    ['codex-pool://evil', 'deny'],
  ])('navigation decision for %s: %s', (url, decision) => {
    expect(navigationDecision(url, ORIGIN)).toBe(decision);
  });

  it('opens sign-in links only over https, or http to this machine (the demo simulator)', () => {
    expect(isSafeExternalUrl('https://auth.openai.com/oauth/authorize?x=1')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:1455/oauth/authorize')).toBe(true);
    expect(isSafeExternalUrl('http://evil.example/oauth')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('smb://share/x')).toBe(false);
  });

  it('has a strict CSP: self only, no inline script or style, no objects, no framing', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('*');
  });

  it('refuses every permission except clipboard writes from the dashboard', () => {
    expect(isAllowedPermission('clipboard-sanitized-write', `${ORIGIN}/keys`, ORIGIN)).toBe(true);
    expect(isAllowedPermission('clipboard-sanitized-write', 'https://evil.example/', ORIGIN)).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(isAllowedPermission(permission, `${ORIGIN}/`, ORIGIN)).toBe(false);
    }
  });
});

describe('setupWindow', () => {
  let loginCodes = 0;
  const core = {
    url: ORIGIN,
    createLoginUrl: () => `${ORIGIN}/login?code=one-time-${++loginCodes}`,
  } as unknown as Core;

  beforeEach(() => resetElectronMock());

  it('signs the window in with a one-time login URL and shows it when ready', () => {
    const dashboard = setupWindow({ core, dev: false, log: silentLogger });
    dashboard.show();
    const [win] = electronMock.windows;
    expect(win!.options).toEqual(windowOptions({ dev: false }));
    expect(win!.loadURL).toHaveBeenCalledWith(
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:2455\/login\?code=one-time-\d+$/),
    );
    expect(win!.visible).toBe(false);
    win!.emit('ready-to-show');
    expect(win!.visible).toBe(true);
  });

  it('focuses the open window instead of creating another; creates a new one after it was closed', () => {
    const dashboard = setupWindow({ core, dev: false, log: silentLogger });
    dashboard.show();
    const [win] = electronMock.windows;
    win!.minimized = true;
    dashboard.show();
    expect(electronMock.windows).toHaveLength(1);
    expect(win!.restore).toHaveBeenCalled();
    expect(win!.focus).toHaveBeenCalled();
    win!.close();
    expect(dashboard.current()).toBeNull();
    dashboard.show();
    expect(electronMock.windows).toHaveLength(2);
  });

  it('keeps the app alive when the last window closes (a tray app)', () => {
    setupWindow({ core, dev: false, log: silentLogger });
    expect(electronMock.app.listenerCount('window-all-closed')).toBe(1);
  });

  it('blocks navigation away from the dashboard and sends https links to the system browser', () => {
    setupWindow({ core, dev: false, log: silentLogger }).show();
    const contents = electronMock.windows[0]!.webContents;
    expect(contents.fire('will-navigate', `${ORIGIN}/settings`).defaultPrevented).toBe(false);
    expect(contents.fire('will-navigate', 'https://chatgpt.com/').defaultPrevented).toBe(true);
    expect(electronMock.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://chatgpt.com/');
    expect(contents.fire('will-navigate', 'file:///etc/passwd').defaultPrevented).toBe(true);
    expect(contents.fire('will-redirect', 'http://evil.example/').defaultPrevented).toBe(true);
    expect(contents.fire('will-attach-webview').defaultPrevented).toBe(true);
    expect(electronMock.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('never opens a new window: https links go to the browser, everything else is denied', () => {
    setupWindow({ core, dev: false, log: silentLogger }).show();
    const handler = electronMock.windows[0]!.webContents.windowOpenHandler!;
    expect(handler({ url: 'https://github.com/openai/codex' })).toEqual({ action: 'deny' });
    expect(electronMock.shell.openExternal).toHaveBeenCalledWith('https://github.com/openai/codex');
    expect(handler({ url: `${ORIGIN}/popup` })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electronMock.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('adds the CSP to the dashboard responses and refuses permissions', () => {
    setupWindow({ core, dev: false, log: silentLogger });
    const ses = electronMock.session.defaultSession;
    expect(ses.headersFilter).toEqual({ urls: [`${ORIGIN}/*`] });
    const callback = vi.fn();
    ses.headersListener!({ responseHeaders: { 'content-type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'content-type': ['text/html'],
        'Content-Security-Policy': [contentSecurityPolicy()],
      },
    });
    const grant = vi.fn();
    ses.permissionRequestHandler!({}, 'media', grant, { requestingUrl: `${ORIGIN}/` });
    expect(grant).toHaveBeenCalledWith(false);
    expect(ses.permissionCheckHandler!({}, 'clipboard-sanitized-write', ORIGIN)).toBe(true);
    expect(ses.permissionCheckHandler!({}, 'geolocation', ORIGIN)).toBe(false);
  });

  it('guards web contents created by anything else too', () => {
    setupWindow({ core, dev: false, log: silentLogger });
    const contents = { on: vi.fn(), setWindowOpenHandler: vi.fn() };
    electronMock.app.emit('web-contents-created', fakeEvent(), contents);
    expect(contents.on).toHaveBeenCalledWith('will-navigate', expect.any(Function));
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
  });
});

describe('openExternalSafely (the core’s deps.desktop.openExternal)', () => {
  beforeEach(() => resetElectronMock());

  it('opens https sign-in links and refuses others', async () => {
    await openExternalSafely('https://auth.openai.com/oauth/authorize?client_id=x');
    expect(electronMock.shell.openExternal).toHaveBeenCalledWith(
      'https://auth.openai.com/oauth/authorize?client_id=x',
    );
    await expect(openExternalSafely('file:///etc/passwd')).rejects.toThrow(/not https/);
    expect(electronMock.shell.openExternal).toHaveBeenCalledTimes(1);
  });
});
