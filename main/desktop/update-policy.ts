/**
 * Update decisions (issue 12), pure so the table is tested without Electron or a release server: whether this
 * build checks for updates at all, when the next automatic check is due, and what the user sees for each outcome
 * of a check — automatic checks stay quiet unless an update is ready; a check the user asked for always answers.
 * The wiring (electron-updater against electron-builder.yml's `publish` feed) is left to a later change and is
 * meant to stay a few lines.
 */
import type { DesktopNotice } from './notification-template';

/** Daily automatic checks. */
export const CHECK_INTERVAL_S = 24 * 3600;
/** After an automatic check failed for want of a network, try again this soon. */
export const OFFLINE_RETRY_S = 3600;
/** The first automatic check waits this long after start, so it never competes with the pool starting. */
export const START_DELAY_S = 60;

/** The build the app runs as. */
export interface UpdateBuild {
  /** `app.isPackaged`: false for `npm start`. */
  packaged: boolean;
  demo: boolean;
  platform: NodeJS.Platform;
  /** Linux: the `APPIMAGE` variable is set (the only Linux format that updates itself; a .deb is the package manager's). */
  appImage: boolean;
  version: string;
}

/** Why this build does not update itself, or null when it does. */
export function updatesUnavailable(build: UpdateBuild): string | null {
  if (!build.packaged) return 'this is a development build';
  if (build.demo) return 'this is the demo';
  if (build.platform === 'linux' && !build.appImage) return 'this install is managed by your package manager';
  return null;
}

/** When the next automatic check is due (epoch s), or null when this build never checks by itself. */
export function nextAutoCheck(
  build: UpdateBuild,
  startedAt: number,
  last: { at: number; outcome: UpdateOutcome['kind']; offline?: boolean } | null,
): number | null {
  if (updatesUnavailable(build) !== null) return null;
  if (last === null) return startedAt + START_DELAY_S;
  if (last.outcome === 'downloaded') return null; // ready: nothing more to fetch until a restart
  if (last.outcome === 'error' && last.offline === true) return last.at + OFFLINE_RETRY_S;
  return last.at + CHECK_INTERVAL_S;
}

/** What a check came to. */
export type UpdateOutcome =
  | { kind: 'checking' }
  | { kind: 'up_to_date' }
  | { kind: 'available'; version: string }
  | { kind: 'downloaded'; version: string }
  | { kind: 'error'; message: string };

/** What the user sees: the tray item, and a notice (null = none). */
export interface UpdateView {
  trayLabel: string;
  /** False while a check or download runs: a second click would only start it again. */
  trayEnabled: boolean;
  /** True when the tray item restarts into the update instead of checking. */
  installsOnClick: boolean;
  notice: DesktopNotice | null;
}

const NETWORK_CODES =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ETIMEDOUT|net::ERR_[A-Z_]+)\b/;

/** Whether an error means "no network" rather than "the feed is wrong". */
export function isOffline(message: string): boolean {
  return NETWORK_CODES.test(message);
}

/** The view of an outcome; `manual` = the user clicked "Check for updates…". */
export function updateView(outcome: UpdateOutcome, manual: boolean, build: UpdateBuild): UpdateView {
  const idle = { trayLabel: 'Check for updates…', trayEnabled: true, installsOnClick: false };
  switch (outcome.kind) {
    case 'checking':
      return { trayLabel: 'Checking for updates…', trayEnabled: false, installsOnClick: false, notice: null };
    case 'up_to_date':
      return {
        ...idle,
        notice: manual
          ? { title: 'Codex Pool is up to date', body: `Version ${build.version} is the latest.` }
          : null,
      };
    case 'available':
      return {
        trayLabel: `Downloading update ${outcome.version}…`,
        trayEnabled: false,
        installsOnClick: false,
        notice: manual
          ? { title: `Downloading Codex Pool ${outcome.version}`, body: 'You will be told when it is ready.' }
          : null,
      };
    case 'downloaded':
      return {
        trayLabel: `Restart to update to ${outcome.version}`,
        trayEnabled: true,
        installsOnClick: true,
        // Ready is news either way, once: the coalescer keys it by version.
        notice: {
          title: `Codex Pool ${outcome.version} is ready`,
          body: 'Restart Codex Pool to install it; requests in flight finish first.',
          cause: 'update_ready',
          period: outcome.version,
        },
      };
    case 'error': {
      if (!manual) return { ...idle, notice: null }; // logged; the next automatic check tries again
      const offline = isOffline(outcome.message);
      return {
        ...idle,
        notice: {
          title: 'Could not check for updates',
          body: offline
            ? 'Codex Pool seems to be offline. Try again once you are connected.'
            : `${outcome.message.slice(0, 200)} Try again later.`,
        },
      };
    }
  }
}

/** The answer to a manual check in a build that does not update itself. */
export function unavailableView(build: UpdateBuild): UpdateView | null {
  const why = updatesUnavailable(build);
  if (why === null) return null;
  return {
    trayLabel: 'Check for updates…',
    trayEnabled: true,
    installsOnClick: false,
    notice: { title: 'Updates are not checked here', body: `Codex Pool does not update itself: ${why}.` },
  };
}
