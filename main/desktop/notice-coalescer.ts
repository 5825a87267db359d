/**
 * Which notices reach the screen (issue 12). Pure: a state and one event in, the next state and the notice to
 * show (or null) out, so the rules are tested over sequences of events with a fixed clock:
 *
 * 1. one notice per cause per period (the same reset time, the same episode) — and at most one per cause every
 *    {@link REPEAT_MIN_S}, whatever the period, so a flapping account cannot fill the notification centre;
 * 2. a quiet period of {@link QUIET_AFTER_DISMISS_S} for a cause after the user dismissed its notice;
 * 3. nothing for the user's own actions: within {@link OWN_ACTION_GRACE_S} of a pause, resume or settings change
 *    (tray or dashboard), pool-wide notices — which any of them may have caused — stay quiet, and so do notices
 *    about the account acted on.
 */
import type { DesktopNotice } from './notification-template';

/** Shortest gap between two notices of the same cause (s). */
export const REPEAT_MIN_S = 15 * 60;
/** How long a dismissed cause stays quiet (s). */
export const QUIET_AFTER_DISMISS_S = 4 * 3600;
/** How long after the user's own action its consequences are not news (s). */
export const OWN_ACTION_GRACE_S = 15;

/** The coalescer's memory. Times are epoch seconds. */
export interface CoalescerState {
  readonly shown: Readonly<Record<string, { readonly period: string; readonly at: number }>>;
  readonly dismissed: Readonly<Record<string, number>>;
  /** The user's recent actions: an account id, or null for a pool-wide one (pause all, a settings change). */
  readonly ownActions: ReadonlyArray<{ readonly accountId: string | null; readonly at: number }>;
}

/** What the coalescer hears. */
export type CoalescerEvent =
  | { type: 'notice'; notice: DesktopNotice; accountId: string | null; at: number }
  | { type: 'dismissed'; cause: string; at: number }
  | { type: 'own_action'; accountId: string | null; at: number };

export const EMPTY_COALESCER: CoalescerState = { shown: {}, dismissed: {}, ownActions: [] };

/** The next state, and the notice to show now (null: keep quiet). */
export function coalesce(
  state: CoalescerState,
  event: CoalescerEvent,
): { state: CoalescerState; show: DesktopNotice | null } {
  const at = event.at;
  const ownActions = state.ownActions.filter((a) => at - a.at < OWN_ACTION_GRACE_S);
  if (event.type === 'own_action') {
    return {
      state: { ...state, ownActions: [...ownActions, { accountId: event.accountId, at }] },
      show: null,
    };
  }
  if (event.type === 'dismissed') {
    return {
      state: { ...state, ownActions, dismissed: { ...state.dismissed, [event.cause]: at } },
      show: null,
    };
  }
  const quiet = { state: { ...state, ownActions }, show: null };
  const { notice, accountId } = event;
  const cause = notice.cause;
  // A notice without a cause (the key-file warning at start-up) is a one-off the app shows itself.
  if (cause === undefined) return { state: quiet.state, show: notice };
  // A pool-wide notice may follow from any action; an account's only from an action on that account.
  const own = accountId === null ? ownActions.length > 0 : ownActions.some((a) => a.accountId === accountId);
  if (own) return quiet;
  const last = state.shown[cause];
  const period = notice.period ?? '';
  if (last !== undefined && (last.period === period || at - last.at < REPEAT_MIN_S)) return quiet;
  const dismissedAt = state.dismissed[cause];
  if (dismissedAt !== undefined && at - dismissedAt < QUIET_AFTER_DISMISS_S) return quiet;
  return {
    state: { ...state, ownActions, shown: { ...state.shown, [cause]: { period, at } } },
    show: notice,
  };
}
