/**
 * Issue 12: "Check for updates…" in the window's application menu — the template per platform, and the click going
 * through the same updater as the tray's item (a build that does not update itself says why).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from '../../../main/desktop/app-menu-template';
import { setupAppMenu } from '../../../main/desktop/app-menu';
import { setupUpdater } from '../../../main/desktop/updater';
import type { UpdateView } from '../../../main/desktop/update-policy';
import type { DesktopNotice } from '../../../main/desktop/notification-template';
import { silentLogger } from '../../../main/core/log';
import {
  electronMock,
  findMenuItem,
  resetElectronMock,
  type MenuTemplateItem,
} from '../../helpers/electron-mock';
import { desktopHarness, type DesktopHarness } from './desktop-harness';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

const IDLE = { label: 'Check for updates…', enabled: true };
/** Each item as "role or label", nested items indented. */
const outline = (items: readonly MenuTemplateItem[], depth = 0): string[] =>
  items.flatMap((i) => [
    `${'  '.repeat(depth)}${i.type === 'separator' ? '—' : (i.label ?? i.role)}`,
    ...(i.submenu ? outline(i.submenu, depth + 1) : []),
  ]);

describe('appMenuTemplate', () => {
  it('on macOS: the app menu with About, Check for updates… and Quit, and the standard Edit and Window menus', () => {
    const check = vi.fn();
    const menu = appMenuTemplate('darwin', 'Codex Pool', IDLE, check);
    expect(outline(menu)).toEqual([
      'Codex Pool',
      '  About Codex Pool',
      '  —',
      '  Check for updates…',
      '  —',
      '  Quit Codex Pool',
      'editMenu',
      'windowMenu',
    ]);
    expect(menu[0]!.submenu!.map((i) => i.role)).toEqual(['about', undefined, undefined, undefined, 'quit']);
    findMenuItem(menu, 'check-updates')!.click!();
    expect(check).toHaveBeenCalledTimes(1);
  });

  it.each<NodeJS.Platform>(['linux', 'win32'])(
    'on %s: a Help menu with Check for updates… only',
    (platform) => {
      const menu = appMenuTemplate(platform, 'Codex Pool', IDLE, () => {});
      expect(outline(menu)).toEqual(['&Help', '  Check for updates…']);
    },
  );

  it("shows the updater's state as the tray does: disabled while checking, restart when ready", () => {
    expect(
      findMenuItem(
        appMenuTemplate('linux', 'Codex Pool', { label: 'Checking for updates…', enabled: false }, () => {}),
        'check-updates',
      ),
    ).toMatchObject({ label: 'Checking for updates…', enabled: false });
    expect(
      findMenuItem(
        appMenuTemplate(
          'darwin',
          'Codex Pool',
          { label: 'Restart to update to 1.2.0', enabled: true },
          () => {},
        ),
        'check-updates',
      ),
    ).toMatchObject({ label: 'Restart to update to 1.2.0', enabled: true });
  });
});

describe('setupAppMenu', () => {
  beforeEach(() => resetElectronMock());

  it('sets the menu again only when the updater item changes, and a click goes to the updater', () => {
    let view: UpdateView = {
      trayLabel: 'Check for updates…',
      trayEnabled: true,
      installsOnClick: false,
      notice: null,
    };
    const updater = { view: () => view, click: vi.fn() };
    const onUpdateClick = vi.fn();
    const menu = setupAppMenu({ platform: 'linux', updater, onUpdateClick });
    expect(electronMock.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    menu.refresh();
    expect(electronMock.Menu.setApplicationMenu).toHaveBeenCalledTimes(1); // nothing changed

    view = { ...view, trayLabel: 'Downloading update 1.2.0…', trayEnabled: false };
    menu.refresh();
    expect(electronMock.Menu.setApplicationMenu).toHaveBeenCalledTimes(2);
    expect(findMenuItem(electronMock.appMenu(), 'check-updates')).toMatchObject({
      label: 'Downloading update 1.2.0…',
      enabled: false,
    });

    findMenuItem(electronMock.appMenu(), 'check-updates')!.click!();
    expect(updater.click).toHaveBeenCalledTimes(1);
    expect(onUpdateClick).toHaveBeenCalledTimes(1);
  });

  it('in a packaged demo, answers the click with why it does not update, like the tray item', () => {
    const notices: DesktopNotice[] = [];
    const updater = setupUpdater({
      build: { packaged: true, demo: true, platform: 'darwin', appImage: false, version: '1.0.0' },
      notify: (n) => notices.push(n),
      onChange: () => {},
      log: silentLogger,
    });
    setupAppMenu({ platform: 'darwin', updater });
    findMenuItem(electronMock.appMenu(), 'check-updates')!.click!();
    expect(notices.map((n) => [n.title, n.body])).toEqual([
      ['Updates are not checked here', 'Codex Pool does not update itself: this is the demo.'],
    ]);
    updater.dispose();
  });
});

describe('the application menu of the running app', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each<NodeJS.Platform>(['linux', 'darwin'])(
    'on %s, a development build answers Check for updates… with a notice and loads no updater',
    async (platform) => {
      await h.start({ platform });
      const item = findMenuItem(electronMock.appMenu(), 'check-updates')!;
      expect(item).toMatchObject({ label: 'Check for updates…', enabled: true });
      item.click!();
      expect(electronMock.notifications.map((n) => [n.options.title, n.options.body])).toEqual([
        ['Updates are not checked here', 'Codex Pool does not update itself: this is a development build.'],
      ]);
      expect(h.lines.some((l) => l.includes('update check failed'))).toBe(false);
    },
  );
});
