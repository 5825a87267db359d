/**
 * The one mock of the `electron` module for the whole suite (electron/fiddle style). Every test file that touches
 * main/desktop registers it with
 *
 *   vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);
 *
 * and inspects or drives the same objects through {@link electronMock}. The fakes record what the shell asked
 * for (windows, menus, notifications, opened links) and let tests emit app events (`second-instance`,
 * `before-quit`). Call {@link resetElectronMock} in `beforeEach`.
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { vi, type Mock } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const mocks: Mock[] = [];
/** A `vi.fn` that {@link resetElectronMock} clears. */
function fn<T extends (...args: never[]) => unknown>(impl: T): Mock<T> {
  const mock = vi.fn(impl);
  mocks.push(mock as unknown as Mock);
  return mock;
}

/** A cancellable Electron event. */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
/** A fresh cancellable event. */
export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

class FakeWebContents extends EventEmitter {
  windowOpenHandler: WindowOpenHandler | undefined;
  setWindowOpenHandler = fn((handler: WindowOpenHandler) => {
    this.windowOpenHandler = handler;
  });
  /** Emits `name` with a fresh event and returns it, so tests can see whether it was prevented. */
  fire(name: string, ...args: unknown[]): FakeEvent {
    const event = fakeEvent();
    this.emit(name, event, ...args);
    return event;
  }
}

class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  visible = false;
  loadedUrl: string | undefined;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  loadURL = fn(async (url: string) => {
    this.loadedUrl = url;
  });
  show = fn(() => {
    this.visible = true;
  });
  focus = fn(() => {});
  restore = fn(() => {
    this.minimized = false;
  });
  isMinimized = (): boolean => this.minimized;
  isDestroyed = (): boolean => this.destroyed;
  /** What the user closing the window does. */
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

/** A built menu: the template, kept for assertions. */
export interface FakeMenu {
  template: MenuTemplateItem[];
}
/** The subset of a menu item the tests read. */
export interface MenuTemplateItem {
  id?: string;
  label?: string;
  role?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  toolTip?: string;
  submenu?: MenuTemplateItem[];
  click?: () => void;
}

class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: { path: string };
  menu: FakeMenu | undefined;
  toolTip = '';
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setContextMenu = fn((menu: FakeMenu) => {
    this.menu = menu;
  });
  setImage = fn((image: { path: string }) => {
    this.image = image;
  });
  setToolTip = fn((text: string) => {
    this.toolTip = text;
  });
  destroy = fn(() => {
    this.destroyed = true;
  });
}

class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported = (): boolean => FakeNotification.supported;
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  show = fn(() => {
    this.shown = true;
  });
}

class FakeApp extends EventEmitter {
  gotLock = true;
  isPackaged = false;
  userData = tmpdir();
  appPath = REPO_ROOT;
  quitCompleted = false;
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  requestSingleInstanceLock = fn(() => this.gotLock);
  whenReady = fn(() => Promise.resolve());
  getPath = fn((name: string) => (name === 'userData' ? this.userData : tmpdir()));
  getAppPath = fn(() => this.appPath);
  /** Like Electron: `before-quit` may be prevented; otherwise the app is gone. */
  quit = fn(() => {
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitCompleted = true;
  });
  exit = fn((_code?: number) => {
    this.quitCompleted = true;
  });
  setAppUserModelId = fn((_id: string) => {});
  getLoginItemSettings = fn((_options?: unknown) => ({ ...this.loginItem }));
  setLoginItemSettings = fn((settings: { openAtLogin: boolean }) => {
    this.loginItem.openAtLogin = settings.openAtLogin;
  });
  dock = { show: fn(async () => {}), hide: fn(() => {}) };
}

const app = new FakeApp();

/** A reversible stand-in for the OS keychain; `available` and `backend` model Linux without a keyring. */
const safeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable: fn(() => safeStorage.available),
  getSelectedStorageBackend: fn(() => safeStorage.backend),
  encryptString: fn((plain: string) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a))),
  decryptString: fn((encrypted: Buffer) => Buffer.from(encrypted.map((b) => b ^ 0x5a)).toString('utf8')),
};

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;
type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string },
) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, requestingOrigin: string) => boolean;

