/**
 * The Electron shell, wired in order (electron/fiddle style): single-instance lock → app ready → config → secret
 * box → core → window, notifications, application menu, tray → quit handling. Each `setupX()` lives in its own
 * small module; the decisions they make (menu, icon, notices, window policy) are pure functions tested without
 * Electron.
 * `entry.ts` calls {@link startDesktop}; tests call it with a mocked `electron`.
 */
import { join } from 'node:path';
import { app, dialog, safeStorage } from 'electron';
import { resolveConfig, type CoreConfig } from '../core/config';
import { createCore, type Core, type CoreDeps } from '../core/create-core';
import { createLogger, type Logger } from '../core/log';
import { ensureDataDir, type SecretBoxKind } from '../core/secrets';
import { setupSingleInstance } from './single-instance';
import { chooseSecretBox } from './secret-box';
import { setupWindow, openExternalSafely, type DashboardWindow } from './window';
import { setupNotifications, type Notifier } from './notifications';
import { keyFileNotice } from './notification-template';
import { setupUpdater } from './updater';
import { setupAppMenu } from './app-menu';
import { readVersion } from '../core/version';
import { setupLoginItem } from './login-item';
import { setupTray, type TrayController } from './tray';
import { startupErrorMessage } from './startup-error';

/** Windows groups notifications by this id; it matches `appId` in electron-builder.yml. */
export const APP_USER_MODEL_ID = 'app.codexpool.desktop';

/** Inputs of {@link startDesktop}; all default to the real process. */
export interface DesktopOptions {
  env?: Record<string, string | undefined>;
  argv?: readonly string[];
  platform?: NodeJS.Platform;
  log?: Logger;
  /** Extra core dependencies (tests shorten timings); the secret box and desktop capabilities are the shell's. */
  coreDeps?: Omit<CoreDeps, 'secretBox' | 'desktop' | 'log'>;
}

/** The running desktop app. */
export interface DesktopApp {
  core: Core;
  window: DashboardWindow;
  tray: TrayController;
  notifier: Notifier;
  secretStorage: SecretBoxKind;
  /** Stops the core (in-flight requests finish) and tears the shell down; what quitting runs. */
  shutdown(): Promise<void>;
}

/** Starts the desktop app. Resolves null when another instance runs or the core could not start. */
export async function startDesktop(options: DesktopOptions = {}): Promise<DesktopApp | null> {
  const env = options.env ?? process.env;
  const argv = options.argv ?? process.argv;
  const platform = options.platform ?? process.platform;

  // A second launch brings the window forward; during start-up it is remembered until the window exists.
  let showWhenReady = false;
  let showWindow = (): void => {
    showWhenReady = true;
  };
  const locked = setupSingleInstance(() => showWindow());
  if (!locked) {
    app.quit();
    return null;
  }
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  await app.whenReady();

  let config: CoreConfig | null = null;
  let log = options.log ?? createLogger('info');
  let core: Core;
  let secretStorage: SecretBoxKind;
  try {
    config = resolveConfig({ env, defaultDataDir: app.getPath('userData') });
    log = options.log ?? createLogger(config.logLevel);
    ensureDataDir(config.dataDir);
    const secrets = chooseSecretBox(safeStorage, config.dataDir, (msg) => log.info(msg));
    secretStorage = secrets.kind;
    if (secrets.warning) log.warn(secrets.warning);
    core = createCore(config, {
      ...options.coreDeps,
      log,
      secretBox: secrets.box,
      desktop: { openExternal: openExternalSafely },
    });
    await core.start();
  } catch (err) {
    log.error('codex pool could not start', { err });
    const { title, body } = startupErrorMessage(err, config);
    dialog.showErrorBox(title, body);
    app.exit(1);
    return null;
  }

  const assetsDir = join(app.getAppPath(), 'assets');
  const loginItem = setupLoginItem(platform, env);
  const dashboard = setupWindow({
    core,
    dev: !app.isPackaged,
    log,
    ...(platform === 'darwin' ? {} : { icon: join(assetsDir, 'icon.png') }),
  });
  showWindow = () => dashboard.show();
  const notifier = setupNotifications({
    core,
    onClick: () => dashboard.show(),
    openExternal: openExternalSafely,
    log,
  });
  // The updater refreshes the tray and the window's menu, which show the updater: bound once they exist.
  let refreshTray = (): void => {};
  let refreshMenu = (): void => {};
  const updater = setupUpdater({
    build: {
      packaged: app.isPackaged,
      demo: core.config.demo,
      platform,
      appImage: env.APPIMAGE !== undefined,
      version: readVersion(),
    },
    notify: (notice) => notifier.notify(notice),
    onChange: () => {
      refreshTray();
      refreshMenu();
    },
    log,
  });
  refreshMenu = setupAppMenu({ platform, updater, onUpdateClick: () => refreshTray() }).refresh;
  const tray = setupTray({
    core,
    secretStorage,
    loginItem,
    assetsDir,
    platform,
    openDashboard: () => dashboard.show(),
    openExternal: openExternalSafely,
    quit: () => app.quit(),
    onRefresh: () => notifier.checkPool(),
    updater,
    log,
  });
  refreshTray = tray.refresh;
  if (secretStorage === 'key-file') notifier.show(keyFileNotice());
  const shutdown = setupQuit(core, [tray.dispose, notifier.dispose, updater.dispose], log);
  if (showWhenReady || !loginItem.openedAtLogin(argv)) dashboard.show();
  else app.dock?.hide(); // macOS: a login launch lives in the menu bar only
  return { core, window: dashboard, tray, notifier, secretStorage, shutdown };
}

/**
 * Quitting waits for the core: `before-quit` is held back until `core.stop()` let in-flight requests finish (or
 * cut them after the core's grace period), then the quit goes through.
 */
function setupQuit(core: Core, disposers: Array<() => void>, log: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  let stopped = false;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const dispose of disposers) {
        try {
          dispose();
        } catch (err) {
          log.warn('could not tear down part of the shell', { err });
        }
      }
      try {
        await core.stop();
      } catch (err) {
        log.error('codex pool did not stop cleanly', { err });
      }
      stopped = true;
    })());
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void shutdown().then(() => app.quit());
  });
  return shutdown;
}
