import {
  CONNECT_CLIENTS,
  connectPreviewSchema,
  connectResultSchema,
  type ConnectClient,
  type ConnectPreview,
  type ConnectResult,
} from '../../shared/api';
import type { CoreConfig } from '../core/config';
import { callRunningServer } from './running-server';
import { withOfflineServices } from './offline-services';

/** The flags of `codex-pool connect`. */
export interface ConnectFlags {
  profile: boolean;
  dryRun: boolean;
  undo: boolean;
}

/** The three operations, done by the running server (so a new proxy key is live at once) or on the data dir. */
interface ConnectBackend {
  preview(client: ConnectClient, profile: boolean): Promise<ConnectPreview>;
  apply(client: ConnectClient, profile: boolean, baseHash: string | null): Promise<ConnectResult>;
  undo(client: ConnectClient, profile: boolean): Promise<ConnectResult>;
}

/**
 * `codex-pool connect codex|opencode [--profile] [--dry-run] [--undo]`: shows the change to the client's config
 * file as a diff, then applies it (backup beside the file), or only shows it, or undoes the last apply.
 */
export async function connectCommand(
  config: CoreConfig,
  env: NodeJS.ProcessEnv,
  name: string | undefined,
  flags: ConnectFlags,
  out: (line: string) => void,
): Promise<number> {
  if (!(CONNECT_CLIENTS as readonly string[]).includes(name ?? '')) {
    throw new Error(
      `Connect which client? Choose one of: ${CONNECT_CLIENTS.join(', ')} (e.g. codex-pool connect codex).`,
    );
  }
  const client = name as ConnectClient;
  if (flags.profile && client !== 'codex') throw new Error('--profile applies to codex only.');
  const run = async (backend: ConnectBackend): Promise<number> => {
    if (flags.undo) {
      out((await backend.undo(client, flags.profile)).message);
      return 0;
    }
    const preview = await backend.preview(client, flags.profile);
    for (const note of preview.notes) out(`Note: ${note}`);
    if (!preview.changes) {
      out(`${preview.configPath} already uses Codex Pool: nothing to change.`);
      return 0;
    }
    out(preview.diff.trimEnd());
    if (flags.dryRun) {
      out('(dry run: nothing was written; run without --dry-run to apply)');
      return 0;
    }
    out((await backend.apply(client, flags.profile, preview.baseHash)).message);
    if (client === 'codex' && flags.profile) out('Start Codex with: codex --profile codex-pool');
    return 0;
  };
  if (await serverRunning(config)) return run(remoteBackend(config));
  return withOfflineServices(config, (services) => run(localBackend(services.connect)), env);
}

async function serverRunning(config: CoreConfig): Promise<boolean> {
  const res = await callRunningServer(config, '/api/connect');
  return res !== null && res.ok;
}

function remoteBackend(config: CoreConfig): ConnectBackend {
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await callRunningServer(config, path, { method: 'POST', body: JSON.stringify(body) });
    if (res === null) throw new Error('Codex Pool stopped answering; start it again and retry.');
    const json: unknown = await res.json();
    if (!res.ok)
      throw new Error((json as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
    return json;
  };
  return {
    preview: async (client, profile) =>
      connectPreviewSchema.parse(await post(`/api/connect/${client}/preview`, { profile })),
    apply: async (client, profile, baseHash) =>
      connectResultSchema.parse(await post(`/api/connect/${client}/apply`, { profile, baseHash })),
    undo: async (client, profile) =>
      connectResultSchema.parse(await post(`/api/connect/${client}/undo`, { profile })),
  };
}

function localBackend(connect: {
  preview: ConnectBackend['preview'];
  apply: ConnectBackend['apply'];
  undo(client: ConnectClient, profile: boolean): ConnectResult;
}): ConnectBackend {
  return {
    preview: (client, profile) => connect.preview(client, profile),
    apply: (client, profile, baseHash) => connect.apply(client, profile, baseHash),
    undo: async (client, profile) => connect.undo(client, profile),
  };
}
