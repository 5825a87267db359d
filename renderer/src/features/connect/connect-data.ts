import { api } from '../../api/client';
import { createResource } from '../../api/resource';

/** Every client's connection, the snippets, and when each kind of client was last seen. */
export const connectResource = createResource(() => api.connectOverview());

/** Human names of the clients. */
export const CLIENT_NAMES = { codex: 'Codex CLI & IDE', opencode: 'OpenCode' } as const;
