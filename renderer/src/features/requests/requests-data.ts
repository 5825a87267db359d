import { api } from '../../api/client';
import { createResource } from '../../api/resource';

/** How many recent requests the history shows. */
export const REQUEST_HISTORY_LIMIT = 100;

/** The recent request history, newest first. */
export const requestsResource = createResource(
  async () => (await api.requests(REQUEST_HISTORY_LIMIT)).requests,
);
