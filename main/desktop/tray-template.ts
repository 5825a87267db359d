/**
 * The tray menu as data: a pure function of the pool's state, so every label and every click target is tested
 * without Electron. `tray.ts` hands the result to `Menu.buildFromTemplate` and does nothing else with it.
 */
import type { AccountDto, ConnectClientStatus, PoolView } from '../../shared/api';
import { ROUTING_STRATEGIES, type RoutingStrategy } from '../../shared/domain';
import type { SecretBoxKind } from '../core/secrets';
import { formatAge, formatCountdown, formatPercent, type ClockStyle } from './format';
import { poolLine } from './pool-line';

/**
 * A menu item, structurally a subset of Electron's `MenuItemConstructorOptions` (a `() => void` click is
 * assignable to Electron's three-argument one), so this module needs no `electron` import.
 */
export interface TrayMenuItem {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  checked?: boolean;
  enabled?: boolean;
  toolTip?: string;
  submenu?: TrayMenuItem[];
  click?: () => void;
}

/** What the tray shows of one account: the API view, never the sealed tokens. */
export type TrayAccount = Pick<
  AccountDto,
  'id' | 'email' | 'label' | 'chatgptAccountId' | 'status' | 'resetAt' | 'quota'
> &
  Partial<Pick<AccountDto, 'capped' | 'usageCap' | 'resetCredits'>>;

/** Everything the menu is built from. Times are epoch seconds. */
export interface TrayState {
  now: number;
  accounts: readonly TrayAccount[];
  strategy: RoutingStrategy;
  /** The account `single_account` routes to; without one that strategy would refuse every request. */
  pinnedAccountId: string | null;
  demo: boolean;
  /** The core's origin, e.g. `http://127.0.0.1:2455`. */
  proxyUrl: string;
  /** Which backend seals tokens; `key-file` means the OS offered no keychain and the menu says so. */
  secretStorage: SecretBoxKind;
  /** Whether the app opens at login, or null where Electron cannot set it (Linux). */
  openAtLogin: boolean | null;
  /** The pool view (`GET /api/pool`) for the pool line; absent when it could not be read. */
  pool?: PoolView;
  /** How clock times read; the system's unless pinned (tests). */
  clock?: ClockStyle;
  /** The pool-low notice threshold (settings), null = off. */
  notifyPoolLowPercent?: number | null;
  /** Whether a conversation moving to another account is notified (settings). */
  notifyConversationMoved?: boolean;
  /** The updater's tray item; absent when there is no updater. */
  update?: { label: string; enabled: boolean };
  /** Where the Codex CLI's config points; absent when it could not be read. */
  codex?: Pick<ConnectClientStatus, 'state' | 'canUndo' | 'profile'>;
}

/** What the menu's items do; `tray.ts` binds them to the core and Electron. */
export interface TrayActions {
  setStrategy(strategy: RoutingStrategy): void;
  openDashboard(): void;
  copyText(text: string): void;
  pauseAll(): void;
  resumeAll(): void;
  pauseAccount(id: string): void;
  resumeAccount(id: string): void;
  /** Fetches the account's quota now (and its tokens when due). */
  refreshAccount(id: string): void;
  /** Starts the browser login; signing in as the same ChatGPT user updates this account. */
  signIn(id: string): void;
  setOpenAtLogin(open: boolean): void;
  /** Points the Codex CLI's config.toml at the pool (backup kept beside it). */
  connectCodex(): void;
  /** Undoes that: the exact previous bytes. */
  disconnectCodex(): void;
  /** Sets the pool-low notice threshold; null turns it off. */
  setNotifyPoolLow(percent: number | null): void;
  /** Turns the conversation-moved notice on or off. */
  setNotifyConversationMoved(on: boolean): void;
  /** Checks for an update now, or restarts into one that is ready. */
  checkForUpdates(): void;
  quit(): void;
}

/** Human names of the strategies (BALANCER.md §3), in the order of {@link ROUTING_STRATEGIES}. */
export const STRATEGY_LABELS: Record<RoutingStrategy, string> = {
  capacity_weighted: 'Capacity weighted',
  fill_first: 'Fill first',
  usage_weighted: 'Least used first',
  round_robin: 'Round robin',
  relative_availability: 'Relative availability',
  sequential_drain: 'Smallest plan first',
  reset_drain: 'Soonest reset first',
  single_account: 'Single account',
};

/** The warning shown when tokens are sealed with the key file because the OS offers no keychain. */
export const KEY_FILE_NOTICE = 'Tokens sealed with a key file (no OS keychain)';

const PAUSABLE = new Set<TrayAccount['status']>(['active', 'rate_limited', 'quota_exceeded']);
const MAX_NAME = 32;

