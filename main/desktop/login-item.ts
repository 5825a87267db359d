import { app } from 'electron';

/** The argument a login launch carries on Windows, so the app starts in the tray without a window. */
export const HIDDEN_ARG = '--hidden';

/** Electron sets login items on macOS and Windows only; Linux desktops use autostart files it does not write. */
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
export function setupLoginItem(platform: NodeJS.Platform = process.platform): LoginItem {
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
