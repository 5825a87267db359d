/**
 * The optional "conversation moved" notice (issue 12, off by default): a conversation's turn went to another
 * account than its previous turn, so its prompt cache starts over. Pure: the core's `conversation_moved` event,
 * the two accounts and the settings in, the notice (or null) out.
 */
import type { AdminEvent, Settings } from '../../shared/api';
import type { DesktopNotice } from './notification-template';
import type { TrayAccount } from './tray-template';

/** An account as this notice names it (null when it was deleted meanwhile). */
export type MovedAccount = Pick<TrayAccount, 'label' | 'email' | 'status'>;

/** What the notice needs to know of the settings. */
export type MoveSettings = Pick<
  Settings,
  'notifyConversationMoved' | 'routingStrategy' | 'pinnedAccountId' | 'stickySessions'
>;

/** The conversation-moved notice, or null when it is off or the move is the user's own doing. */
export function conversationMovedNotice(
  event: Extract<AdminEvent, { type: 'conversation_moved' }>,
  from: MovedAccount | null,
  to: MovedAccount | null,
  settings: MoveSettings,
): DesktopNotice | null {
  if (!settings.notifyConversationMoved) return null;
  if (ownDoing(event, from, settings)) return null;
  const a = moveName(from, 'another account');
  const b = moveName(to, 'another account');
  return {
    title: `Conversation moved from ${a} to ${b}`,
    body: `Its prompt cache starts over${why(event.cause, a)} Conversation ${event.conversation} in the request log.`,
    // At most one per conversation per hop, and (the coalescer's rule) one per conversation every 15 min.
    cause: `moved:${event.conversation}`,
    period: `${event.fromAccountId}>${event.toAccountId}`,
  };
}

/**
 * Moves that follow from what the user did, whenever the next turn comes: the account it left is paused or was
 * removed, sticky sessions are off (every turn may go elsewhere), or the user pinned the account it went to.
 */
function ownDoing(
  event: Extract<AdminEvent, { type: 'conversation_moved' }>,
  from: MovedAccount | null,
  settings: MoveSettings,
): boolean {
  // Removing an account is always the user's doing; so is pausing it.
  if (from === null || from.status === 'paused') return true;
  if (!settings.stickySessions || event.cause === 'off') return true;
  return settings.routingStrategy === 'single_account' && settings.pinnedAccountId === event.toAccountId;
}

/** Label or email, never an id (the ChatGPT account id means nothing to a reader and is not shown). */
function moveName(account: MovedAccount | null, fallback: string): string {
  return account?.label ?? account?.email ?? fallback;
}

/** The cause in words, as the end of the body's first sentence. */
function why(cause: Extract<AdminEvent, { type: 'conversation_moved' }>['cause'], from: string): string {
  switch (cause) {
    case 'limit':
      return `: ${from} reached its limit.`;
    case 'cap':
      return `: ${from} reached its usage cap.`;
    case 'failover':
      return `: ${from} failed to answer, so the turn went to the next account.`;
    case 'rebind':
      return `: the balancer moved it to spare ${from}'s remaining quota.`;
    case 'unavailable':
      return `: ${from} could not take requests.`;
    default:
      return '.';
  }
}
