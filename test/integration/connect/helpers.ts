import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectOverviewSchema,
  connectPreviewSchema,
  connectResultSchema,
  type ConnectPreview,
} from '../../../shared/api';
import { startPool, type PoolHarness, type PoolHarnessOptions } from '../../helpers/pool-harness';

/** A pool whose connect engine edits config files under a throwaway home, never the real one. */
export interface ConnectHarness extends PoolHarness {
  home: string;
  codexHome: string;
  preview(client: string, profile?: boolean): Promise<ConnectPreview>;
  /** Applies with the given preview's hash; resolves the raw response so tests can read refusals. */
  applyRaw(client: string, baseHash: string | null, profile?: boolean): Promise<Response>;
  apply(client: string, profile?: boolean): Promise<ReturnType<typeof connectResultSchema.parse>>;
  undoRaw(client: string, profile?: boolean): Promise<Response>;
  overview(): Promise<ReturnType<typeof connectOverviewSchema.parse>>;
}

/** Starts a pool with one account and a temp HOME / CODEX_HOME / XDG_CONFIG_HOME for the connect engine. */
export async function startConnectPool(options: PoolHarnessOptions = {}): Promise<ConnectHarness> {
  const home = await mkdtemp(join(tmpdir(), 'connect-home-'));
  const codexHome = join(home, '.codex');
  const pool = await startPool({
    accounts: [{ email: 'pooled@example.com', planType: 'pro' }],
    ...options,
    deps: {
      env: { HOME: home, CODEX_HOME: codexHome, XDG_CONFIG_HOME: join(home, '.config') },
      ...options.deps,
    },
  });
  const post = (path: string, body: unknown): Promise<Response> =>
    pool.admin(path, { method: 'POST', body: JSON.stringify(body) });
  const preview = async (client: string, profile = false): Promise<ConnectPreview> => {
    const res = await post(`/api/connect/${client}/preview`, { profile });
    if (!res.ok) throw new Error(`preview refused: ${res.status} ${await res.text()}`);
    return connectPreviewSchema.parse(await res.json());
  };
  const applyRaw = (client: string, baseHash: string | null, profile = false): Promise<Response> =>
    post(`/api/connect/${client}/apply`, { profile, baseHash });
  return {
    ...pool,
    home,
    codexHome,
    preview,
    applyRaw,
    async apply(client, profile = false) {
      const shown = await preview(client, profile);
      const res = await applyRaw(client, shown.baseHash, profile);
      if (!res.ok) throw new Error(`apply refused: ${res.status} ${await res.text()}`);
      return connectResultSchema.parse(await res.json());
    },
    undoRaw: (client, profile = false) => post(`/api/connect/${client}/undo`, { profile }),
    async overview() {
      return connectOverviewSchema.parse(await (await pool.admin('/api/connect')).json());
    },
    async close() {
      await pool.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
