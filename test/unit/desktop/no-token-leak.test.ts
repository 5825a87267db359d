import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronMock, menuText } from '../../helpers/electron-mock';
import { ask, desktopHarness, type DesktopHarness } from './desktop-harness';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

// CONVENTIONS.md habit 12: no token in a tray label, a notification or a log line, through the flows that
// produce them (quota updates, an exhausted account, a login that needs renewing).
describe('the desktop shell never shows or logs a token', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(() => h.close());

  it('through tray updates, notifications and logs', async () => {
    const desktop = (await h.start())!;
    const fresh = h.sim.addAccount({ email: 'leak-a@example.com', planType: 'plus', usage: { primary: 30 } });
    const full = h.sim.addAccount({ email: 'leak-b@example.com', planType: 'pro', usage: { primary: 100 } });
    const secrets = new Set<string>();
    const remember = (): void => {
      for (const a of [fresh, full]) {
        secrets.add(a.tokens.accessToken);
        secrets.add(a.tokens.refreshToken);
        secrets.add(a.tokens.idToken);
      }
    };
    remember();
    const [freshId, fullId] = [fresh, full].map(
      (a) => desktop.core.services.accounts.importAuthJson(a.authJson()).account.id,
    );
    // The full account, alone: upstream refuses it and the pool marks it exhausted.
    desktop.core.services.settings.update({ routingStrategy: 'single_account', pinnedAccountId: fullId! });
    expect((await ask(desktop.core.url)).status).toBe(429);
    desktop.core.services.settings.update({ routingStrategy: 'fill_first', pinnedAccountId: null });
    for (let i = 0; i < 2; i++) expect((await ask(desktop.core.url)).status).toBe(200);
    expect(desktop.core.services.accounts.view(freshId!).quota.recordedAt).not.toBeNull();

    // A refresh that fails for good: the account needs a new sign-in.
    h.sim.injectFault({ kind: 'invalid_grant', route: 'token', times: 5 });
    for (const a of [fresh, full]) a.expireAccessToken();
    await ask(desktop.core.url);
    remember();

    await vi.waitFor(() => {
      const titles = electronMock.notifications.map((n) => n.options.title);
      expect(titles).toContain('leak-b@example.com reached its limit');
      expect(titles.some((t) => t.endsWith('needs a new sign-in'))).toBe(true);
    }, 5000);
    desktop.tray.refresh();

    const shown = [
      ...electronMock.trays.flatMap((t) => [t.toolTip, ...(t.menu ? menuText(t.menu.template) : [])]),
      ...electronMock.notifications.flatMap((n) => [n.options.title, n.options.body]),
      ...h.lines,
    ];
    expect(shown.length).toBeGreaterThan(20);
    const everything = shown.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./); // no JWT of any kind
  });
});
