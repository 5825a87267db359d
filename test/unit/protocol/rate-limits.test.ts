import { describe, expect, it } from 'vitest';
import {
  formatPooledRateLimitHeaders,
  isAccountQuotaHeader,
  parseCodexRateLimitsEvent,
  parseRateLimitHeaders,
  parseUsagePayload,
} from '../../../main/core/protocol';
import { USAGE_JSON } from './fixtures';

const NOW = 1_741_490_000;

describe('parseRateLimitHeaders (§8)', () => {
  it('reads the standard family, credits, an additional family with its limit name, and the active limit', () => {
    const info = parseRateLimitHeaders(
      {
        'X-Codex-Primary-Used-Percent': '45.5',
        'x-codex-primary-window-minutes': '300',
        'x-codex-primary-reset-at': '1741500000',
        'x-codex-secondary-used-percent': '12',
        'x-codex-secondary-window-minutes': '10080',
        'x-codex-secondary-reset-at': '1741900000',
        'x-codex-credits-has-credits': '1',
        'x-codex-credits-unlimited': 'false',
        'x-codex-credits-balance': '9.99',
        'x-codex-other-primary-used-percent': '20',
        'x-codex-other-primary-window-minutes': '300',
        'x-codex-other-primary-reset-at': '1741497300',
        'x-codex-other-limit-name': 'gpt-5.2-codex-sonic',
        'x-codex-bengalfox-primary-used-percent': '3',
        'x-codex-active-limit': 'codex_other',
        'x-codex-turn-state': 'abc',
      },
      NOW,
    );
    const credits = { hasCredits: true, unlimited: false, balance: '9.99' };
    expect(info.activeLimit).toBe('codex_other');
    expect(info.credits).toEqual(credits);
    expect(info.samples).toEqual([
      {
        family: 'codex',
        primary: { usedPercent: 45.5, windowMinutes: 300, resetAt: 1741500000 },
        secondary: { usedPercent: 12, windowMinutes: 10080, resetAt: 1741900000 },
        credits,
        recordedAt: NOW,
      },
      {
        family: 'codex_bengalfox',
        primary: { usedPercent: 3, windowMinutes: 300, resetAt: null },
        secondary: null,
        recordedAt: NOW,
      },
      {
        family: 'codex_other',
        primary: { usedPercent: 20, windowMinutes: 300, resetAt: 1741497300 },
        secondary: null,
        limitName: 'gpt-5.2-codex-sonic',
        recordedAt: NOW,
      },
    ]);
  });

  it('applies default window minutes and reset-after-seconds when reset-at is missing', () => {
    const [s] = parseRateLimitHeaders(
      {
        'x-codex-primary-used-percent': '1',
        'x-codex-primary-reset-after-seconds': '60',
        'x-codex-secondary-used-percent': '2',
      },
      NOW,
    ).samples;
    expect(s?.primary).toEqual({ usedPercent: 1, windowMinutes: 300, resetAt: NOW + 60 });
    expect(s?.secondary).toEqual({ usedPercent: 2, windowMinutes: 10080, resetAt: null });
  });

  it.each([
    ['monthly lone primary', '43200'],
    ['weekly-only (free) primary', '10080'],
  ])('moves a %s to the secondary slot', (_label, minutes) => {
    const [s] = parseRateLimitHeaders(
      { 'x-codex-primary-used-percent': '50', 'x-codex-primary-window-minutes': minutes },
      NOW,
    ).samples;
    expect(s?.primary).toBeNull();
    expect(s?.secondary).toEqual({ usedPercent: 50, windowMinutes: Number(minutes), resetAt: null });
  });

  it('returns no samples without rate-limit headers, and takes the first value of repeated headers', () => {
    expect(parseRateLimitHeaders({ 'content-type': 'text/event-stream' }, NOW)).toEqual({ samples: [] });
    const [s] = parseRateLimitHeaders({ 'x-codex-primary-used-percent': ['7', '8'] }, NOW).samples;
    expect(s?.primary?.usedPercent).toBe(7);
  });
});

