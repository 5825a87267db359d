/**
 * The server's clock as seen from the browser. Quota ages and countdowns are computed against the time the
 * server reported (`now` of `GET /api/accounts` and `GET /api/pool`), so a client whose clock is off still
 * shows the truth.
 */
import { useEffect, useState } from 'react';

let offsetS = 0;

/** Records a server timestamp (epoch s) just received. */
export function syncServerClock(serverNow: number | undefined): void {
  if (serverNow !== undefined) offsetS = serverNow - Date.now() / 1000;
}

/** The server's current time, epoch seconds. */
export function serverNow(): number {
  return Date.now() / 1000 + offsetS;
}

/** The server's time, re-rendering the caller every `intervalMs` so countdowns and ages keep moving. */
export function useServerNow(intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
