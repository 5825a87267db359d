import type { Credits, FamilyState, UsageWindowState, WindowsInit } from './types';

export const STANDARD_FAMILY = 'codex';
export const PRIMARY_WINDOW_MINUTES = 300;
export const SECONDARY_WINDOW_MINUTES = 10080;

export function newWindow(usedPercent: number, windowMinutes: number, now: number): UsageWindowState {
  return { usedPercent, windowMinutes, resetAt: now + windowMinutes * 60 };
}

export function newFamily(
  id: string,
  init: WindowsInit,
  now: number,
  names: { limitName: string; meteredFeature: string },
): FamilyState {
  return {
    id,
    ...names,
    primary: newWindow(init.primary ?? 0, PRIMARY_WINDOW_MINUTES, now),
    secondary: newWindow(init.secondary ?? 0, SECONDARY_WINDOW_MINUTES, now),
  };
}

/** A window whose reset time has passed starts over empty (PROTOCOL.md §8). */
export function rollWindow(w: UsageWindowState, now: number): void {
  if (now >= w.resetAt) {
    w.usedPercent = 0;
    w.resetAt = now + w.windowMinutes * 60;
  }
}

export function rollFamily(f: FamilyState, now: number): void {
  rollWindow(f.primary, now);
  rollWindow(f.secondary, now);
}

/** When some window of the family is full: the time the family becomes usable again; else null. */
export function blockedUntil(f: FamilyState, now: number): number | null {
  rollFamily(f, now);
  let until: number | null = null;
  for (const w of [f.primary, f.secondary]) {
    if (w.usedPercent >= 100) until = Math.max(until ?? 0, w.resetAt);
  }
  return until;
}

/** `x-codex-…` for the standard family, `x-codex-other-…` for `codex_other` (PROTOCOL.md §8). */
export function headerPrefix(familyId: string): string {
  return familyId === STANDARD_FAMILY ? 'x-codex' : `x-${familyId.replace(/_/g, '-')}`;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** The §8 rate-limit headers for every family of the account, plus credits. */
export function rateLimitHeaders(
  families: Iterable<FamilyState>,
  credits: Credits,
  now: number,
): Record<string, string> {
  const h: Record<string, string> = {};
  for (const f of families) {
    rollFamily(f, now);
    const p = headerPrefix(f.id);
    for (const [slot, w] of [
      ['primary', f.primary],
      ['secondary', f.secondary],
    ] as const) {
      h[`${p}-${slot}-used-percent`] = String(round(w.usedPercent));
      h[`${p}-${slot}-window-minutes`] = String(w.windowMinutes);
      h[`${p}-${slot}-reset-at`] = String(w.resetAt);
    }
    if (f.id !== STANDARD_FAMILY) h[`${p}-limit-name`] = f.limitName;
  }
  h['x-codex-credits-has-credits'] = String(credits.hasCredits);
  h['x-codex-credits-unlimited'] = String(credits.unlimited);
  h['x-codex-credits-balance'] = credits.balance;
  return h;
}

function windowBody(w: UsageWindowState, now: number): Record<string, number> {
  return {
    used_percent: round(w.usedPercent),
    limit_window_seconds: w.windowMinutes * 60,
    reset_after_seconds: Math.max(0, w.resetAt - now),
    reset_at: w.resetAt,
  };
}

function rateLimitBody(f: FamilyState, now: number): Record<string, unknown> {
  const reached = blockedUntil(f, now) !== null;
  return {
    allowed: !reached,
    limit_reached: reached,
    primary_window: windowBody(f.primary, now),
    secondary_window: windowBody(f.secondary, now),
  };
}

/** `GET /wham/usage` body (PROTOCOL.md §9). */
export function usageBody(
  account: {
    planType: string;
    chatgptAccountId: string;
    email: string;
    credits: Credits;
    resetCredits: number;
  },
  families: ReadonlyMap<string, FamilyState>,
  now: number,
): Record<string, unknown> {
  const standard = families.get(STANDARD_FAMILY);
  const additional = [...families.values()].filter((f) => f.id !== STANDARD_FAMILY);
  return {
    plan_type: account.planType,
    workspace_id: account.chatgptAccountId,
    workspace_label: `${account.email}'s workspace`,
    seat_type: account.planType === 'team' ? 'standard' : null,
    rate_limit: standard ? rateLimitBody(standard, now) : null,
    credits: {
      has_credits: account.credits.hasCredits,
      unlimited: account.credits.unlimited,
      balance: account.credits.balance,
    },
    rate_limit_reached_type:
      standard && blockedUntil(standard, now) !== null ? { kind: 'rate_limit_reached' } : null,
    rate_limit_reset_credits: { available_count: account.resetCredits },
    additional_rate_limits: additional.map((f) => ({
      limit_name: f.id,
      display_label: f.limitName,
      metered_feature: f.meteredFeature,
      rate_limit: rateLimitBody(f, now),
    })),
  };
}

/** The `codex.rate_limits` SSE event (PROTOCOL.md §6) for one family. */
export function rateLimitsEvent(f: FamilyState, planType: string, credits: Credits): Record<string, unknown> {
  const w = (x: UsageWindowState) => ({
    used_percent: round(x.usedPercent),
    window_minutes: x.windowMinutes,
    reset_at: x.resetAt,
  });
  return {
    type: 'codex.rate_limits',
    plan_type: planType,
    rate_limits: { primary: w(f.primary), secondary: w(f.secondary) },
    credits: { has_credits: credits.hasCredits, unlimited: credits.unlimited, balance: credits.balance },
    ...(f.id === STANDARD_FAMILY ? {} : { limit_name: f.id }),
  };
}