describe('formatPooledRateLimitHeaders (§12)', () => {
  it('formats windows as float strings and credits', () => {
    expect(
      formatPooledRateLimitHeaders({
        primary: { usedPercent: 45, windowMinutes: 300, resetAt: 1741500000 },
        secondary: { usedPercent: 12.25, windowMinutes: 10080, resetAt: null },
        monthly: null,
        credits: { hasCredits: true, unlimited: false, balance: '19.98' },
      }),
    ).toEqual({
      'x-codex-primary-used-percent': '45.0',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-at': '1741500000',
      'x-codex-secondary-used-percent': '12.25',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-credits-has-credits': 'true',
      'x-codex-credits-unlimited': 'false',
      'x-codex-credits-balance': '19.98',
    });
  });

  it('round-trips through parseRateLimitHeaders', () => {
    const headers = formatPooledRateLimitHeaders({
      primary: { usedPercent: 10, windowMinutes: 300, resetAt: NOW + 5 },
      secondary: { usedPercent: 20, windowMinutes: 10080, resetAt: NOW + 50 },
    });
    const [s] = parseRateLimitHeaders(headers, NOW).samples;
    expect(s?.primary).toEqual({ usedPercent: 10, windowMinutes: 300, resetAt: NOW + 5 });
    expect(s?.secondary).toEqual({ usedPercent: 20, windowMinutes: 10080, resetAt: NOW + 50 });
  });

  it.each([
    ['x-codex-primary-used-percent', true],
    ['x-codex-credits-balance', true],
    ['x-codex-other-limit-name', true],
    ['x-sonic-secondary-reset-at', true],
    ['x-codex-turn-state', false],
    ['x-request-id', false],
  ])('isAccountQuotaHeader(%s) = %s', (name, expected) => {
    expect(isAccountQuotaHeader(name)).toBe(expected);
  });
});

describe('parseUsagePayload (§9)', () => {
  it.each([
    [{ available_count: 2 }, 2],
    [{ available_count: '1' }, 1],
    [{ available_count: -1 }, null],
    [{ available_count: 1.5 }, null],
    [{}, null],
    [null, null],
    [undefined, null],
  ])('rate_limit_reset_credits %j → %s reset credits on the standard sample', (field, count) => {
    const r = parseUsagePayload({ ...USAGE_JSON, rate_limit_reset_credits: field }, NOW);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.resetCredits).toBe(count);
    expect(r.value.samples[0]!.resetCredits).toBe(count ?? undefined);
  });

  it('parses the §9 example', () => {
    const r = parseUsagePayload(USAGE_JSON, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const credits = { hasCredits: true, unlimited: false, balance: '9.99' };
    expect(r.value).toMatchObject({
      planType: 'pro',
      allowed: true,
      limitReached: false,
      credits,
      workspace: { id: 'ws_1', label: 'Personal', seatType: 'default' },
      rateLimitReachedKind: 'rate_limit_reached',
      resetCredits: 0,
    });
    expect(r.value.samples).toEqual([
      {
        family: 'codex',
        primary: { usedPercent: 45, windowMinutes: 300, resetAt: 1741500000 },
        secondary: { usedPercent: 12, windowMinutes: 10080, resetAt: 1741900000 },
        credits,
        resetCredits: 0,
        recordedAt: NOW,
      },
      {
        family: 'codex_other',
        primary: { usedPercent: 20, windowMinutes: 300, resetAt: 1741497300 },
        secondary: null,
        limitName: 'codex_other',
        recordedAt: NOW,
      },
    ]);
    expect(r.value.additional).toEqual([
      {
        limitName: 'codex_other',
        meteredFeature: 'codex_bengalfox',
        allowed: true,
        limitReached: false,
        sample: r.value.samples[1],
      },
    ]);
  });

  it('uses now + reset_after_seconds without reset_at, ceils window minutes, accepts floats and null windows', () => {
    const r = parseUsagePayload(
      {
        plan_type: 'free',
        rate_limit: {
          primary_window: null,
          secondary_window: { used_percent: 33.3, limit_window_seconds: 604_790, reset_after_seconds: 100 },
        },
        credits: null,
        additional_rate_limits: [{ metered_feature: 'codex_bengalfox', rate_limit: null }],
      },
      NOW,
    );
    expect(r.ok && r.value.samples).toEqual([
      {
        family: 'codex',
        primary: null,
        secondary: { usedPercent: 33.3, windowMinutes: 10080, resetAt: NOW + 100 },
        recordedAt: NOW,
      },
      { family: 'codex_bengalfox', primary: null, secondary: null, recordedAt: NOW },
    ]);
  });

  it('moves a free plan weekly primary window to secondary', () => {
    const r = parseUsagePayload(
      {
        rate_limit: { primary_window: { used_percent: 5, limit_window_seconds: 604800, reset_at: NOW + 9 } },
      },
      NOW,
    );
    expect(r.ok && r.value.samples[0]).toMatchObject({
      primary: null,
      secondary: { usedPercent: 5, windowMinutes: 10080, resetAt: NOW + 9 },
    });
  });

  it.each([
    ['not an object', 'oops'],
    ['a window without used_percent', { rate_limit: { primary_window: { limit_window_seconds: 1 } } }],
    ['additional_rate_limits not an array', { additional_rate_limits: {} }],
    ['used_percent not a number', { rate_limit: { primary_window: { used_percent: 'lots' } } }],
  ])('returns a typed error for %s', (_label, json) => {
    const r = parseUsagePayload(json, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('invalid_usage_payload');
      expect(r.message).toMatch(/Malformed usage payload/);
    }
  });
});

