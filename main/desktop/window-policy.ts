/**
 * The dashboard window's security settings as pure functions (CONVENTIONS.md habit 12: a unit test asserts
 * them). The window shows one thing, the dashboard the core serves over HTTP, so it needs no Node, no preload
 * and no way to wander off to another site.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { isLoopbackHost } from '../core/config';

/** Options of {@link windowOptions}. */
export interface WindowOptionsInput {
  /** Unpackaged (`npm start`): devtools allowed. Packaged builds never open devtools. */
  dev: boolean;
  /** Absolute path of the window icon (Linux and Windows use it). */
  icon?: string;
}

/** The BrowserWindow options: sandboxed renderer, isolated context, no Node, no preload. */
export function windowOptions({ dev, icon }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1180,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    title: 'Codex Pool',
    show: false, // shown on ready-to-show: no white flash
    autoHideMenuBar: true,
    ...(icon !== undefined ? { icon } : {}),
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: dev,
      // No `preload`: the dashboard talks to the core over HTTP only (ARCHITECTURE.md), like in a browser.
    },
  };
}

/** True when `url` is on the dashboard's own origin (the core's `http://127.0.0.1:<port>`). */
export function isAllowedNavigation(url: string, origin: string): boolean {
  const parsed = parseUrl(url);
  const own = parseUrl(origin);
  return parsed !== null && own !== null && parsed.origin === own.origin;
}

/**
 * A link that may be handed to the system browser: https anywhere, and http only to this machine (the
 * simulator's sign-in page in demo mode). Never `file:`, `javascript:`, custom schemes or credentials in the URL.
 */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  if (parsed === null || parsed.username !== '' || parsed.password !== '') return false;
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
}

/** What to do when the page navigates or opens a window to `url`. */
export type NavigationDecision = 'allow' | 'external' | 'deny';

/**
 * Navigation inside the dashboard's origin is allowed; an https link elsewhere (documentation, the ChatGPT
 * usage page) opens in the system browser; anything else is refused.
 */
export function navigationDecision(url: string, origin: string): NavigationDecision {
  if (isAllowedNavigation(url, origin)) return 'allow';
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === 'https:' && isSafeExternalUrl(url) ? 'external' : 'deny';
}

/**
 * The Content-Security-Policy the shell adds to the dashboard's responses (on top of any the core sends; the
 * browser enforces both). Scripts, styles and connections only from the core itself; no plugins, no framing,
 * no `<base>` tricks, forms post only home, no inline script or style (the renderer build emits files only).
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Permission requests (camera, geolocation, notifications…) are refused; the one exception is writing to the
 * clipboard from the dashboard itself, which its "copy" buttons (a new proxy key, a base URL) need.
 */
export function isAllowedPermission(permission: string, requestingUrl: string, origin: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAllowedNavigation(requestingUrl, origin);
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
