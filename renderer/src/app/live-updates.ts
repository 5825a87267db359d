/**
 * Keeps the dashboard fresh from `GET /api/events`: each event reloads (or patches) only the data it concerns.
 * Events are brief on purpose (BALANCER.md keeps tokens and bodies out of them), so most of them trigger a
 * coalesced, rate-limited reload of the affected data rather than carrying the new value: an account event
 * refetches that account only (account-updates.ts), never the whole list.
 */
import { api } from '../api/client';
import type { Resource } from '../api/resource';
import type { AdminEvent } from '../../../shared/api';
import { accountName, accountsResource } from '../features/accounts/accounts-data';
import { accountChanged } from '../features/accounts/account-updates';
import { poolResource } from '../features/pool/pool-data';
import { keysResource, settingsResource } from '../features/settings/settings-data';
import { requestsResource } from '../features/requests/requests-data';
import { reloadHistories } from '../features/history/history-data';
import { useUi } from './ui-store';

type StatusEvent = Extract<AdminEvent, { type: 'account_status' }>;

/** A login finished event. */
export type LoginEvent = Extract<AdminEvent, { type: 'login' }>;

const loginListeners = new Set<(event: LoginEvent) => void>();

/** Calls `listener` when a browser or device login finishes; returns the unsubscribe function. */
export function onLoginEvent(listener: (event: LoginEvent) => void): () => void {
  loginListeners.add(listener);
  return () => loginListeners.delete(listener);
}

/** Reloads a resource only if something has shown it already: unopened tabs cost nothing. */
function reloadIfShown(resource: Resource<unknown>, delayMs?: number): void {
  if (resource.get().data !== undefined || resource.get().error !== undefined) resource.reloadSoon(delayMs);
}

const TRANSITION_TEXT: Partial<Record<StatusEvent['transition'], [kind: 'info' | 'error', text: string]>> = {
  exhausted: ['error', 'ran out of quota'],
  recovered: ['info', 'is available again'],
  reauth_required: ['error', 'needs a new sign-in'],
  deactivated: ['error', 'was deactivated upstream'],
};

/** Tells the user about changes they did not make themselves (pause and resume are their own clicks). */
function announceTransition(event: StatusEvent): void {
  const text = TRANSITION_TEXT[event.transition];
  if (!text) return;
  const account = accountsResource.get().data?.accounts.find((a) => a.id === event.accountId);
  const name = account ? accountName(account) : 'An account';
  useUi.getState().notify(text[0], `${name} ${text[1]}${event.reason ? `: ${event.reason}` : '.'}`);
}

/** The pool view sums every account: one reload per second at most, however many events arrive. */
const POOL_RELOAD_MS = 1000;

function handle(event: AdminEvent): void {
  switch (event.type) {
    case 'account':
      if (event.change === 'removed') {
        accountsResource.update((list) => ({
          ...list,
          accounts: list.accounts.filter((a) => a.id !== event.accountId),
        }));
      } else {
        accountChanged(event.accountId);
      }
      reloadIfShown(poolResource, POOL_RELOAD_MS);
      return;
    case 'account_status':
      announceTransition(event);
      accountChanged(event.accountId);
      reloadIfShown(poolResource, POOL_RELOAD_MS);
      reloadHistories(event.accountId); // a paused or signed-out account leaves the pool's series
      return;
    case 'quota':
      accountChanged(event.accountId);
      reloadIfShown(poolResource, POOL_RELOAD_MS);
      reloadHistories(event.accountId);
      return;
    case 'settings':
      reloadIfShown(settingsResource, 0);
      return;
    case 'request':
      reloadIfShown(requestsResource);
      return;
    case 'login':
      if (event.accountId !== undefined) accountChanged(event.accountId);
      for (const listener of loginListeners) listener(event);
      return;
  }
}

const RECONNECT_MS = 5000;

/** Opens the event stream; returns the function that closes it. Start it once the session is known. */
export function startLiveUpdates(): () => void {
  let close: (() => void) | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let missedEvents = false;
  const connect = (): void => {
    close = api.events(handle, (state) => {
      useUi.getState().setStream(state);
      if (state === 'open' && missedEvents) {
        missedEvents = false;
        for (const r of [accountsResource, poolResource, settingsResource, requestsResource, keysResource]) {
          reloadIfShown(r as Resource<unknown>, 0);
        }
        reloadHistories();
      }
      if (state === 'reconnecting') missedEvents = true;
      if (state === 'closed') {
        // The browser gives up on a refused stream (401, server gone): check the session, then try again.
        missedEvents = true;
        close?.();
        retry = setTimeout(() => {
          void accountsResource.load();
          connect();
        }, RECONNECT_MS);
      }
    });
  };
  connect();
  return () => {
    clearTimeout(retry);
    close?.();
  };
}
