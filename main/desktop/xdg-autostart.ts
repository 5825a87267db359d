/**
 * "Open at login" on Linux (issue 12): Electron's login item covers macOS and Windows only, so the app writes and
 * removes an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/codex-pool.desktop`, freedesktop "Desktop Application
 * Autostart Specification"), which GNOME, KDE, XFCE and most other desktops honour. The entry's text and its path
 * are pure; the file I/O is three calls.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The entry's file name; also its identity for the desktop session. */
export const AUTOSTART_FILE = 'codex-pool.desktop';

/** Where the entry lives: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart` (only absolute paths count). */
export function autostartPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const configHome = env.XDG_CONFIG_HOME;
  const base = configHome !== undefined && configHome.startsWith('/') ? configHome : join(home, '.config');
  return join(base, 'autostart', AUTOSTART_FILE);
}

/**
 * One Exec argument, quoted as the Desktop Entry spec asks: plain when it has no reserved character, else in
 * double quotes with `"`, `` ` ``, `$` and `\` escaped; `%` doubled either way (field codes).
 */
export function quoteExecArg(arg: string): string {
  const percent = arg.replaceAll('%', '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(percent)) return percent;
  return `"${percent.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The `.desktop` text that starts `command` with `args` at login. */
export function autostartEntry(command: string, args: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Codex Pool',
    'Comment=Pool several ChatGPT accounts behind one local proxy',
    `Exec=${[command, ...args].map(quoteExecArg).join(' ')}`,
    'Icon=codex-pool',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The command that starts this install again: the AppImage file itself when run from one (`process.execPath` is
 * inside its temporary mount, gone after a reboot), else the executable.
 */
export function launchCommand(env: Readonly<Record<string, string | undefined>>, execPath: string): string {
  const appImage = env.APPIMAGE;
  return appImage !== undefined && appImage.startsWith('/') ? appImage : execPath;
}

/** Reads and writes the entry. */
export interface XdgAutostart {
  readonly path: string;
  enabled(): boolean;
  set(open: boolean): void;
}

/** The autostart entry of this user; `args` are what a login launch carries (start hidden in the tray). */
export function xdgAutostart(options: {
  env: Readonly<Record<string, string | undefined>>;
  execPath: string;
  args: readonly string[];
  home?: string;
}): XdgAutostart {
  const path = autostartPath(options.env, options.home ?? homedir());
  return {
    path,
    enabled: () => existsSync(path),
    set(open) {
      if (!open) {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      writeFileSync(path, autostartEntry(launchCommand(options.env, options.execPath), options.args), {
        mode: 0o644,
      });
    },
  };
}
