import { api } from '../../api/client';
import { createResource } from '../../api/resource';

/** Routing and access settings. */
export const settingsResource = createResource(() => api.settings());

/** Proxy API keys (never their secrets). */
export const keysResource = createResource(async () => (await api.listKeys()).keys);
