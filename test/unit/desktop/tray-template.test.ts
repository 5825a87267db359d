import { describe, expect, it } from 'vitest';
import { ROUTING_STRATEGIES } from '../../../shared/domain';
import {
  KEY_FILE_NOTICE,
  STRATEGY_LABELS,
  trayTemplate,
  type TrayMenuItem,
} from '../../../main/desktop/tray-template';
import { trayIconFile, trayIconState, type TrayIconState } from '../../../main/desktop/tray-icon';
import { formatAge, formatCountdown, formatPercent } from '../../../main/desktop/format';
import { findMenuItem, menuText } from '../../helpers/electron-mock';
import { NOW, poolAccounts, poolState, recordingActions } from './fixtures';

const labels = (items: readonly { label?: string; type?: string }[]): string[] =>
  items.map((i) => i.label ?? `<${i.type}>`);

describe('trayTemplate', () => {
  it('shows every account with its 5 h and weekly quota and the age of the data', () => {
    const menu = trayTemplate(poolState(), recordingActions());
    expect(labels(menu).slice(0, 6)).toEqual([
      'Pool — no quota data yet',
      'alice@example.com — 5h 42% · wk 18% (updated 1m ago)',
      'Bob (Pro) — 5h 7% · wk 64% (updated just now)',
      'carol@example.com — quota used up · back in 3h 10m',
      'dave@example.com — paused',
      'erin@example.com — sign in again',
    ]);
  });

  it('details each window and its reset on hover, with the actions that fit the status', () => {
    const actions = recordingActions();
    const menu = trayTemplate(poolState(), actions);
    const alice = findMenuItem(menu, 'account:a1')!;
    expect(labels(alice.submenu!)).toEqual([
      '5-hour window: 42% used, resets in 2h 5m',
      'Weekly window: 18% used, resets in 3d 4h',
      'Updated 1m ago',
      '<separator>',
      'Pause this account',
      'Refresh quota',
      'Sign in again…',
      'Copy email',
    ]);
    findMenuItem(menu, 'pause:a1')!.click!();
    expect(actions.pauseAccount).toHaveBeenCalledWith('a1');
    findMenuItem(menu, 'refresh:a1')!.click!();
    expect(actions.refreshAccount).toHaveBeenCalledWith('a1');
    findMenuItem(menu, 'copy-email:a1')!.click!();
    expect(actions.copyText).toHaveBeenCalledWith('alice@example.com');

    findMenuItem(menu, 'resume:a4')!.click!();
    expect(actions.resumeAccount).toHaveBeenCalledWith('a4');

    const erin = findMenuItem(menu, 'account:a5')!;
    expect(labels(erin.submenu!)).toEqual([
      '5-hour window: no data',
      'Weekly window: no data',
      'No quota data yet',
      '<separator>',
      'Sign in again…',
      'Copy email',
    ]);
    findMenuItem(menu, 'sign-in:a5')!.click!();
    expect(actions.signIn).toHaveBeenCalledWith('a5');
  });

  it('shows the reset credits the usage endpoint reported', () => {
    const [alice, bob] = poolAccounts();
    const menu = trayTemplate(
      poolState({
        accounts: [
          { ...alice!, resetCredits: 2 },
          { ...bob!, resetCredits: 0 },
        ],
      }),
      recordingActions(),
    );
    expect(labels(findMenuItem(menu, 'account:a1')!.submenu!)).toContain('Reset credits: 2 available');
    expect(labels(findMenuItem(menu, 'account:a2')!.submenu!)).toContain('Reset credits: none');
  });

  it('offers the eight strategies as radio items with the current one checked; a click switches', () => {
    const actions = recordingActions();
    const menu = trayTemplate(poolState({ strategy: 'fill_first' }), actions);
    const routing = findMenuItem(menu, 'routing')!;
    expect(routing.label).toBe('Routing: Fill first');
    expect(routing.submenu!.map((i) => i.id)).toEqual(ROUTING_STRATEGIES.map((s) => `strategy:${s}`));
    expect(routing.submenu!.every((i) => i.type === 'radio')).toBe(true);
    expect(routing.submenu!.filter((i) => i.checked).map((i) => i.id)).toEqual(['strategy:fill_first']);

    findMenuItem(menu, 'strategy:round_robin')!.click!();
    expect(actions.setStrategy).toHaveBeenCalledExactlyOnceWith('round_robin');
    findMenuItem(menu, 'strategy:fill_first')!.click!(); // already current: nothing to do
    expect(actions.setStrategy).toHaveBeenCalledTimes(1);
  });

  it('offers single_account only once an account is pinned', () => {
    const unpinned = findMenuItem(trayTemplate(poolState(), recordingActions()), 'strategy:single_account')!;
    expect(unpinned.enabled).toBe(false);
    expect(unpinned.label).toBe('Single account (pin an account in the dashboard)');
    const pinned = findMenuItem(
      trayTemplate(poolState({ pinnedAccountId: 'a1' }), recordingActions()),
      'strategy:single_account',
    )!;
    expect(pinned.enabled).toBe(true);
    expect(pinned.label).toBe(STRATEGY_LABELS.single_account);
  });

  it('opens the dashboard, copies the base URLs, pauses and resumes all, and quits', () => {
    const actions = recordingActions();
    const menu = trayTemplate(poolState(), actions);
    const byLabel = (label: string): TrayMenuItem => menu.find((i) => i.label === label)!;
    byLabel('Open dashboard').click!();
    expect(actions.openDashboard).toHaveBeenCalled();
    byLabel('Copy Codex base URL').click!();
    expect(actions.copyText).toHaveBeenLastCalledWith('http://127.0.0.1:2455/backend-api/codex');
    byLabel('Copy OpenAI base URL').click!();
    expect(actions.copyText).toHaveBeenLastCalledWith('http://127.0.0.1:2455/v1');
    findMenuItem(menu, 'pause-all')!.click!();
    expect(actions.pauseAll).toHaveBeenCalled();
    findMenuItem(menu, 'resume-all')!.click!();
    expect(actions.resumeAll).toHaveBeenCalled();
    byLabel('Quit Codex Pool').click!();
    expect(actions.quit).toHaveBeenCalled();
  });

  it('shows "Pause all" only when something can be paused and "Resume all" only when something is paused', () => {
    const onlyPaused = poolAccounts().map((a) => ({ ...a, status: 'paused' as const }));
    const menu = trayTemplate(poolState({ accounts: onlyPaused }), recordingActions());
    expect(findMenuItem(menu, 'pause-all')).toBeUndefined();
    expect(findMenuItem(menu, 'resume-all')).toBeDefined();
    const none = trayTemplate(
      poolState({ accounts: poolAccounts().filter((a) => a.status === 'active') }),
      recordingActions(),
    );
    expect(findMenuItem(none, 'resume-all')).toBeUndefined();
  });

  it('toggles "Open at login" where supported and hides it elsewhere', () => {
    const actions = recordingActions();
    const item = findMenuItem(trayTemplate(poolState({ openAtLogin: true }), actions), 'open-at-login')!;
    expect(item).toMatchObject({ type: 'checkbox', checked: true });
    item.click!();
    expect(actions.setOpenAtLogin).toHaveBeenCalledWith(false);
    expect(
      findMenuItem(trayTemplate(poolState({ openAtLogin: null }), actions), 'open-at-login'),
    ).toBeUndefined();
  });

  it('says so when tokens are sealed with the key file, and labels demo mode', () => {
    const menu = trayTemplate(poolState({ secretStorage: 'key-file', demo: true }), recordingActions());
    expect(findMenuItem(menu, 'key-file-notice')).toMatchObject({
      label: `⚠ ${KEY_FILE_NOTICE}`,
      enabled: false,
    });
    expect(menu[0]!.label).toMatch(/^DEMO/);
    expect(findMenuItem(trayTemplate(poolState(), recordingActions()), 'key-file-notice')).toBeUndefined();
  });

  it('points an empty pool at the dashboard', () => {
    const actions = recordingActions();
    const menu = trayTemplate(poolState({ accounts: [] }), actions);
    expect(labels(menu).slice(0, 2)).toEqual([
      'Codex Pool — no accounts',
      'No accounts yet — add one in the dashboard…',
    ]);
    menu[1]!.click!();
    expect(actions.openDashboard).toHaveBeenCalled();
  });

  it('cuts long names and shows accounts without quota data honestly', () => {
    const [alice] = poolAccounts();
    const long = {
      ...alice!,
      email: 'a.very.long.address.for.someone@example-company.com',
      quota: { primary: null, secondary: null, additional: [], recordedAt: null },
    };
    const menu = trayTemplate(poolState({ accounts: [long] }), recordingActions());
    expect(menu[1]!.label).toBe('a.very.long.address.for.someone… — no quota data yet');
  });

  it('builds valid menu items only (no accidental undefined labels on normal items)', () => {
    for (const item of menuText(trayTemplate(poolState(), recordingActions())))
      expect(item).not.toMatch(/undefined|NaN/);
  });
});

