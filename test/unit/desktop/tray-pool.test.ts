/** Issue 12: the tray's pool line reads the running core's pool view, and an all-capped pool shows as exhausted. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronMock, findMenuItem } from '../../helpers/electron-mock';
import { ask, desktopHarness, type DesktopHarness } from './desktop-harness';
import { TRAY_DEBOUNCE_MS } from '../../../main/desktop/tray';
import { LABEL_MIN_INTERVAL_MS } from '../../../main/desktop/menu-update';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

const WAIT = { timeout: 5000 + TRAY_DEBOUNCE_MS + LABEL_MIN_INTERVAL_MS };

describe('the pool line from a running core', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows the headroom once quota is known, and "exhausted" with the back time once the only account is capped', async () => {
    const desktop = (await h.start())!;
    expect(findMenuItem(electronMock.trayMenu(), 'pool-line')!.label).toBe('Codex Pool — no accounts');
    const sim = h.sim.addAccount({
      email: 'a@example.com',
      planType: 'plus',
      usage: { primary: 40, secondary: 10 },
    });
    const { id } = desktop.core.services.accounts.importAuthJson(sim.authJson()).account;
    expect((await ask(desktop.core.url)).status).toBe(200);
    await vi.waitFor(
      () =>
        expect(findMenuItem(electronMock.trayMenu(), 'pool-line')!.label).toMatch(
          /^Pool \d+% weekly left · /,
        ),
      WAIT,
    );

    desktop.core.services.accounts.update(id, { usageCap: { short: 30 } });
    desktop.tray.refresh();
    expect(findMenuItem(electronMock.trayMenu(), 'pool-line')!.label).toMatch(
      /^Pool exhausted · back .*\d:\d\d.* \(in [45]h( \d+m)?\)$/,
    );
    expect(electronMock.trays[0]!.image.path).toMatch(/tray-exhausted\.png$/);
  });
});
