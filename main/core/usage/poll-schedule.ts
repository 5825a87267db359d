/**
 * When the usage poller asks upstream, and for which account (issue 14). Pure: candidates and time in, a decision
 * out. Every proxied answer already carries its account's quota, so an account busy with traffic is never polled;
 * an idle one is polled once its data is older than the interval. Polls go out one at a time, evenly spaced over
 * the interval, and never faster than a configured rate, so a large pool never sends bursts from one address.
 */

/** Default ceiling of usage calls per minute, whatever the pool size (CODEX_POOL_USAGE_POLLS_PER_MINUTE). */
export const DEFAULT_USAGE_POLLS_PER_MINUTE = 120;

/** An account the poller may ask about. */
export interface PollCandidate {
  id: string;
  /** Epoch seconds of its newest quota data (a sample from traffic or a poll), or of the last poll; null: none. */
  freshAt: number | null;
}

/**
 * The account to poll now: the one whose data is oldest, provided it is at least `staleAfterS` old (accounts with
 * no data at all come first). Null when every account is fresh enough.
 */
export function stalestDue(
  candidates: readonly PollCandidate[],
  now: number,
  staleAfterS: number,
): string | null {
  let best: PollCandidate | null = null;
  for (const c of candidates) {
    if (c.freshAt !== null && now - c.freshAt < staleAfterS) continue;
    if (best === null || (best.freshAt !== null && (c.freshAt === null || c.freshAt < best.freshAt)))
      best = c;
  }
  return best?.id ?? null;
}

/**
 * Milliseconds between two polls: the interval shared evenly among the accounts (each idle account then gets one
 * poll per interval), but never less than the gap the rate ceiling allows.
 */
export function pollGapMs(accounts: number, intervalMs: number, maxPerMinute: number): number {
  const even = intervalMs / Math.max(1, accounts);
  const floor = 60_000 / Math.max(1e-6, maxPerMinute);
  return Math.max(even, floor);
}
