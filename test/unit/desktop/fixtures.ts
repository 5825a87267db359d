import type { TrayAccount, TrayActions, TrayState } from '../../../main/desktop/tray-template';
import { vi, type Mock } from 'vitest';

/** "Now" for every fixture: 2025-06-01T12:00:00Z. */
export const NOW = 1_748_779_200;

/** A realistic pool: two active accounts with data, one out of quota, one paused, one needing a new login. */
export function poolAccounts(): TrayAccount[] {
  const window = (usedPercent: number, resetIn: number, windowMinutes: number) => ({
    usedPercent,
    windowMinutes,
    resetAt: NOW + resetIn,
  });
  const quota = (primary: number, secondary: number, age: number) => ({
    primary: window(primary, 2 * 3600 + 5 * 60, 300),
    secondary: window(secondary, 3 * 86_400 + 4 * 3600, 10_080),
    additional: [],
    recordedAt: NOW - age,
  });
  return [
    {
      id: 'a1',
      email: 'alice@example.com',
      label: null,
      chatgptAccountId: 'ws-1',
      status: 'active',
      resetAt: null,
      quota: quota(42.4, 18, 75),
    },
    {
      id: 'a2',
      email: 'bob@example.com',
      label: 'Bob (Pro)',
      chatgptAccountId: 'ws-2',
      status: 'active',
      resetAt: null,
      quota: quota(7, 63.6, 20),
    },
    {
      id: 'a3',
      email: 'carol@example.com',
      label: null,
      chatgptAccountId: 'ws-3',
      status: 'quota_exceeded',
      resetAt: NOW + 3 * 3600 + 10 * 60,
      quota: quota(100, 100, 600),
    },
    {
      id: 'a4',
      email: 'dave@example.com',
      label: null,
      chatgptAccountId: 'ws-4',
      status: 'paused',
      resetAt: null,
      quota: quota(10, 10, 7200),
    },
    {
      id: 'a5',
      email: 'erin@example.com',
      label: null,
      chatgptAccountId: 'ws-5',
      status: 'reauth_required',
      resetAt: null,
      quota: { primary: null, secondary: null, additional: [], recordedAt: null },
    },
  ];
}

/** A tray state over {@link poolAccounts}. */
export function poolState(overrides: Partial<TrayState> = {}): TrayState {
  return {
    now: NOW,
    accounts: poolAccounts(),
    strategy: 'fill_first',
    pinnedAccountId: null,
    demo: false,
    proxyUrl: 'http://127.0.0.1:2455',
    secretStorage: 'keychain',
    openAtLogin: false,
    ...overrides,
  };
}

/** Actions that record their calls. */
export function recordingActions(): { [K in keyof TrayActions]: Mock<TrayActions[K]> } {
  return {
    setStrategy: vi.fn<TrayActions['setStrategy']>(),
    openDashboard: vi.fn<TrayActions['openDashboard']>(),
    copyText: vi.fn<TrayActions['copyText']>(),
    pauseAll: vi.fn<TrayActions['pauseAll']>(),
    resumeAll: vi.fn<TrayActions['resumeAll']>(),
    pauseAccount: vi.fn<TrayActions['pauseAccount']>(),
    resumeAccount: vi.fn<TrayActions['resumeAccount']>(),
    refreshAccount: vi.fn<TrayActions['refreshAccount']>(),
    signIn: vi.fn<TrayActions['signIn']>(),
    setOpenAtLogin: vi.fn<TrayActions['setOpenAtLogin']>(),
    connectCodex: vi.fn<TrayActions['connectCodex']>(),
    disconnectCodex: vi.fn<TrayActions['disconnectCodex']>(),
    setNotifyPoolLow: vi.fn<TrayActions['setNotifyPoolLow']>(),
    setNotifyConversationMoved: vi.fn<TrayActions['setNotifyConversationMoved']>(),
    checkForUpdates: vi.fn<TrayActions['checkForUpdates']>(),
    quit: vi.fn<TrayActions['quit']>(),
  };
}