/** The tray menu for `state`; clicks call `actions`. Pure. */
export function trayTemplate(state: TrayState, actions: TrayActions): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  if (state.demo) items.push({ label: 'DEMO — simulated accounts, no real traffic', enabled: false });
  items.push({
    id: 'pool-line',
    label: poolLine(state.pool, state.accounts, state.now, state.clock),
    enabled: false,
  });
  if (state.accounts.length === 0) {
    items.push({ label: 'No accounts yet — add one in the dashboard…', click: actions.openDashboard });
  }
  for (const account of state.accounts) items.push(accountMenu(account, state.now, actions));
  items.push({ type: 'separator' }, strategyMenu(state, actions), { type: 'separator' });
  items.push({ label: 'Open dashboard', click: actions.openDashboard });
  items.push({
    label: 'Copy Codex base URL',
    toolTip: `${state.proxyUrl}/backend-api/codex`,
    click: () => actions.copyText(`${state.proxyUrl}/backend-api/codex`),
  });
  items.push({
    label: 'Copy OpenAI base URL',
    toolTip: `${state.proxyUrl}/v1`,
    click: () => actions.copyText(`${state.proxyUrl}/v1`),
  });
  const codex = codexItem(state, actions);
  if (codex) items.push(codex);
  const anyPausable = state.accounts.some((a) => PAUSABLE.has(a.status));
  const anyPaused = state.accounts.some((a) => a.status === 'paused');
  if (anyPausable) items.push({ id: 'pause-all', label: 'Pause all accounts', click: actions.pauseAll });
  if (anyPaused) items.push({ id: 'resume-all', label: 'Resume all accounts', click: actions.resumeAll });
  if (state.notifyPoolLowPercent !== undefined) items.push(poolLowMenu(state.notifyPoolLowPercent, actions));
  if (state.notifyConversationMoved !== undefined) {
    const on = state.notifyConversationMoved;
    items.push({
      id: 'notify-conversation-moved',
      label: 'Notify when a conversation moves',
      toolTip: 'Its prompt cache starts over on the new account',
      type: 'checkbox',
      checked: on,
      click: () => actions.setNotifyConversationMoved(!on),
    });
  }
  if (state.openAtLogin !== null) {
    const open = state.openAtLogin;
    items.push({
      id: 'open-at-login',
      label: 'Open at login',
      type: 'checkbox',
      checked: open,
      click: () => actions.setOpenAtLogin(!open),
    });
  }
  if (state.secretStorage === 'key-file') {
    items.push(
      { type: 'separator' },
      { id: 'key-file-notice', label: `⚠ ${KEY_FILE_NOTICE}`, enabled: false },
    );
  }
  items.push({ type: 'separator' });
  if (state.update) {
    items.push({
      id: 'check-updates',
      label: state.update.label,
      enabled: state.update.enabled,
      click: actions.checkForUpdates,
    });
  }
  items.push({ label: 'Quit Codex Pool', click: actions.quit });
  return items;
}

/**
 * Connect or disconnect the Codex CLI in one click. Disconnect is offered only when Codex Pool made the change
 * and the file is still as it left it (Undo restores the exact bytes); a hand-made connection is only shown.
 */
function codexItem(state: TrayState, actions: TrayActions): TrayMenuItem | null {
  const codex = state.codex;
  if (!codex) return null;
  if (codex.state === 'invalid') {
    return {
      id: 'codex-invalid',
      label: 'Codex config.toml does not parse — see Connect…',
      click: actions.openDashboard,
    };
  }
  if (codex.state !== 'connected') {
    return { id: 'codex-connect', label: 'Connect Codex CLI', click: actions.connectCodex };
  }
  if (codex.canUndo)
    return { id: 'codex-disconnect', label: 'Disconnect Codex CLI', click: actions.disconnectCodex };
  return {
    id: 'codex-connected',
    label: codex.profile ? 'Codex CLI uses the pool (profile codex-pool)' : 'Codex CLI uses the pool',
    enabled: false,
  };
}

/** The thresholds the tray offers; the dashboard API takes any whole percentage from 50 to 100. */
const POOL_LOW_CHOICES: readonly (number | null)[] = [80, 90, 95, null];

/** "Notify when the pool is low: 90%" with Off and a few thresholds as radio items. */
function poolLowMenu(current: number | null, actions: TrayActions): TrayMenuItem {
  const choices =
    current === null || POOL_LOW_CHOICES.includes(current)
      ? POOL_LOW_CHOICES
      : [current, ...POOL_LOW_CHOICES];
  const name = (p: number | null): string => (p === null ? 'Off' : `At ${formatPercent(p)}`);
  return {
    id: 'notify-pool-low',
    label: `Notify when the pool is low: ${current === null ? 'off' : formatPercent(current)}`,
    type: 'submenu',
    submenu: choices.map((p) => ({
      id: `notify-pool-low:${p ?? 'off'}`,
      label: name(p),
      type: 'radio' as const,
      checked: p === current,
      click: () => {
        if (p !== current) actions.setNotifyPoolLow(p);
      },
    })),
  };
}

