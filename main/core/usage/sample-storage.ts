import type { UsageSample, UsageWindow } from '../../../shared/domain';

/** A sample is stored at least this often while the account is in use, so charts and restarts stay current. */
export const SAMPLE_STORE_INTERVAL_S = 60;

/**
 * Whether a new quota sample is worth a row in the history. Every proxied response carries quota headers, so
 * storing each one would write a row per request and grow the table with repeats; instead a sample is stored
 * when it says something new — a window moved by a whole percent, a reset time or the credits changed, a window
 * appeared or vanished — or a minute has passed since the last stored one. The live state always takes every
 * sample; only the history is thinned, and never loses a change a chart could show.
 */
export function shouldStoreSample(lastStored: UsageSample | undefined, next: UsageSample): boolean {
  if (!lastStored) return true;
  if (next.recordedAt - lastStored.recordedAt >= SAMPLE_STORE_INTERVAL_S) return true;
  if (
    windowChanged(lastStored.primary, next.primary) ||
    windowChanged(lastStored.secondary, next.secondary)
  ) {
    return true;
  }
  const a = lastStored.credits ?? null;
  const b = next.credits ?? null;
  return (
    (a === null) !== (b === null) ||
    (a !== null &&
      b !== null &&
      (a.hasCredits !== b.hasCredits || a.unlimited !== b.unlimited || a.balance !== b.balance))
  );
}

function windowChanged(a: UsageWindow | null, b: UsageWindow | null): boolean {
  if (a === null || b === null) return a !== b;
  return (
    Math.abs(a.usedPercent - b.usedPercent) >= 1 ||
    a.resetAt !== b.resetAt ||
    a.windowMinutes !== b.windowMinutes
  );
}
