import { api } from '../../api/client';
import { createResource } from '../../api/resource';
import { syncServerClock } from '../../lib/server-clock';

/** The pool view (headroom, next reset, forecast). */
export const poolResource = createResource(async () => {
  const view = await api.pool();
  syncServerClock(view.now);
  return view;
});
