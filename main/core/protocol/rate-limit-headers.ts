/**
 * Rate-limit response headers (PROTOCOL.md §8): parsing upstream's, and formatting the pooled ones we send to
 * clients (§12).
 */
import type { Credits, UsageSample, UsageWindow } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import {
  DEFAULT_WINDOW_MINUTES,
  buildWindow,
  normalizeWindows,
  parseBalance,
  parseBool,
} from './usage-windows';

/** Header bag as undici / node:http expose it. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the rate-limit headers of one upstream response say. */
export interface RateLimitHeaderInfo {
  /** The standard family (`codex`) first when present, then one sample per additional family. */
  samples: UsageSample[];
  /** `x-codex-active-limit` (on a 429: the limit id that triggered it). */
  activeLimit?: string;
  /** `x-codex-credits-*`, when any was sent. */
  credits?: Credits;
}

/** Lower-cases header names and keeps the first value of repeated headers. */
export function lowerCaseHeaders(headers: HeaderBag): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const v = typeof value === 'string' ? value : value[0];
    if (v === undefined) continue;
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, v);
  }
  return out;
}

/**
 * {@link lowerCaseHeaders} of the `x-…` names only: every quota header is one, and this runs on every answer
 * (issue 14), so the other headers are not copied.
 */
function extensionHeaders(headers: HeaderBag): Map<string, string> {
  const out = new Map<string, string>();
  for (const name in headers) {
    const c = name.charCodeAt(0) | 0x20; // lower-cases an ASCII letter
    if (c !== 0x78 || name.charCodeAt(1) !== 0x2d) continue; // not `x-`
    const value = headers[name];
    const v = value === undefined || typeof value === 'string' ? value : value[0];
    if (v === undefined) continue;
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, v);
  }
  return out;
}

const FAMILY_HEADER = /^x-([a-z0-9][a-z0-9_-]*)-(?:primary|secondary)-used-percent$/;

/** Family id from the header prefix (§8): lower-cased with `-` → `_`, so `codex-other` → `codex_other`. */
function familyId(prefixName: string): string {
  return prefixName.toLowerCase().replace(/-/g, '_');
}

function readWindow(
  h: Map<string, string>,
  prefix: string,
  slot: 'primary' | 'secondary',
  now: number,
): UsageWindow | null {
  return buildWindow(
    {
      usedPercent: h.get(`${prefix}-${slot}-used-percent`),
      windowMinutes: h.get(`${prefix}-${slot}-window-minutes`),
      resetAt: h.get(`${prefix}-${slot}-reset-at`),
      // Optional; read by some third-party parsers (§8). reset-at wins when both are present.
      resetAfterSeconds: h.get(`${prefix}-${slot}-reset-after-seconds`),
    },
    DEFAULT_WINDOW_MINUTES[slot],
    now,
  );
}

function readCredits(h: Map<string, string>): Credits | undefined {
  const has = h.get('x-codex-credits-has-credits');
  const unl = h.get('x-codex-credits-unlimited');
  const bal = h.get('x-codex-credits-balance');
  if (has === undefined && unl === undefined && bal === undefined) return undefined;
  return {
    hasCredits: parseBool(has) ?? false,
    unlimited: parseBool(unl) ?? false,
    balance: parseBalance(bal),
  };
}

/**
 * Parses upstream rate-limit headers into usage samples recorded at `now` (epoch s). The standard family
 * comes from `x-codex-{primary,secondary}-…`; every other `x-<name>-primary-used-percent` (or `-secondary-`)
 * defines an additional family with id `<name>` normalised (§8). Window slots are normalised (§8). A family
 * whose headers carry no used-percent yields no sample.
 */
export function parseRateLimitHeaders(headers: HeaderBag, now: number): RateLimitHeaderInfo {
  const h = extensionHeaders(headers);
  const prefixes = new Set<string>();
  for (const name of h.keys()) {
    const m = name.endsWith('-used-percent') ? FAMILY_HEADER.exec(name) : null;
    if (m?.[1] !== undefined) prefixes.add(m[1]);
  }
  const credits = readCredits(h);
  const samples: UsageSample[] = [];
  const ordered = [...prefixes].sort((a, b) => (a === 'codex' ? -1 : b === 'codex' ? 1 : a.localeCompare(b)));
  for (const name of ordered) {
    const prefix = `x-${name}`;
    const windows = normalizeWindows(
      readWindow(h, prefix, 'primary', now),
      readWindow(h, prefix, 'secondary', now),
    );
    if (windows.primary === null && windows.secondary === null) continue;
    const family = name === 'codex' ? STANDARD_FAMILY : familyId(name);
    const sample: UsageSample = { family, ...windows, recordedAt: now };
    const limitName = h.get(`${prefix}-limit-name`);
    if (limitName !== undefined && limitName !== '') sample.limitName = limitName;
    if (family === STANDARD_FAMILY && credits !== undefined) sample.credits = credits;
    samples.push(sample);
  }
  const info: RateLimitHeaderInfo = { samples };
  const active = h.get('x-codex-active-limit');
  if (active !== undefined && active.trim() !== '') info.activeLimit = active.trim();
  if (credits !== undefined) info.credits = credits;
  return info;
}

/** Pooled standard-family windows and credits to advertise to clients (§12). */
export interface PooledRateLimits {
  primary?: UsageWindow | null;
  secondary?: UsageWindow | null;
  /** Only for pools whose long window is monthly. */
  monthly?: UsageWindow | null;
  credits?: Credits | null;
}

/** A percentage as a float string (`45` → `"45.0"`, `12.5` → `"12.5"`), the form upstream sends. */
function floatString(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

/**
 * The pooled `x-codex-{primary,secondary,monthly}-{used-percent,window-minutes,reset-at}` and
 * `x-codex-credits-{has-credits,unlimited,balance}` headers that replace the serving account's (§12).
 * Absent windows produce no headers; an unknown reset produces no `-reset-at`.
 */
export function formatPooledRateLimitHeaders(pooled: PooledRateLimits): Record<string, string> {
  const out: Record<string, string> = {};
  const slots = [
    ['primary', pooled.primary],
    ['secondary', pooled.secondary],
    ['monthly', pooled.monthly],
  ] as const;
  for (const [slot, w] of slots) {
    if (w === undefined || w === null) continue;
    out[`x-codex-${slot}-used-percent`] = floatString(w.usedPercent);
    out[`x-codex-${slot}-window-minutes`] = String(Math.round(w.windowMinutes));
    if (w.resetAt !== null) out[`x-codex-${slot}-reset-at`] = String(Math.ceil(w.resetAt));
  }
  const c = pooled.credits;
  if (c !== undefined && c !== null) {
    out['x-codex-credits-has-credits'] = String(c.hasCredits);
    out['x-codex-credits-unlimited'] = String(c.unlimited);
    if (c.balance !== null) out['x-codex-credits-balance'] = c.balance;
  }
  return out;
}

const FAMILY_WINDOW_HEADER =
  /^x-[a-z0-9][a-z0-9_-]*-(?:primary|secondary)-(?:used-percent|window-minutes|reset-at|reset-after-seconds)$/;

/**
 * True for the serving account's own quota headers (every `x-codex-*` but `x-codex-turn-state`, and any
 * additional family's window or limit-name headers), which the relay replaces with pooled ones (§12).
 */
export function isAccountQuotaHeader(name: string): boolean {
  const n = name.toLowerCase();
  if (n === 'x-codex-turn-state') return false;
  return n.startsWith('x-codex-') || FAMILY_WINDOW_HEADER.test(n) || /^x-[a-z0-9_-]+-limit-name$/.test(n);
}
