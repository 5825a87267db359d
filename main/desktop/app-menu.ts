/**
 * The thin wiring of the application menu (issue 12): builds app-menu-template.ts's template into Electron's
 * menu and sets it again when the updater's item changes (checking, downloading, ready to restart).
 */
import { Menu } from 'electron';
import { appMenuTemplate } from './app-menu-template';
import type { Updater } from './updater';

/** The application menu, kept in step with the updater. */
export interface AppMenu {
  /** Sets the menu again from the updater's current state. */
  refresh(): void;
}

/** What the menu needs. */
export interface AppMenuDeps {
  platform: NodeJS.Platform;
  updater: Pick<Updater, 'view' | 'click'>;
  /** After a click on Check for updates…: the tray shows the same item, so it refreshes too. */
  onUpdateClick?: () => void;
}

/** The product name the menu shows (electron-builder.yml's `productName`). */
export const APP_NAME = 'Codex Pool';

/** Sets the application menu now and returns the handle that refreshes it. */
export function setupAppMenu(deps: AppMenuDeps): AppMenu {
  let shown = '';
  const refresh = (): void => {
    const view = deps.updater.view();
    const update = { label: view.trayLabel, enabled: view.trayEnabled };
    const key = JSON.stringify(update);
    if (key === shown) return; // the same menu: setting it again would only flicker the menu bar
    shown = key;
    const template = appMenuTemplate(deps.platform, APP_NAME, update, () => {
      deps.updater.click();
      refresh();
      deps.onUpdateClick?.();
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  refresh();
  return { refresh };
}
