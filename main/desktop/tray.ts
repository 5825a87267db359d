import { join } from 'node:path';
import { clipboard, Menu, nativeImage, Tray, type NativeImage } from 'electron';
import type { RoutingStrategy } from '../../shared/domain';
import type { Core } from '../core/create-core';
import { currentPoolView } from '../core/admin/pool-routes';
import type { Logger } from '../core/log';
import type { SecretBoxKind } from '../core/secrets';
import type { LoginItem } from './login-item';
import { trayIconFile, trayIconState, trayToolTip } from './tray-icon';
import { menuShape, planMenuUpdate, type MenuShape } from './menu-update';
import { trayTemplate, type TrayActions, type TrayState } from './tray-template';

/** Coalesces bursts of core events (a request finishing updates quota, status and the log) into one rebuild. */
export const TRAY_DEBOUNCE_MS = 250;
/** Recomputes the menu this often anyway, so "updated 3m ago" and countdowns stay true (rebuilt only on change). */
export const TRAY_TICK_MS = 30_000;

/** What the tray needs. */
export interface TrayDeps {
  core: Core;
  secretStorage: SecretBoxKind;
  loginItem: LoginItem;
  /** Folder holding the `tray-*.png` icons. */
  assetsDir: string;
  platform: NodeJS.Platform;
  openDashboard: () => void;
  /** Opens an https URL in the system browser (the sign-in page). */
  openExternal: (url: string) => Promise<void>;
  quit: () => void;
  /** The updater's tray item (view and click); absent, no item. */
  updater?: { view(): { trayLabel: string; trayEnabled: boolean }; click(): void };
  /** Called after every refresh (the notifier checks the pool then). */
  onRefresh?: () => void;
  log: Logger;
}

/** The running tray. */
export interface TrayController {
  /** Rebuilds the menu and icon now. */
  refresh(): void;
  dispose(): void;
}

/** Reads the tray's state from the running core. */
export function readTrayState(
  core: Core,
  secretStorage: SecretBoxKind,
  openAtLogin: boolean | null,
  now: number,
  updater?: TrayDeps['updater'],
): TrayState {
  const settings = core.services.settings.get();
  const accounts = core.services.accounts.list();
  const pinned = settings.pinnedAccountId;
  return {
    now,
    accounts,
    strategy: settings.routingStrategy,
    notifyPoolLowPercent: settings.notifyPoolLowPercent,
    notifyConversationMoved: settings.notifyConversationMoved,
    pinnedAccountId: pinned !== null && accounts.some((a) => a.id === pinned) ? pinned : null,
    demo: core.config.demo,
    proxyUrl: core.url,
    secretStorage,
    openAtLogin,
    ...poolView(core, now),
    ...codexStatus(core),
    ...(updater ? { update: { label: updater.view().trayLabel, enabled: updater.view().trayEnabled } } : {}),
  };
}

/** The pool view the dashboard shows (forecast.ts); left out (the line says "no quota data") if it fails. */
function poolView(core: Core, now: number): Pick<TrayState, 'pool'> {
  // Passed as a variable, not a literal, so it fits whichever subset of these the route's helper reads.
  const context = { pool: core.services.pool, store: core.store, now: () => now };
  try {
    return { pool: currentPoolView(context) };
  } catch {
    return {};
  }
}

/** The Codex CLI's connection, for the tray; left out (no item) when the file cannot be read. */
function codexStatus(core: Core): Pick<TrayState, 'codex'> {
  try {
    const { state, canUndo, profile } = core.services.connect.status('codex');
    return { codex: { state, canUndo, profile } };
  } catch {
    return {};
  }
}

