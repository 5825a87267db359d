/**
 * Timing hints in upstream errors: "try again in …" messages (PROTOCOL.md §10) and `resets_at` /
 * `resets_in_seconds` validation (BALANCER.md §1.3).
 */
import { finiteNumber } from './json';

/** 366 days in seconds: resets further out are treated as missing (BALANCER.md §1.3). */
export const MAX_RESET_HORIZON_SECONDS = 366 * 24 * 60 * 60;

const UNIT_SECONDS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:milliseconds?|msecs?|ms)$/i, 0.001],
  [/^(?:seconds?|secs?|s)$/i, 1],
  [/^(?:minutes?|mins?|m)$/i, 60],
  [/^(?:hours?|hrs?|h)$/i, 3600],
];

/** The phrase that introduces the delay. */
const PHRASE = /(?:try again|retry)\s+(?:in|after)\s+/gi;

/**
 * One `<number><unit>` component. Longer unit spellings come first so `ms` is not read as `m`; the
 * lookahead rejects a unit followed by a letter, so "1 month" or "5 mo" are not minutes (§10).
 */
const COMPONENT =
  /(\d+(?:\.\d+)?)\s*(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)(?![a-z])(?:\s*(?:,|and)?\s*)/iy;

/**
 * Seconds from a "try again in …" hint: `20s`, `1.5s`, `500ms`, `6m0s`, `1h2m3s`, `2 minutes`,
 * `1 minute 30 seconds` (components summed). Undefined when there is no hint or its unit is not a time unit
 * ("1 month").
 */
export function parseTryAgainHint(message: string | undefined): number | undefined {
  if (message === undefined || message === '') return undefined;
  PHRASE.lastIndex = 0;
  for (let m = PHRASE.exec(message); m !== null; m = PHRASE.exec(message)) {
    let pos = m.index + m[0].length;
    let total = 0;
    let found = false;
    for (;;) {
      COMPONENT.lastIndex = pos;
      const c = COMPONENT.exec(message);
      if (c === null) break;
      const value = Number(c[1]);
      const unit = c[2] ?? '';
      const factor = UNIT_SECONDS.find(([re]) => re.test(unit))?.[1];
      if (factor === undefined) break;
      total += value * factor;
      found = true;
      pos = COMPONENT.lastIndex;
    }
    if (found) return Math.round(total * 1000) / 1000;
  }
  return undefined;
}

/**
 * The upstream reset time (epoch s) of a 429 / quota error, validated (BALANCER.md §1.3): `resetsAt` if
 * finite, later than `now` and at most 366 days ahead; else `now + resetsInSeconds` if that is in
 * (0, 366 d]; rounded up to whole seconds. Undefined when neither is usable.
 */
export function validUpstreamReset(
  input: { resetsAt?: unknown; resetsInSeconds?: unknown },
  now: number,
): number | undefined {
  const at = finiteNumber(input.resetsAt);
  if (at !== undefined && at > now && at <= now + MAX_RESET_HORIZON_SECONDS) return Math.ceil(at);
  const inSeconds = finiteNumber(input.resetsInSeconds);
  if (inSeconds !== undefined && inSeconds > 0 && inSeconds <= MAX_RESET_HORIZON_SECONDS) {
    return Math.ceil(now + inSeconds);
  }
  return undefined;
}

/**
 * Seconds from a `Retry-After` header: delta-seconds, or an HTTP date relative to `now` (epoch s).
 * Undefined when absent, unparsable or not in the future.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n > 0 ? n : undefined;
  }
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return undefined;
  const delta = Math.ceil(ms / 1000 - now);
  return delta > 0 ? delta : undefined;
}

/** A duration for a message: `60 s`, or `0.3 s` below ten seconds. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? String(Math.round(s * 10) / 10) : String(Math.round(s))} s`;
}
