/**
 * Live updates of the accounts list from events, without reloading the whole list per event (issue 14: at 1,000
 * accounts that was 3.9 list fetches and 1.5 MB a second). Events name the account that changed; the ids are
 * collected and fetched together — only those accounts — at most once a second. A burst that names more accounts
 * than one request may list reloads the list once instead.
 */
import { ACCOUNT_IDS_MAX, type AccountList } from '../../../../shared/api';
import { api } from '../../api/client';
import { syncServerClock } from '../../lib/server-clock';
import { accountsResource } from './accounts-data';

/** The shortest time between two fetches for changed accounts. */
const MIN_GAP_MS = 1000;
/** How long the first event of a quiet spell waits for the ones that usually follow it. */
const GATHER_MS = 150;

const changed = new Set<string>();
let timer: ReturnType<typeof setTimeout> | undefined;
let lastFetch = Number.NEGATIVE_INFINITY;

/** Marks an account as changed on the server: it is fetched again soon, with the others changed meanwhile. */
export function accountChanged(accountId: string): void {
  // Until the list has loaded once, that first load brings every account anyway.
  if (accountsResource.get().data === undefined) return;
  changed.add(accountId);
  if (timer !== undefined) return;
  timer = setTimeout(() => void flush(), Math.max(GATHER_MS, lastFetch + MIN_GAP_MS - Date.now()));
}

async function flush(): Promise<void> {
  timer = undefined;
  lastFetch = Date.now();
  const ids = [...changed];
  changed.clear();
  if (ids.length > ACCOUNT_IDS_MAX) return accountsResource.load();
  try {
    const part = await api.listSomeAccounts(ids);
    syncServerClock(part.now);
    accountsResource.update((list) => merge(list, part, ids));
  } catch {
    // Keep them for the next try (a reconnecting stream reloads everything anyway).
    for (const id of ids) accountChanged(id);
  }
}

/** The list with the fetched accounts replaced, new ones appended and asked-for ones that are gone removed. */
function merge(list: AccountList, part: AccountList, asked: readonly string[]): AccountList {
  const fresh = new Map(part.accounts.map((a) => [a.id, a]));
  const gone = new Set(asked.filter((id) => !fresh.has(id)));
  const accounts = list.accounts.filter((a) => !gone.has(a.id)).map((a) => fresh.get(a.id) ?? a);
  const known = new Set(list.accounts.map((a) => a.id));
  for (const a of part.accounts) if (!known.has(a.id)) accounts.push(a);
  return { ...list, accounts, ...(part.now !== undefined ? { now: part.now } : {}) };
}