/** Binds the menu's actions to the core (in-process: no HTTP round trip) and to Electron. */
export function trayActions(deps: TrayDeps, refresh: () => void): TrayActions {
  const { core, log } = deps;
  const act = (action: 'pause' | 'resume', id: string): void => {
    try {
      core.services.accounts[action](id);
    } catch (err) {
      // An account that changed state meanwhile (it needs a new login, say) is not an error worth a dialog.
      log.warn(`could not ${action} an account`, { accountId: id, err });
    }
  };
  const all = (action: 'pause' | 'resume', statuses: readonly string[]): void => {
    for (const account of core.services.accounts.list()) {
      if (statuses.includes(account.status)) act(action, account.id);
    }
    refresh();
  };
  return {
    setStrategy(strategy: RoutingStrategy) {
      try {
        core.services.settings.update({ routingStrategy: strategy });
      } catch (err) {
        // Not saved (a full disk): the menu is rebuilt from the settings in force, so it shows the truth.
        log.warn('could not change the routing strategy', { strategy, err });
      }
      refresh();
    },
    openDashboard: deps.openDashboard,
    copyText: (text) => clipboard.writeText(text),
    pauseAll: () => all('pause', ['active', 'rate_limited', 'quota_exceeded']),
    resumeAll: () => all('resume', ['paused']),
    pauseAccount(id) {
      act('pause', id);
      refresh();
    },
    resumeAccount(id) {
      act('resume', id);
      refresh();
    },
    refreshAccount(id) {
      void core.services.poller
        .pollAccount(id, { force: true })
        .catch((err: unknown) => log.warn('could not refresh an account', { accountId: id, err }))
        .finally(refresh);
    },
    signIn(id) {
      // The browser login updates whichever pooled account the user signs in as; the dashboard shows the outcome.
      void core.services.logins
        .startBrowser()
        .then((login) => deps.openExternal(login.authorizeUrl))
        .catch((err: unknown) => {
          log.warn('could not start a sign-in', { accountId: id, err });
          deps.openDashboard();
        });
    },
    setOpenAtLogin(open) {
      deps.loginItem.set(open);
      refresh();
    },
    connectCodex() {
      // The tray has no room for a diff: it applies what the preview computed a moment ago (the same change
      // the dashboard would show), with a backup; any refusal opens the dashboard's Connect view.
      const connect = core.services.connect;
      void connect
        .preview('codex', false)
        .then((shown) => connect.apply('codex', false, shown.baseHash))
        .then((result) => log.info(result.message))
        .catch((err: unknown) => {
          log.warn('could not connect the Codex CLI', { err });
          deps.openDashboard();
        })
        .finally(refresh);
    },
    disconnectCodex() {
      try {
        log.info(core.services.connect.undo('codex', core.services.connect.status('codex').profile).message);
      } catch (err) {
        log.warn('could not disconnect the Codex CLI', { err });
        deps.openDashboard();
      }
      refresh();
    },
    setNotifyPoolLow(percent) {
      core.services.settings.update({ notifyPoolLowPercent: percent });
      refresh();
    },
    setNotifyConversationMoved(on) {
      core.services.settings.update({ notifyConversationMoved: on });
      refresh();
    },
    checkForUpdates() {
      deps.updater?.click();
      refresh();
    },
    quit: deps.quit,
  };
}

/**
 * Creates the tray icon and keeps its menu and icon in step with the core: rebuilt (debounced) on every core
 * event, and on a slow tick for the relative times.
 */
export function setupTray(deps: TrayDeps): TrayController {
  const { core, log } = deps;
  const icon = (name: string): NativeImage => nativeImage.createFromPath(join(deps.assetsDir, name));
  const initial = trayIconState(core.services.accounts.list());
  const tray = new Tray(icon(trayIconFile(initial, deps.platform)));
  let shownIcon = initial;
  let disposed = false;

  let shown: { shape: MenuShape; builtAtMs: number } | null = null;
  let later: NodeJS.Timeout | undefined;

  /** Recomputes the menu and icon; `urgent` (a click's outcome) skips the label throttle (menu-update.ts). */
  const update = (urgent: boolean): void => {
    if (disposed) return;
    try {
      const state = readTrayState(
        core,
        deps.secretStorage,
        deps.loginItem.get(),
        Math.floor(Date.now() / 1000),
        deps.updater,
      );
      const template = trayTemplate(state, actions);
      const shape = menuShape(template);
      const plan = planMenuUpdate(shown, shape, Date.now(), urgent);
      if (plan.kind === 'build') {
        tray.setContextMenu(Menu.buildFromTemplate(template));
        shown = { shape, builtAtMs: Date.now() };
        if (later !== undefined) clearTimeout(later);
        later = undefined;
      } else if (plan.kind === 'later' && later === undefined) {
        later = setTimeout(() => {
          later = undefined;
          update(false);
        }, plan.inMs);
      }
      // The icon and tooltip are cheap and never close the menu: they follow every refresh.
      const iconState = trayIconState(state.accounts);
      if (iconState !== shownIcon) {
        tray.setImage(icon(trayIconFile(iconState, deps.platform)));
        shownIcon = iconState;
      }
      tray.setToolTip(trayToolTip(iconState, state.demo));
      deps.onRefresh?.();
    } catch (err) {
      log.error('could not update the tray menu', { err });
    }
  };
  const refresh = (): void => update(true);
  const actions = trayActions(deps, refresh);

  let pending: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (pending !== undefined || disposed) return;
    pending = setTimeout(() => {
      pending = undefined;
      update(false);
    }, TRAY_DEBOUNCE_MS);
  };
  const unsubscribe = core.services.events.subscribe((event) => {
    if (event.type !== 'request') schedule(); // quota and status changes come as their own events
  });
  const tick = setInterval(() => update(false), TRAY_TICK_MS);
  tick.unref();
  // Windows users expect a left click on the tray icon to open the app; macOS and Linux open the menu.
  if (deps.platform === 'win32') tray.on('click', deps.openDashboard);
  refresh();

  return {
    refresh,
    dispose() {
      disposed = true;
      unsubscribe();
      clearInterval(tick);
      if (pending !== undefined) clearTimeout(pending);
      if (later !== undefined) clearTimeout(later);
      tray.destroy();
    },
  };
}
