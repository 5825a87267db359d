import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import type { Core } from '../core/create-core';
import type { Logger } from '../core/log';
import {
  contentSecurityPolicy,
  isAllowedPermission,
  isSafeExternalUrl,
  navigationDecision,
  windowOptions,
} from './window-policy';

/** The dashboard window: at most one, created on demand, destroyed on close (the app lives on in the tray). */
export interface DashboardWindow {
  /** Shows the window, creating it (and signing it in) when there is none. */
  show(): void;
  /** The window, while one is open (tests, diagnostics). */
  current(): BrowserWindow | null;
}

/** What the window needs. */
export interface WindowDeps {
  core: Core;
  /** Devtools are allowed only when true (unpackaged runs). */
  dev: boolean;
  icon?: string;
  log: Logger;
}

/**
 * Guards every web contents the app creates and returns the window controller. Call once, after the core
 * started (the window's origin is the core's URL).
 */
export function setupWindow(deps: WindowDeps): DashboardWindow {
  const origin = new URL(deps.core.url).origin;
  guardSession(origin);
  app.on('web-contents-created', (_event, contents) => guardContents(contents, origin, deps.log));
  // A tray app keeps running with no window; listening here stops Electron's default quit.
  app.on('window-all-closed', () => {});

  let win: BrowserWindow | null = null;
  return {
    show() {
      if (win && !win.isDestroyed()) {
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
        return;
      }
      const created = new BrowserWindow(
        windowOptions({ dev: deps.dev, ...(deps.icon !== undefined ? { icon: deps.icon } : {}) }),
      );
      win = created;
      created.once('ready-to-show', () => created.show());
      created.on('closed', () => {
        if (win === created) win = null;
        app.dock?.hide(); // back to a menu-bar-only app on macOS
      });
      void app.dock?.show();
      // The one-time login link sets the session cookie and redirects to the dashboard; no token in any URL.
      created.loadURL(deps.core.createLoginUrl()).catch((err: unknown) => {
        deps.log.error('could not load the dashboard', { err });
      });
    },
    current: () => (win && !win.isDestroyed() ? win : null),
  };
}

/** Adds the CSP to the dashboard's responses and refuses permission requests. */
function guardSession(origin: string): void {
  const csp = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived({ urls: [`${origin}/*`] }, (details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isAllowedPermission(permission, details.requestingUrl, origin));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isAllowedPermission(permission, requestingOrigin, origin),
  );
}

/** No navigation away from the dashboard, https links to the system browser, no new windows, no webviews. */
export function guardContents(contents: WebContents, origin: string, log: Logger): void {
  const openOutside = (url: string): void => {
    shell
      .openExternal(url)
      .catch((err: unknown) => log.warn('could not open a link in the browser', { err }));
  };
  const onNavigate = (event: { preventDefault(): void }, url: string): void => {
    const decision = navigationDecision(url, origin);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'external') openOutside(url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (navigationDecision(url, origin) === 'external') openOutside(url);
    return { action: 'deny' };
  });
}

/**
 * The core's `deps.desktop.openExternal`: opens a sign-in link in the system browser, refusing anything that is
 * not https (or http to this machine, the simulator's sign-in page in demo mode).
 */
export async function openExternalSafely(url: string): Promise<void> {
  if (!isSafeExternalUrl(url)) throw new Error('Refusing to open a link that is not https.');
  await shell.openExternal(url);
}
