/**
 * Issue 12: the conversation-moved notice in the running app — off until the user turns it on in the tray, then a
 * conversation that fails over to the other account is told by the accounts' emails.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronMock, findMenuItem } from '../../helpers/electron-mock';
import { collectSse } from '../../helpers/sse';
import { desktopHarness, type DesktopHarness } from './desktop-harness';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

/** One Codex-style turn of a conversation (the same prompt_cache_key each turn). */
async function turn(url: string, key: string): Promise<void> {
  const res = await fetch(`${url}/backend-api/codex/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-5.5',
      input: 'hi',
      stream: true,
      store: false,
      prompt_cache_key: key,
    }),
  });
  expect(res.status).toBe(200);
  await collectSse(res.body!);
}

const movedTitles = (): string[] =>
  electronMock.notifications.map((n) => n.options.title).filter((t) => t.startsWith('Conversation moved'));

describe('conversation moves in the desktop app', () => {
  let h: DesktopHarness;
  beforeEach(async () => {
    h = await desktopHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('says nothing by default; once switched on in the tray, names the accounts a conversation moved between', async () => {
    const desktop = (await h.start())!;
    // Three accounts: each fault leaves one rate limited, and the second move still needs somewhere to go.
    const sims = ['one@example.com', 'two@example.com', 'three@example.com'].map((email) =>
      h.sim.addAccount({ email, planType: 'plus', usage: { primary: 10 } }),
    );
    for (const sim of sims) desktop.core.services.accounts.importAuthJson(sim.authJson());
    const url = desktop.core.url;
    const servedBy = (): string =>
      h.sim.requests.filter((r) => r.path === '/backend-api/codex/responses').at(-1)!.accountEmail!;

    // Off by default: a move is only in the request log.
    await turn(url, 'conv-off');
    const first = sims.find((s) => s.email === servedBy())!;
    h.sim.injectFault({ kind: 'usage_limit_reached', account: first.id, times: 1 });
    await turn(url, 'conv-off');
    expect(servedBy()).not.toBe(first.email);
    expect(movedTitles()).toEqual([]);

    desktop.tray.refresh();
    const item = findMenuItem(electronMock.trayMenu(), 'notify-conversation-moved')!;
    expect(item.checked).toBe(false);
    item.click!();
    expect(desktop.core.services.settings.get().notifyConversationMoved).toBe(true);
    expect(findMenuItem(electronMock.trayMenu(), 'notify-conversation-moved')!.checked).toBe(true);

    // conv-on starts on the account that still serves, which then fails mid-conversation.
    await turn(url, 'conv-on');
    const from = sims.find((s) => s.email === servedBy())!;
    h.sim.injectFault({ kind: 'usage_limit_reached', account: from.id, times: 1 });
    await turn(url, 'conv-on');
    const to = sims.find((s) => s.email === servedBy())!;
    expect(to).not.toBe(from);
    await vi.waitFor(() =>
      expect(movedTitles()).toEqual([`Conversation moved from ${from.email} to ${to.email}`]),
    );
    const notice = electronMock.notifications.find((n) => n.options.title.startsWith('Conversation moved'))!;
    expect(notice.shown).toBe(true);
    expect(notice.options.body).toMatch(/^Its prompt cache starts over: /);
  });
});