describe('parseCodexRateLimitsEvent (§6)', () => {
  const base = {
    type: 'codex.rate_limits',
    plan_type: 'plus',
    rate_limits: {
      primary: { used_percent: 10, window_minutes: 300, reset_at: NOW + 100 },
      secondary: { used_percent: 20, window_minutes: 10080, resets_at: NOW + 1000 },
    },
  };

  it('reads windows (resets_at accepted), standard family when no limit name, top-level credits', () => {
    expect(
      parseCodexRateLimitsEvent(
        { ...base, credits: { has_credits: false, unlimited: true, balance: null } },
        NOW,
      ),
    ).toEqual({
      family: 'codex',
      primary: { usedPercent: 10, windowMinutes: 300, resetAt: NOW + 100 },
      secondary: { usedPercent: 20, windowMinutes: 10080, resetAt: NOW + 1000 },
      credits: { hasCredits: false, unlimited: true, balance: null },
      recordedAt: NOW,
    });
  });

  it('names an additional family and reads credits nested in rate_limits', () => {
    const s = parseCodexRateLimitsEvent(
      {
        ...base,
        metered_limit_name: 'codex_other',
        rate_limits: {
          ...base.rate_limits,
          credits: { has_credits: true, unlimited: false, balance: '1.50' },
        },
      },
      NOW,
    );
    expect(s).toMatchObject({
      family: 'codex_other',
      limitName: 'codex_other',
      credits: { hasCredits: true, unlimited: false, balance: '1.50' },
    });
    expect(parseCodexRateLimitsEvent({ ...base, limit_name: 'codex' }, NOW)?.family).toBe('codex');
  });

  it('returns null for other events or events without windows', () => {
    expect(parseCodexRateLimitsEvent({ type: 'response.created' }, NOW)).toBeNull();
    expect(parseCodexRateLimitsEvent({ type: 'codex.rate_limits', rate_limits: {} }, NOW)).toBeNull();
    expect(parseCodexRateLimitsEvent(null, NOW)).toBeNull();
  });
});