describe('trayIconState', () => {
  const accounts = poolAccounts();
  const active = (primary: number, secondary: number) => ({
    status: 'active' as const,
    quota: {
      primary: { usedPercent: primary, windowMinutes: 300, resetAt: null },
      secondary: { usedPercent: secondary, windowMinutes: 10_080, resetAt: null },
      additional: [],
      recordedAt: NOW,
    },
  });
  const as = (status: (typeof accounts)[number]['status']) => ({ ...accounts[0]!, status });
  const cases: Array<[string, Parameters<typeof trayIconState>[0], TrayIconState]> = [
    ['no accounts', [], 'paused'],
    ['the realistic pool', accounts, 'ok'],
    ['one roomy account among full ones', [active(95, 10), active(10, 20)], 'ok'],
    [
      'every available account has a window ≥ 80 %',
      [active(85, 10), active(10, 92), as('quota_exceeded')],
      'low',
    ],
    [
      'an account without data counts as roomy',
      [{ ...active(0, 0), quota: { ...active(0, 0).quota, primary: null, secondary: null } }],
      'ok',
    ],
    ['all out of quota or rate limited', [as('quota_exceeded'), as('rate_limited')], 'exhausted'],
    ['only logins that need renewing', [as('reauth_required'), as('paused')], 'exhausted'],
    ['everything paused', [as('paused'), as('paused')], 'paused'],
    ['paused and deactivated', [as('paused'), as('deactivated')], 'paused'],
    ['only deactivated', [as('deactivated')], 'exhausted'],
  ];
  it.each(cases)('%s → %s', (_name, input, expected) => {
    expect(trayIconState(input)).toBe(expected);
  });

  it('uses template images on macOS and coloured icons elsewhere', () => {
    expect(trayIconFile('low', 'darwin')).toBe('tray-lowTemplate.png');
    expect(trayIconFile('low', 'win32')).toBe('tray-low.png');
    expect(trayIconFile('exhausted', 'linux')).toBe('tray-exhausted.png');
  });
});

describe('formats', () => {
  it.each([
    [null, '—'],
    [42.4, '42%'],
    [99.6, '100%'],
    [120, '100%'],
    [-3, '0%'],
  ])('percent %s → %s', (value, text) => expect(formatPercent(value)).toBe(text));

  it.each([
    [NOW - 5, 'just now'],
    [NOW + 30, 'just now'],
    [NOW - 61, '1m ago'],
    [NOW - 3 * 3600 - 5, '3h ago'],
    [NOW - 2 * 86_400, '2d ago'],
  ])('age of %s', (at, text) => expect(formatAge(at, NOW)).toBe(text));

  it.each([
    [NOW + 20, '<1m'],
    [NOW + 45 * 60, '45m'],
    [NOW + 2 * 3600, '2h'],
    [NOW + 2 * 3600 + 5 * 60, '2h 5m'],
    [NOW + 3 * 86_400 + 4 * 3600 + 59, '3d 4h'],
    [NOW + 86_400, '1d'],
  ])('countdown to %s', (at, text) => expect(formatCountdown(at, NOW)).toBe(text));
});