const session = {
  defaultSession: {
    headersFilter: undefined as { urls: string[] } | undefined,
    headersListener: undefined as HeadersListener | undefined,
    permissionRequestHandler: undefined as PermissionRequestHandler | undefined,
    permissionCheckHandler: undefined as PermissionCheckHandler | undefined,
    webRequest: {
      onHeadersReceived: fn((filter: { urls: string[] }, listener: HeadersListener) => {
        session.defaultSession.headersFilter = filter;
        session.defaultSession.headersListener = listener;
      }),
    },
    setPermissionRequestHandler: fn((handler: PermissionRequestHandler) => {
      session.defaultSession.permissionRequestHandler = handler;
    }),
    setPermissionCheckHandler: fn((handler: PermissionCheckHandler) => {
      session.defaultSession.permissionCheckHandler = handler;
    }),
  },
};

const shell = { openExternal: fn(async (_url: string) => {}) };
const clipboard = { writeText: fn((_text: string) => {}) };
const dialog = { showErrorBox: fn((_title: string, _body: string) => {}) };
const Menu = {
  /** The menu of the last `setApplicationMenu` call (undefined: never set, null: removed). */
  applicationMenu: undefined as FakeMenu | null | undefined,
  buildFromTemplate: fn((template: MenuTemplateItem[]): FakeMenu => ({ template })),
  setApplicationMenu: fn((menu: FakeMenu | null) => {
    Menu.applicationMenu = menu;
  }),
};
const nativeImage = { createFromPath: fn((path: string) => ({ path, isEmpty: () => false })) };

/** What `vi.mock('electron', …)` returns. */
export const electronModule = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu,
  nativeImage,
  safeStorage,
  session,
  shell,
  clipboard,
  dialog,
};

/** Handles on the fakes, for assertions and for driving events. */
export const electronMock = {
  ...electronModule,
  windows: FakeBrowserWindow.instances,
  trays: FakeTray.instances,
  notifications: FakeNotification.instances,
  /** The application menu's template. */
  appMenu(): MenuTemplateItem[] {
    if (!Menu.applicationMenu) throw new Error('No application menu was set.');
    return Menu.applicationMenu.template;
  },
  /** The latest tray's menu template. */
  trayMenu(): MenuTemplateItem[] {
    const tray = FakeTray.instances.at(-1);
    if (!tray?.menu) throw new Error('No tray menu was built.');
    return tray.menu.template;
  },
};

/** Puts every fake back to its initial state. */
export function resetElectronMock(): void {
  for (const mock of mocks) mock.mockClear();
  app.removeAllListeners();
  Object.assign(app, {
    gotLock: true,
    isPackaged: false,
    userData: tmpdir(),
    appPath: REPO_ROOT,
    quitCompleted: false,
    loginItem: { openAtLogin: false, wasOpenedAtLogin: false },
  });
  Object.assign(safeStorage, { available: true, backend: 'gnome_libsecret' });
  Object.assign(session.defaultSession, {
    headersFilter: undefined,
    headersListener: undefined,
    permissionRequestHandler: undefined,
    permissionCheckHandler: undefined,
  });
  FakeBrowserWindow.instances.length = 0;
  Menu.applicationMenu = undefined;
  FakeTray.instances.length = 0;
  FakeNotification.instances.length = 0;
  FakeNotification.supported = true;
}

/** Every label, sublabel and tooltip of a menu, flattened (security assertions). */
export function menuText(items: readonly MenuTemplateItem[]): string[] {
  return items.flatMap((item) => [
    ...(item.label !== undefined ? [item.label] : []),
    ...(item.toolTip !== undefined ? [item.toolTip] : []),
    ...(item.submenu ? menuText(item.submenu) : []),
  ]);
}

/** Finds a menu item by id, searching submenus. */
export function findMenuItem(items: readonly MenuTemplateItem[], id: string): MenuTemplateItem | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu ? findMenuItem(item.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
