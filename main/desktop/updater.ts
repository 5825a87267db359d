/**
 * The thin updater wiring (issue 12): electron-updater against the feed in electron-builder.yml, driven by the pure
 * decisions of update-policy.ts. Loaded lazily and only in builds that update themselves, so `npm start`, the
 * demo and the tests never touch it.
 */
import type { Logger } from '../core/log';
import type { DesktopNotice } from './notification-template';
import {
  nextAutoCheck,
  unavailableView,
  updateView,
  isOffline,
  type UpdateBuild,
  type UpdateOutcome,
  type UpdateView,
} from './update-policy';

/** The part of electron-updater's `autoUpdater` used here. */
interface AutoUpdater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: string, listener: (arg?: { version?: string } & Partial<Error>) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(): void;
}

/** The running updater. */
export interface Updater {
  /** What the tray shows for it. */
  view(): UpdateView;
  /** The tray item: check now, or restart into a downloaded update. */
  click(): void;
  dispose(): void;
}

/** What the updater needs. */
export interface UpdaterDeps {
  build: UpdateBuild;
  notify(notice: DesktopNotice): void;
  /** Something the tray shows changed. */
  onChange(): void;
  log: Logger;
  now?: () => number;
}

/** Starts the updater: an automatic check a minute after start and daily, where the build allows it. */
export function setupUpdater(deps: UpdaterDeps): Updater {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const { build, log } = deps;
  const startedAt = now();
  let current = updateView({ kind: 'up_to_date' }, false, build);
  let manual = false;
  let timer: NodeJS.Timeout | undefined;
  let updater: Promise<AutoUpdater> | undefined;

  const show = (outcome: UpdateOutcome): void => {
    current = updateView(outcome, manual, build);
    if (current.notice) deps.notify(current.notice);
    deps.onChange();
    if (outcome.kind === 'checking' || outcome.kind === 'available') return;
    manual = false;
    const offline = outcome.kind === 'error' && isOffline(outcome.message);
    schedule({ at: now(), outcome: outcome.kind, offline });
  };

  const load = (): Promise<AutoUpdater> =>
    (updater ??= import('electron-updater').then((mod) => {
      const u = (
        (mod as { default?: { autoUpdater: AutoUpdater } }).default ??
        (mod as unknown as { autoUpdater: AutoUpdater })
      ).autoUpdater;
      u.autoDownload = true;
      u.autoInstallOnAppQuit = true;
      u.on('checking-for-update', () => show({ kind: 'checking' }));
      u.on('update-not-available', () => show({ kind: 'up_to_date' }));
      u.on('update-available', (info) => show({ kind: 'available', version: info?.version ?? '?' }));
      u.on('update-downloaded', (info) => show({ kind: 'downloaded', version: info?.version ?? '?' }));
      u.on('error', (err) => {
        log.warn('update check failed', { err });
        show({ kind: 'error', message: err?.message ?? 'unknown error' });
      });
      return u;
    }));

  const check = (): void => {
    void load()
      .then((u) => u.checkForUpdates())
      .catch((err: unknown) =>
        show({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
  };

  function schedule(last: Parameters<typeof nextAutoCheck>[2]): void {
    if (timer !== undefined) clearTimeout(timer);
    const due = nextAutoCheck(build, startedAt, last);
    if (due === null) return;
    timer = setTimeout(check, Math.max(0, due - now()) * 1000);
    timer.unref();
  }

  schedule(null);
  return {
    view: () => current,
    click() {
      const unavailable = unavailableView(build);
      if (unavailable !== null) {
        if (unavailable.notice) deps.notify(unavailable.notice);
        return;
      }
      if (current.installsOnClick) {
        void load().then((u) => u.quitAndInstall());
        return;
      }
      manual = true;
      check();
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