/** "Routing: Fill first" with the eight strategies as radio items; one click switches. */
function strategyMenu(state: TrayState, actions: TrayActions): TrayMenuItem {
  return {
    id: 'routing',
    label: `Routing: ${STRATEGY_LABELS[state.strategy]}`,
    type: 'submenu',
    submenu: ROUTING_STRATEGIES.map((strategy): TrayMenuItem => {
      // Switching to single_account with no pinned account would refuse every request, so the tray only
      // offers it once an account is pinned (the dashboard pins one).
      const unpinned = strategy === 'single_account' && state.pinnedAccountId === null;
      return {
        id: `strategy:${strategy}`,
        label: unpinned
          ? `${STRATEGY_LABELS[strategy]} (pin an account in the dashboard)`
          : STRATEGY_LABELS[strategy],
        type: 'radio',
        checked: strategy === state.strategy,
        enabled: !unpinned || strategy === state.strategy,
        click: () => {
          if (strategy !== state.strategy) actions.setStrategy(strategy);
        },
      };
    }),
  };
}

/** The name a person recognises: the label, else the email, else the workspace id; long names are cut. */
export function accountName(account: Pick<TrayAccount, 'label' | 'email' | 'chatgptAccountId'>): string {
  const name = account.label ?? account.email ?? account.chatgptAccountId;
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
}

/**
 * One account's line: quota for an active account ("alice@example.com — 5h 42% · wk 18% (updated 1m ago)"),
 * the status otherwise ("bob@example.com — 5h limit reached · back in 2h 5m").
 */
export function accountLabel(account: TrayAccount, now: number): string {
  return `${accountName(account)} — ${accountDetail(account, now)}`;
}

function accountDetail(account: TrayAccount, now: number): string {
  const back = account.resetAt !== null ? ` · back in ${formatCountdown(account.resetAt, now)}` : '';
  switch (account.status) {
    case 'active':
      return account.capped ? cappedText(account.capped, now) : quotaText(account, now);
    case 'rate_limited':
      return `rate limited${back}`;
    case 'quota_exceeded':
      return `quota used up${back}`;
    case 'paused':
      return 'paused';
    case 'reauth_required':
      return 'sign in again';
    case 'deactivated':
      return 'deactivated';
  }
}

/**
 * One account: the summary line, and on hover each window's use and reset, the reset credits, and what can be done
 * with it: pause or resume, refresh, sign in again, copy the email.
 */
function accountMenu(account: TrayAccount, now: number, actions: TrayActions): TrayMenuItem {
  const { primary, secondary, recordedAt } = account.quota;
  const windowLine = (name: string, w: typeof primary): string =>
    w === null
      ? `${name}: no data`
      : `${name}: ${formatPercent(w.usedPercent)} used` +
        (w.resetAt !== null ? `, resets in ${formatCountdown(w.resetAt, now)}` : '');
  const submenu: TrayMenuItem[] = [
    { label: windowLine('5-hour window', primary), enabled: false },
    { label: windowLine('Weekly window', secondary), enabled: false },
    {
      label: recordedAt === null ? 'No quota data yet' : `Updated ${formatAge(recordedAt, now)}`,
      enabled: false,
    },
  ];
  const credits = account.resetCredits ?? null;
  if (credits !== null) {
    submenu.push({
      label: `Reset credits: ${credits === 0 ? 'none' : `${credits} available`}`,
      enabled: false,
    });
  }
  submenu.push({ type: 'separator' });
  const id = account.id;
  if (PAUSABLE.has(account.status)) {
    submenu.push({ id: `pause:${id}`, label: 'Pause this account', click: () => actions.pauseAccount(id) });
  } else if (account.status === 'paused') {
    submenu.push({
      id: `resume:${id}`,
      label: 'Resume this account',
      click: () => actions.resumeAccount(id),
    });
  }
  if (account.status === 'reauth_required' || account.status === 'deactivated') {
    submenu.push({ id: `sign-in:${id}`, label: 'Sign in again…', click: () => actions.signIn(id) });
  } else {
    submenu.push({ id: `refresh:${id}`, label: 'Refresh quota', click: () => actions.refreshAccount(id) });
    submenu.push({ id: `sign-in:${id}`, label: 'Sign in again…', click: () => actions.signIn(id) });
  }
  const email = account.email;
  if (email !== null) {
    submenu.push({ id: `copy-email:${id}`, label: 'Copy email', click: () => actions.copyText(email) });
  }
  return { id: `account:${id}`, label: accountLabel(account, now), type: 'submenu', submenu };
}

/** "past its 80% 5 h cap · back in 2h 5m": ours, not upstream's limit. */
function cappedText(capped: NonNullable<AccountDto['capped']>, now: number): string {
  const back = capped.until !== null ? ` · back in ${formatCountdown(capped.until, now)}` : '';
  return `past its ${formatPercent(capped.capPercent)} ${capped.window === 'short' ? '5 h' : 'weekly'} cap${back}`;
}

function quotaText(account: TrayAccount, now: number): string {
  const { primary, secondary, recordedAt } = account.quota;
  if (recordedAt === null && primary === null && secondary === null) return 'no quota data yet';
  const windows = `5h ${formatPercent(primary?.usedPercent)} · wk ${formatPercent(secondary?.usedPercent)}`;
  return recordedAt === null ? windows : `${windows} (updated ${formatAge(recordedAt, now)})`;
}
