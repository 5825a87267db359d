/**
 * Quota-window normalisation shared by the three usage sources: response headers (§8), the usage endpoint
 * (§9) and `codex.rate_limits` events (§6).
 */
import type { Credits, UsageWindow } from '../../../shared/domain';
import { finiteNumber, isRecord } from './json';

/** Default window lengths in minutes when upstream omits them (PROTOCOL.md §8, codex-lb). */
export const DEFAULT_WINDOW_MINUTES = { primary: 300, secondary: 10_080, monthly: 43_200 } as const;

/** A lone primary window at least this long is really the plan's long window (weekly or monthly). */
const LONG_WINDOW_MINUTES = DEFAULT_WINDOW_MINUTES.secondary;

/**
 * Puts windows in their slots (PROTOCOL.md §8): a lone primary window of a week or more (a free plan's weekly
 * window, or a monthly-only plan's 43200-minute window) is the long window, so it moves to `secondary`.
 */
export function normalizeWindows(
  primary: UsageWindow | null,
  secondary: UsageWindow | null,
): { primary: UsageWindow | null; secondary: UsageWindow | null } {
  if (primary !== null && secondary === null && primary.windowMinutes >= LONG_WINDOW_MINUTES) {
    return { primary: null, secondary: primary };
  }
  return { primary, secondary };
}

/** Parses an upstream boolean sent as `true/false/1/0` (string or JSON). */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  return undefined;
}

/** Normalises a credits balance (decimal string or number) to a string, or null when absent. */
export function parseBalance(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Reads a `{has_credits, unlimited, balance}` object; undefined when it is not one. */
export function parseCreditsObject(value: unknown): Credits | undefined {
  if (!isRecord(value)) return undefined;
  const hasCredits = parseBool(value.has_credits);
  const unlimited = parseBool(value.unlimited);
  const balance = parseBalance(value.balance);
  if (hasCredits === undefined && unlimited === undefined && balance === null) return undefined;
  return { hasCredits: hasCredits ?? false, unlimited: unlimited ?? false, balance };
}

/**
 * Builds a window from loose fields. `resetAt` wins over `resetAfterSeconds` (§9). Returns null when there
 * is no usable used-percent.
 */
export function buildWindow(
  fields: { usedPercent: unknown; windowMinutes: unknown; resetAt: unknown; resetAfterSeconds?: unknown },
  defaultMinutes: number,
  now: number,
): UsageWindow | null {
  const usedPercent = finiteNumber(fields.usedPercent);
  if (usedPercent === undefined) return null;
  const minutes = finiteNumber(fields.windowMinutes);
  const resetAt = finiteNumber(fields.resetAt);
  const after = finiteNumber(fields.resetAfterSeconds);
  let reset: number | null = null;
  if (resetAt !== undefined && resetAt > 0) reset = Math.ceil(resetAt);
  else if (after !== undefined && after >= 0) reset = Math.ceil(now + after);
  return {
    usedPercent,
    windowMinutes: minutes !== undefined && minutes > 0 ? Math.round(minutes) : defaultMinutes,
    resetAt: reset,
  };
}
