import { api } from '../api/client';
import { createResource } from '../api/resource';

/** `GET /api/health`: version and demo mode. Public, so it loads before the session is known. */
export const healthResource = createResource(() => api.health());
