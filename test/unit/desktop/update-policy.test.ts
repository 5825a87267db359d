/** Issue 12: the updater's decision table — which builds check, when, and what the user sees for each outcome. */
import { describe, expect, it } from 'vitest';
import {
  CHECK_INTERVAL_S,
  OFFLINE_RETRY_S,
  START_DELAY_S,
  isOffline,
  nextAutoCheck,
  unavailableView,
  updateView,
  updatesUnavailable,
  type UpdateBuild,
} from '../../../main/desktop/update-policy';

const T = 1_800_000_000;
const build = (over: Partial<UpdateBuild> = {}): UpdateBuild => ({
  packaged: true,
  demo: false,
  platform: 'darwin',
  appImage: false,
  version: '1.2.0',
  ...over,
});

describe('which builds update themselves', () => {
  it.each<[string, Partial<UpdateBuild>, string | null]>([
    ['packaged macOS', {}, null],
    ['packaged Windows', { platform: 'win32' }, null],
    ['Linux AppImage', { platform: 'linux', appImage: true }, null],
    ['Linux .deb', { platform: 'linux' }, 'this install is managed by your package manager'],
    ['npm start', { packaged: false }, 'this is a development build'],
    ['demo', { demo: true }, 'this is the demo'],
  ])('%s → %s', (_, over, why) => {
    expect(updatesUnavailable(build(over))).toBe(why);
  });
});

describe('when the next automatic check is due', () => {
  it.each<[string, Partial<UpdateBuild>, Parameters<typeof nextAutoCheck>[2], number | null]>([
    ['at start, after a short delay', {}, null, T + START_DELAY_S],
    ['daily after a check', {}, { at: T, outcome: 'up_to_date' }, T + CHECK_INTERVAL_S],
    ['daily after a feed error', {}, { at: T, outcome: 'error' }, T + CHECK_INTERVAL_S],
    ['an hour after an offline failure', {}, { at: T, outcome: 'error', offline: true }, T + OFFLINE_RETRY_S],
    ['never again once an update is ready', {}, { at: T, outcome: 'downloaded' }, null],
    ['never in dev', { packaged: false }, null, null],
    ['never in the demo', { demo: true }, null, null],
  ])('%s', (_, over, last, due) => {
    expect(nextAutoCheck(build(over), T, last)).toBe(due);
  });
});

describe('what the user sees', () => {
  it('automatic checks stay quiet unless an update is ready', () => {
    for (const outcome of [
      { kind: 'checking' as const },
      { kind: 'up_to_date' as const },
      { kind: 'available' as const, version: '1.3.0' },
      { kind: 'error' as const, message: 'getaddrinfo ENOTFOUND example.com' },
    ]) {
      expect(updateView(outcome, false, build()).notice).toBeNull();
    }
    const ready = updateView({ kind: 'downloaded', version: '1.3.0' }, false, build());
    expect(ready).toMatchObject({ trayLabel: 'Restart to update to 1.3.0', installsOnClick: true });
    expect(ready.notice).toMatchObject({
      title: 'Codex Pool 1.3.0 is ready',
      cause: 'update_ready',
      period: '1.3.0',
    });
  });

  it('a check the user asked for always answers, and says what to do on failure', () => {
    expect(updateView({ kind: 'up_to_date' }, true, build()).notice).toEqual({
      title: 'Codex Pool is up to date',
      body: 'Version 1.2.0 is the latest.',
    });
    expect(updateView({ kind: 'checking' }, true, build())).toMatchObject({
      trayLabel: 'Checking for updates…',
      trayEnabled: false,
    });
    expect(
      updateView({ kind: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' }, true, build()).notice,
    ).toEqual({
      title: 'Could not check for updates',
      body: 'Codex Pool seems to be offline. Try again once you are connected.',
    });
    expect(
      updateView({ kind: 'error', message: 'HttpError: 404 latest.yml not found.' }, true, build()).notice
        ?.body,
    ).toBe('HttpError: 404 latest.yml not found. Try again later.');
    expect(unavailableView(build({ packaged: false }))?.notice?.body).toBe(
      'Codex Pool does not update itself: this is a development build.',
    );
    expect(unavailableView(build())).toBeNull();
  });

  it.each([
    ['getaddrinfo EAI_AGAIN github.com', true],
    ['connect ECONNREFUSED 1.2.3.4:443', true],
    ['net::ERR_NAME_NOT_RESOLVED', true],
    ['HttpError: 403 Forbidden', false],
  ])('%s → offline %s', (message, offline) => {
    expect(isOffline(message)).toBe(offline);
  });
});
