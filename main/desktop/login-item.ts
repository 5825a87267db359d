import { app } from 'electron';
import { xdgAutostart } from './xdg-autostart';

/** The argument a login launch carries on Windows, so the app starts in the tray without a window. */
export const HIDDEN_ARG = '--hidden';

/** Electron sets login items on macOS and Windows only; on Linux the app writes an XDG autostart file itself. */
export function loginItemSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** True when this launch came from the login item: start quietly in the tray. */
export function startedHidden(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
  return wasOpenedAtLogin || argv.includes(HIDDEN_ARG);
}

/** The "Open at login" setting. */
export interface LoginItem {
  /** Whether the app opens at login, or null where it cannot be set. */
  get(): boolean | null;
  set(open: boolean): void;
  /** True when this launch came from the login item. */
  openedAtLogin(argv: readonly string[]): boolean;
}

/** The login item of this platform. */
export function setupLoginItem(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoginItem {
  if (platform === 'linux') {
    // A login launch starts hidden in the tray, like the Windows entry's argument says there.
    const entry = xdgAutostart({ env, execPath: process.execPath, args: [HIDDEN_ARG] });
    return {
      get: () => entry.enabled(),
      set: (open) => entry.set(open),
      openedAtLogin: (argv) => startedHidden(argv, false),
    };
  }
  const supported = loginItemSupported(platform);
  // Windows keys the entry by its arguments: read it back with the same ones it was written with.
  const args = platform === 'win32' ? [HIDDEN_ARG] : [];
  return {
    get: () => (supported ? app.getLoginItemSettings({ args }).openAtLogin : null),
    set(open) {
      if (supported) app.setLoginItemSettings({ openAtLogin: open, args });
    },
    openedAtLogin: (argv) =>
      startedHidden(argv, supported && app.getLoginItemSettings({ args }).wasOpenedAtLogin === true),
  };
}
