/** Issue 12: "Open at login" on Linux through an XDG autostart entry the app writes and removes. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  autostartEntry,
  autostartPath,
  launchCommand,
  quoteExecArg,
} from '../../../main/desktop/xdg-autostart';
import { electronMock, findMenuItem } from '../../helpers/electron-mock';
import { desktopHarness, type DesktopHarness } from './desktop-harness';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

describe('the autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart (a relative XDG_CONFIG_HOME is ignored)', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe(
      '/x/cfg/autostart/codex-pool.desktop',
    );
    expect(autostartPath({}, '/home/u')).toBe('/home/u/.config/autostart/codex-pool.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'cfg' }, '/home/u')).toBe(
      '/home/u/.config/autostart/codex-pool.desktop',
    );
  });

  it.each([
    ['/opt/Codex Pool/codex-pool', '"/opt/Codex Pool/codex-pool"'],
    ['/usr/bin/codex-pool', '/usr/bin/codex-pool'],
    ['--hidden', '--hidden'],
    ['/home/u/$HOME`x`/a"b\\c', '"/home/u/\\$HOME\\`x\\`/a\\"b\\\\c"'],
    ['/tmp/100%', '/tmp/100%%'],
  ])('quotes %s as %s', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted);
  });

  it('starts the app hidden in the tray; from an AppImage, the AppImage file itself', () => {
    const text = autostartEntry(
      launchCommand({ APPIMAGE: '/home/u/Apps/Codex Pool.AppImage' }, '/tmp/.mount_x/codex-pool'),
      ['--hidden'],
    );
    expect(text.split('\n')).toEqual([
      '[Desktop Entry]',
      'Type=Application',
      'Version=1.0',
      'Name=Codex Pool',
      'Comment=Pool several ChatGPT accounts behind one local proxy',
      'Exec="/home/u/Apps/Codex Pool.AppImage" --hidden',
      'Icon=codex-pool',
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ]);
    expect(launchCommand({}, '/usr/lib/codex-pool/codex-pool')).toBe('/usr/lib/codex-pool/codex-pool');
  });
});

describe('Open at login on Linux', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('the tray checkbox writes the entry, and unchecking removes it; a --hidden launch stays in the tray', async () => {
    await h.start({ argv: ['codex-pool', '--hidden'] });
    expect(electronMock.windows).toHaveLength(0);
    const file = join(h.dataDir, 'config', 'autostart', 'codex-pool.desktop');
    expect(findMenuItem(electronMock.trayMenu(), 'open-at-login')!.checked).toBe(false);

    findMenuItem(electronMock.trayMenu(), 'open-at-login')!.click!();
    expect(readFileSync(file, 'utf8')).toContain(`Exec=${quoteExecArg(process.execPath)} --hidden\n`);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(findMenuItem(electronMock.trayMenu(), 'open-at-login')!.checked).toBe(true);

    findMenuItem(electronMock.trayMenu(), 'open-at-login')!.click!();
    expect(existsSync(file)).toBe(false);
    expect(findMenuItem(electronMock.trayMenu(), 'open-at-login')!.checked).toBe(false);
    expect(electronMock.app.setLoginItemSettings).not.toHaveBeenCalled();
  });
});
