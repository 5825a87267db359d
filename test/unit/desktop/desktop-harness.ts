import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../main/core/log';
import { startDesktop, type DesktopApp, type DesktopOptions } from '../../../main/desktop/main';
import { createSimulator, type Simulator } from '../../simulator';
import { TEST_TUNING } from '../../helpers/test-tuning';
import { electronMock, resetElectronMock } from '../../helpers/electron-mock';

/** The desktop app started with the mocked `electron` against the upstream simulator, in a fresh userData dir. */
export interface DesktopHarness {
  sim: Simulator;
  dataDir: string;
  /** Every log line the core and the shell wrote. */
  lines: string[];
  start(options?: Partial<DesktopOptions>): Promise<DesktopApp | null>;
  close(): Promise<void>;
}

/** Resets the electron mock, starts a simulator and makes a temp dir that plays Electron's `userData`. */
export async function desktopHarness(): Promise<DesktopHarness> {
  resetElectronMock();
  const sim = await createSimulator();
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-desktop-'));
  electronMock.app.userData = dataDir;
  const lines: string[] = [];
  const started: DesktopApp[] = [];
  return {
    sim,
    dataDir,
    lines,
    async start(options = {}) {
      const desktop = await startDesktop({
        env: {
          CODEX_POOL_PORT: '0',
          CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
          CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
          // "Open at login" on Linux writes an autostart file: keep it out of the real home.
          XDG_CONFIG_HOME: join(dataDir, 'config'),
        },
        argv: [],
        platform: 'linux',
        log: createLogger('debug', (line) => lines.push(line)),
        coreDeps: { accountsTuning: TEST_TUNING, env: {} },
        ...options,
      });
      if (desktop) started.push(desktop);
      return desktop;
    },
    async close() {
      for (const desktop of started) await desktop.shutdown();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A chat request through the proxy. */
export function ask(url: string): Promise<Response> {
  return fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: false }),
  });
}
