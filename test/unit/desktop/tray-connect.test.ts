import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { trayTemplate, type TrayState } from '../../../main/desktop/tray-template';
import { TEST_TUNING } from '../../helpers/test-tuning';
import { electronMock, findMenuItem } from '../../helpers/electron-mock';
import { desktopHarness, type DesktopHarness } from './desktop-harness';
import { poolState, recordingActions } from './fixtures';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

const codexItem = (codex: TrayState['codex']) => {
  const actions = recordingActions();
  const menu = trayTemplate(poolState(codex ? { codex } : {}), actions);
  return { item: menu.find((i) => i.id?.startsWith('codex-')), actions };
};

describe('the tray’s Codex CLI item', () => {
  it.each<[string, TrayState['codex'], string | undefined]>([
    ['not connected', { state: 'not_connected', canUndo: false, profile: false }, 'Connect Codex CLI'],
    [
      'pointing at another proxy',
      { state: 'other_proxy', canUndo: false, profile: false },
      'Connect Codex CLI',
    ],
    [
      'connected by Codex Pool',
      { state: 'connected', canUndo: true, profile: false },
      'Disconnect Codex CLI',
    ],
    ['connected by hand', { state: 'connected', canUndo: false, profile: false }, 'Codex CLI uses the pool'],
    [
      'a config that does not parse',
      { state: 'invalid', canUndo: false, profile: false },
      'Codex config.toml does not parse — see Connect…',
    ],
    ['unknown', undefined, undefined],
  ])('%s', (_name, codex, label) => {
    expect(codexItem(codex).item?.label).toBe(label);
  });

  it('clicks call the matching action', () => {
    const connect = codexItem({ state: 'missing', canUndo: false, profile: false });
    connect.item!.click!();
    expect(connect.actions.connectCodex).toHaveBeenCalledOnce();
    const disconnect = codexItem({ state: 'connected', canUndo: true, profile: false });
    disconnect.item!.click!();
    expect(disconnect.actions.disconnectCodex).toHaveBeenCalledOnce();
    const invalid = codexItem({ state: 'invalid', canUndo: false, profile: false });
    invalid.item!.click!();
    expect(invalid.actions.openDashboard).toHaveBeenCalledOnce();
  });
});

describe('Connect / Disconnect from the tray (real core, mocked electron)', () => {
  let h: DesktopHarness | undefined;
  let home: string | undefined;
  afterEach(async () => {
    await h?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('connects the Codex CLI in one click and disconnects it back to the exact bytes', async () => {
    h = await desktopHarness();
    home = await mkdtemp(join(tmpdir(), 'tray-connect-'));
    const codexHome = join(home, '.codex');
    await mkdir(codexHome);
    const path = join(codexHome, 'config.toml');
    const original = '# mine\nmodel = "gpt-5.5"\n';
    await writeFile(path, original);
    const desktop = (await h.start({
      coreDeps: { accountsTuning: TEST_TUNING, env: { HOME: home, CODEX_HOME: codexHome } },
    }))!;

    findMenuItem(electronMock.trayMenu(), 'codex-connect')!.click!();
    await vi.waitFor(() => expect(findMenuItem(electronMock.trayMenu(), 'codex-disconnect')).toBeDefined());
    expect(await readFile(path, 'utf8')).toContain(`base_url = "${desktop.core.url}/backend-api/codex"`);

    findMenuItem(electronMock.trayMenu(), 'codex-disconnect')!.click!();
    expect(await readFile(path, 'utf8')).toBe(original);
    expect(findMenuItem(electronMock.trayMenu(), 'codex-connect')).toBeDefined();
  });
});
