/**
 * The window's application menu (issue 12), pure: the platform and the updater's item in, an Electron menu
 * template out. Minimal on purpose — the tray is where the app is driven. On macOS the app menu (About, Check for
 * updates…, Quit) plus the standard Edit and Window menus, without which ⌘C/⌘V and ⌘W stop working in the window
 * once a menu is set; elsewhere only a Help menu with Check for updates… (copy and paste need no menu there).
 */

/** The part of Electron's `MenuItemConstructorOptions` this menu uses. */
export interface AppMenuItem {
  id?: string;
  label?: string;
  role?: 'about' | 'quit' | 'editMenu' | 'windowMenu' | 'help';
  type?: 'separator' | 'submenu';
  enabled?: boolean;
  submenu?: AppMenuItem[];
  click?: () => void;
}

/** The updater's item, as the tray shows it (update-policy.ts decides label and state). */
export interface AppMenuUpdate {
  label: string;
  enabled: boolean;
}

/** The application menu's template; `checkForUpdates` is the same action as the tray item's. */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  appName: string,
  update: AppMenuUpdate,
  checkForUpdates: () => void,
): AppMenuItem[] {
  const updateItem: AppMenuItem = {
    id: 'check-updates',
    label: update.label,
    enabled: update.enabled,
    click: checkForUpdates,
  };
  if (platform === 'darwin') {
    return [
      {
        label: appName,
        submenu: [
          { role: 'about', label: `About ${appName}` },
          { type: 'separator' },
          updateItem,
          { type: 'separator' },
          { role: 'quit', label: `Quit ${appName}` },
        ],
      },
      { role: 'editMenu' },
      { role: 'windowMenu' },
    ];
  }
  return [{ role: 'help', label: '&Help', submenu: [updateItem] }];
}
