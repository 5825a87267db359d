import { useEffect } from 'react';
import { useResource } from '../api/resource';
import { healthResource } from './health-data';

/** While the dashboard is open, health is asked again this often, so a full disk shows without a reload. */
const HEALTH_RELOAD_MS = 30_000;

/**
 * What the server says about itself that the user must not miss: it is reachable from the network (keys are
 * enforced), or it cannot save changes (a full disk). Both come from `/api/health`.
 */
export function HealthBanners() {
  const { data: health } = useResource(healthResource);
  useEffect(() => {
    const timer = setInterval(() => void healthResource.load(), HEALTH_RELOAD_MS);
    return () => clearInterval(timer);
  }, []);
  if (!health) return null;
  return (
    <>
      {health.problems.map((problem) => (
        <div key={problem.code} className="health-banner problem" role="alert" data-testid="health-problem">
          <strong>Codex Pool has a problem.</strong> {problem.message}
        </div>
      ))}
      {health.networkExposed && (
        <div className="health-banner" role="note" data-testid="network-notice">
          <strong>Reachable from the network.</strong> This server is bound to a non-loopback address, so
          other machines can connect: every client must send a proxy API key (Routing → API keys).
        </div>
      )}
    </>
  );
}
