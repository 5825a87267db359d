/**
 * Notices when a conversation's turn is served by another account than its previous turn, for the
 * `conversation_moved` admin event (issue 9; the tray's optional notice uses it). Kept in memory for the
 * conversations seen since start-up, bounded: the oldest are forgotten first. The request log's
 * `conversation_hops` is the durable record; this only raises the live event.
 */
import type { AdminEvent } from '../../../shared/api';
import type { RequestLogInput } from '../store';

/** Conversations remembered at most (a Map keeps insertion order, so the oldest go first). */
const MAX_TRACKED = 10_000;

/** Remembers each conversation's last account. */
export class ConversationTracker {
  private readonly last = new Map<string, string>();

  constructor(private readonly max = MAX_TRACKED) {}

  /** Records a finished request; returns the event when its conversation moved to another account. */
  observe(row: RequestLogInput): Extract<AdminEvent, { type: 'conversation_moved' }> | null {
    const conversation = row.conversation ?? null;
    const accountId = row.accountId;
    if (conversation === null || accountId === null) return null;
    const previous = this.last.get(conversation);
    this.last.delete(conversation); // re-inserted last: the most recently used conversation is kept longest
    this.last.set(conversation, accountId);
    if (this.last.size > this.max) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    if (previous === undefined || previous === accountId) return null;
    return {
      type: 'conversation_moved',
      conversation,
      fromAccountId: previous,
      toAccountId: accountId,
      cause: row.affinity ?? null,
      time: row.startedAt / 1000,
    };
  }
}
