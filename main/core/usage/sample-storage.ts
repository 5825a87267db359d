import type { Credits, UsageSample, UsageWindow } from '../../../shared/domain';

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

/**
 * Whether two samples say the same thing about the quota: the same windows, credits and name, whatever their
 * `recordedAt`. Every proxied answer repeats the account's quota; only a sample that differs is a change worth
 * telling listeners about or recomputing pooled figures for.
 */
export function sameSampleContent(a: UsageSample | undefined, b: UsageSample | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.family === b.family &&
    sameWindow(a.primary, b.primary) &&
    sameWindow(a.secondary, b.secondary) &&
    (a.limitName ?? null) === (b.limitName ?? null) &&
    sameCredits(a.credits ?? null, b.credits ?? null)
  );
}

function sameWindow(a: UsageWindow | null, b: UsageWindow | null): boolean {
  if (a === null || b === null) return a === b;
  return a.usedPercent === b.usedPercent && a.resetAt === b.resetAt && a.windowMinutes === b.windowMinutes;
}

function sameCredits(a: Credits | null, b: Credits | null): boolean {
  if (a === null || b === null) return a === b;
  return a.hasCredits === b.hasCredits && a.unlimited === b.unlimited && a.balance === b.balance;
}
