/** Issue 12: the optional "conversation moved" notice — its words, when it stays quiet, and its coalescing. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type AdminEvent } from '../../../shared/api';
import { conversationMovedNotice, type MoveSettings } from '../../../main/desktop/conversation-notice';
import {
  EMPTY_COALESCER,
  REPEAT_MIN_S,
  coalesce,
  type CoalescerState,
} from '../../../main/desktop/notice-coalescer';
import { trayTemplate } from '../../../main/desktop/tray-template';
import { findMenuItem } from '../../helpers/electron-mock';
import { NOW, poolState, recordingActions } from './fixtures';

type Moved = Extract<AdminEvent, { type: 'conversation_moved' }>;
const moved = (overrides: Partial<Moved> = {}): Moved => ({
  type: 'conversation_moved',
  conversation: '3f2a9c1d00aa11bb',
  fromAccountId: 'a1',
  toAccountId: 'a2',
  cause: 'limit',
  time: NOW,
  ...overrides,
});
const alice = { label: null, email: 'alice@example.com', status: 'rate_limited' as const };
const work = { label: 'Work', email: 'bob@example.com', status: 'active' as const };
const on: MoveSettings = { ...DEFAULT_SETTINGS, notifyConversationMoved: true };

describe('conversationMovedNotice', () => {
  it('is off by default', () => {
    expect(DEFAULT_SETTINGS.notifyConversationMoved).toBe(false);
    expect(conversationMovedNotice(moved(), alice, work, DEFAULT_SETTINGS)).toBeNull();
  });

  it('names both accounts by label or email and says the prompt cache starts over, and why', () => {
    expect(conversationMovedNotice(moved(), alice, work, on)).toEqual({
      title: 'Conversation moved from alice@example.com to Work',
      body:
        'Its prompt cache starts over: alice@example.com reached its limit. ' +
        'Conversation 3f2a9c1d00aa11bb in the request log.',
      cause: 'moved:3f2a9c1d00aa11bb',
      period: 'a1>a2',
    });
  });

  it.each<[Moved['cause'], string]>([
    ['cap', 'Its prompt cache starts over: alice@example.com reached its usage cap.'],
    [
      'failover',
      'Its prompt cache starts over: alice@example.com failed to answer, so the turn went to the next account.',
    ],
    [
      'rebind',
      "Its prompt cache starts over: the balancer moved it to spare alice@example.com's remaining quota.",
    ],
    ['unavailable', 'Its prompt cache starts over: alice@example.com could not take requests.'],
    ['new', 'Its prompt cache starts over.'],
    [null, 'Its prompt cache starts over.'],
  ])('explains the cause %s', (cause, start) => {
    expect(conversationMovedNotice(moved({ cause }), alice, work, on)!.body.startsWith(start)).toBe(true);
  });

  it('never shows an id: an account without label or email, or one deleted since, reads "another account"', () => {
    const notice = conversationMovedNotice(
      moved(),
      { label: null, email: null, status: 'active' },
      null,
      on,
    )!;
    expect(notice.title).toBe('Conversation moved from another account to another account');
    expect(`${notice.title} ${notice.body}`).not.toMatch(/\ba[12]\b/);
  });

  it("stays quiet for moves that are the user's own doing, however late the next turn comes", () => {
    // The account it left was removed, or is paused.
    expect(conversationMovedNotice(moved(), null, work, on)).toBeNull();
    expect(
      conversationMovedNotice(moved({ cause: 'unavailable' }), { ...alice, status: 'paused' }, work, on),
    ).toBeNull();
    // Sticky sessions are off: any turn may go anywhere.
    expect(
      conversationMovedNotice(moved({ cause: 'off' }), alice, work, { ...on, stickySessions: false }),
    ).toBeNull();
    // The user pinned the account it went to.
    const pinned = { ...on, routingStrategy: 'single_account' as const, pinnedAccountId: 'a2' };
    expect(conversationMovedNotice(moved({ cause: 'unavailable' }), alice, work, pinned)).toBeNull();
    expect(
      conversationMovedNotice(moved(), alice, work, { ...pinned, pinnedAccountId: 'a3' }),
    ).not.toBeNull();
  });
});

describe('coalescing conversation moves', () => {
  /** Feeds moves through the coalescer the way notifications.ts does; returns the titles shown. */
  const run = (events: Array<{ event: Moved; at: number } | { ownAction: string; at: number }>): string[] => {
    let state: CoalescerState = EMPTY_COALESCER;
    const shown: string[] = [];
    const names: Record<string, typeof alice | typeof work> = { a1: alice, a2: work };
    for (const e of events) {
      const result =
        'ownAction' in e
          ? coalesce(state, { type: 'own_action', accountId: e.ownAction, at: e.at })
          : (() => {
              const notice = conversationMovedNotice(
                e.event,
                names[e.event.fromAccountId]!,
                names[e.event.toAccountId]!,
                on,
              )!;
              return coalesce(state, { type: 'notice', notice, accountId: e.event.fromAccountId, at: e.at });
            })();
      state = result.state;
      if (result.show) shown.push(`${result.show.title} [${result.show.cause}]`);
    }
    return shown;
  };

  it('shows one per conversation per hop, each conversation apart, and a conversation at most every 15 min', () => {
    const back = moved({ fromAccountId: 'a2', toAccountId: 'a1' });
    expect(
      run([
        { event: moved(), at: NOW },
        { event: moved(), at: NOW + 10 }, // the same hop again: quiet
        { event: moved({ conversation: 'c2' }), at: NOW + 20 }, // another conversation: shown
        { event: back, at: NOW + 60 }, // moved back within 15 min: quiet
        { event: back, at: NOW + REPEAT_MIN_S + 60 }, // later, a new hop: shown
        { event: back, at: NOW + 5 * REPEAT_MIN_S }, // the same hop, however late: quiet
      ]),
    ).toEqual([
      'Conversation moved from alice@example.com to Work [moved:3f2a9c1d00aa11bb]',
      'Conversation moved from alice@example.com to Work [moved:c2]',
      'Conversation moved from Work to alice@example.com [moved:3f2a9c1d00aa11bb]',
    ]);
  });

  it('stays quiet right after the user acted on the account the conversation left, not on another', () => {
    expect(
      run([
        { ownAction: 'a1', at: NOW },
        { event: moved(), at: NOW + 2 },
        { ownAction: 'a2', at: NOW + 100 },
        { event: moved({ conversation: 'c2' }), at: NOW + 101 },
      ]),
    ).toEqual(['Conversation moved from alice@example.com to Work [moved:c2]']);
  });
});

describe('the conversation-moved switch in the tray', () => {
  it('sits after the pool-low setting and turns the notice on and off in one click', () => {
    const actions = recordingActions();
    const menu = trayTemplate(
      poolState({ notifyPoolLowPercent: 90, notifyConversationMoved: false }),
      actions,
    );
    const ids = menu.map((i) => i.id);
    expect(ids.indexOf('notify-conversation-moved')).toBe(ids.indexOf('notify-pool-low') + 1);
    const item = findMenuItem(menu, 'notify-conversation-moved')!;
    expect(item).toMatchObject({
      label: 'Notify when a conversation moves',
      type: 'checkbox',
      checked: false,
    });
    item.click!();
    expect(actions.setNotifyConversationMoved).toHaveBeenCalledWith(true);
    const checked = findMenuItem(
      trayTemplate(poolState({ notifyConversationMoved: true }), actions),
      'notify-conversation-moved',
    )!;
    expect(checked.checked).toBe(true);
    checked.click!();
    expect(actions.setNotifyConversationMoved).toHaveBeenLastCalledWith(false);
  });
});
