/**
 * `codex.rate_limits` SSE / WebSocket events (PROTOCOL.md §6): a live usage sample for the serving account.
 */
import type { UsageSample, UsageWindow } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import { isRecord, nonEmptyString } from './json';
import { DEFAULT_WINDOW_MINUTES, buildWindow, normalizeWindows, parseCreditsObject } from './usage-windows';

function eventWindow(value: unknown, defaultMinutes: number, now: number): UsageWindow | null {
  if (!isRecord(value)) return null;
  return buildWindow(
    {
      usedPercent: value.used_percent,
      windowMinutes: value.window_minutes,
      // Upstream has used both spellings (§6).
      resetAt: value.reset_at ?? value.resets_at,
      resetAfterSeconds: value.reset_after_seconds ?? value.resets_in_seconds,
    },
    defaultMinutes,
    now,
  );
}

/**
 * Parses a `codex.rate_limits` event payload into a sample recorded at `now`, or null when the payload is
 * not such an event or carries no window. `metered_limit_name` / `limit_name` name an additional family
 * (kept raw; the balancer canonicalises it); a missing name, or `codex`, means the standard family. Credits
 * are read at the top level or nested in `rate_limits`.
 */
export function parseCodexRateLimitsEvent(obj: unknown, now: number): UsageSample | null {
  if (!isRecord(obj) || obj.type !== 'codex.rate_limits') return null;
  const rl = isRecord(obj.rate_limits) ? obj.rate_limits : {};
  const windows = normalizeWindows(
    eventWindow(rl.primary, DEFAULT_WINDOW_MINUTES.primary, now),
    eventWindow(rl.secondary, DEFAULT_WINDOW_MINUTES.secondary, now),
  );
  const credits = parseCreditsObject(obj.credits) ?? parseCreditsObject(rl.credits);
  // A credits-only event is not a usage observation (same rule as the headers).
  if (windows.primary === null && windows.secondary === null) return null;
  const name =
    nonEmptyString(obj.metered_limit_name) ??
    nonEmptyString(obj.limit_name) ??
    nonEmptyString(rl.metered_limit_name) ??
    nonEmptyString(rl.limit_name);
  const family = name === undefined || name.toLowerCase() === STANDARD_FAMILY ? STANDARD_FAMILY : name;
  const sample: UsageSample = { family, ...windows, recordedAt: now };
  if (name !== undefined && family !== STANDARD_FAMILY) sample.limitName = name;
  if (credits !== undefined) sample.credits = credits;
  return sample;
}
