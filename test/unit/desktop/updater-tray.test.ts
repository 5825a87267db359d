/** Issue 12: "Check for updates…" in the tray; a development build says it does not update itself, and never checks. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronMock, findMenuItem } from '../../helpers/electron-mock';
import { desktopHarness, type DesktopHarness } from './desktop-harness';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

describe('Check for updates in the tray', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a click in a development build with why it does not update, and loads no updater', async () => {
    await h.start();
    const item = findMenuItem(electronMock.trayMenu(), 'check-updates')!;
    expect(item).toMatchObject({ label: 'Check for updates…', enabled: true });
    item.click!();
    expect(electronMock.notifications.map((n) => [n.options.title, n.options.body])).toEqual([
      ['Updates are not checked here', 'Codex Pool does not update itself: this is a development build.'],
    ]);
    expect(h.lines.some((l) => l.includes('update check failed'))).toBe(false);
  });
});
