import { z } from 'zod';
import { ACCOUNT_STATUSES, AFFINITY_CAUSES } from '../domain';

/**
 * What an account status change means to a user: it ran out, it came back, it needs a new login, it is gone,
 * or the user paused/resumed it.
 */
export const STATUS_TRANSITIONS = [
  'exhausted',
  'recovered',
  'reauth_required',
  'deactivated',
  'paused',
  'resumed',
  'other',
] as const;

/** One event on `GET /api/events` (the SSE `data:` of an event whose name is `type`). */
export const adminEventSchema = z.discriminatedUnion('type', [
  /** An account was added, updated (tokens, label, policy) or removed: reload it. */
  z.object({
    type: z.literal('account'),
    accountId: z.string(),
    change: z.enum(['updated', 'removed']),
  }),
  /** An account's status changed. `reason` is the human reason when there is one; never a token. */
  z.object({
    type: z.literal('account_status'),
    accountId: z.string(),
    from: z.enum(ACCOUNT_STATUSES),
    to: z.enum(ACCOUNT_STATUSES),
    transition: z.enum(STATUS_TRANSITIONS),
    reason: z.string().nullable(),
  }),
  /** A fresh quota sample of one family. */
  z.object({
    type: z.literal('quota'),
    accountId: z.string(),
    family: z.string(),
    recordedAt: z.number(),
    primaryUsedPercent: z.number().nullable(),
    secondaryUsedPercent: z.number().nullable(),
  }),
  /** Settings changed: reload them. */
  z.object({ type: z.literal('settings') }),
  /** A proxied request finished (the request log's row, in brief). */
  z.object({
    type: z.literal('request'),
    time: z.number(),
    accountId: z.string().nullable(),
    model: z.string().nullable(),
    status: z.number().nullable(),
    errorCode: z.string().nullable(),
  }),
  /**
   * A conversation's turn was served by another account than its previous turn (issue 9): its prompt cache
   * stayed behind. `conversation` is the short hash the request log shows; `cause` why it moved.
   */
  z.object({
    type: z.literal('conversation_moved'),
    conversation: z.string(),
    fromAccountId: z.string(),
    toAccountId: z.string(),
    cause: z.enum(AFFINITY_CAUSES).nullable(),
    time: z.number(),
  }),
  /** A browser or device login finished. */
  z.object({
    type: z.literal('login'),
    loginId: z.string(),
    state: z.enum(['success', 'error']),
    accountId: z.string().optional(),
    message: z.string().optional(),
  }),
]);
/** An admin event. */
export type AdminEvent = z.infer<typeof adminEventSchema>;
/** The `type` of an admin event. */
export type AdminEventType = AdminEvent['type'];
