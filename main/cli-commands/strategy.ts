import { join } from 'node:path';
import { ROUTING_STRATEGIES, type RoutingStrategy } from '../../shared/domain';
import { settingsSchema, type Settings } from '../../shared/api';
import type { CoreConfig } from '../core/config';
import { DATABASE_FILE_NAME, openStore } from '../core/store';
import { SettingsService } from '../core/settings/settings-service';
import { ensureDataDir } from '../core/secrets';
import { callRunningServer } from './running-server';

/**
 * `codex-pool strategy [NAME]`: shows the routing strategy, or sets it. Goes through the running server when
 * there is one (the change applies to the next request), else writes the data dir's store.
 */
export async function strategyCommand(
  config: CoreConfig,
  name: string | undefined,
  out: (line: string) => void,
): Promise<number> {
  if (name !== undefined && !(ROUTING_STRATEGIES as readonly string[]).includes(name)) {
    throw new Error(`Unknown strategy "${name}". Choose one of: ${ROUTING_STRATEGIES.join(', ')}.`);
  }
  const patch = name === undefined ? undefined : { routingStrategy: name as RoutingStrategy };
  const res = await callRunningServer(
    config,
    '/api/settings',
    patch ? { method: 'PATCH', body: JSON.stringify(patch) } : {},
  );
  let settings: Settings;
  if (res !== null) {
    const body: unknown = await res.json();
    if (!res.ok)
      throw new Error(
        `The running server refused: ${(body as { error?: { message?: string } }).error?.message ?? res.status}`,
      );
    settings = settingsSchema.parse(body);
  } else {
    ensureDataDir(config.dataDir);
    const store = openStore({ path: join(config.dataDir, DATABASE_FILE_NAME) });
    try {
      const service = new SettingsService(store.settings);
      settings = patch ? service.update(patch) : service.get();
    } finally {
      store.close();
    }
  }
  if (patch)
    out(
      `Routing strategy set to ${settings.routingStrategy}${res ? '' : ' (takes effect when Codex Pool starts)'}.`,
    );
  else {
    out(`Routing strategy: ${settings.routingStrategy}`);
    out(`Available: ${ROUTING_STRATEGIES.join(', ')}`);
  }
  return 0;
}
