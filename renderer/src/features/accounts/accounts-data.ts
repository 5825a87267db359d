import { api } from '../../api/client';
import { createResource } from '../../api/resource';
import { syncServerClock } from '../../lib/server-clock';
import type { AccountDto } from '../../../../shared/api';

/** The accounts list, with the server time it was taken at (quota ages are computed against it). */
export const accountsResource = createResource(async () => {
  const list = await api.listAccounts();
  syncServerClock(list.now);
  return list;
});

/** Replaces one account in the cached list with the copy an action answered with. */
export function patchAccount(account: AccountDto): void {
  accountsResource.update((list) => ({
    ...list,
    accounts: list.accounts.map((a) => (a.id === account.id ? account : a)),
  }));
}

/** How an account is named on screen: its label, else its email, else its ChatGPT id. */
export function accountName(account: Pick<AccountDto, 'label' | 'email' | 'chatgptAccountId'>): string {
  return account.label ?? account.email ?? account.chatgptAccountId;
}
