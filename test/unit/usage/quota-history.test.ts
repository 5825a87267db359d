import { describe, expect, it } from 'vitest';
import type { QuotaHistoryPoint } from '../../../shared/api';
import type { UsageSample } from '../../../shared/domain';
import {
  downsampleMax,
  familyDisplayLabel,
  poolQuotaSeries,
  samplePoint,
  windowAsOf,
  type PoolHistoryAccount,
} from '../../../main/core/usage/quota-history';
import { buildPooledUsage } from '../../../main/core/usage/pooled-usage';

const T = 1_800_000_000;
const H = 3600;

const sample = (
  at: number,
  p: number | null,
  s: number | null,
  resets: { p?: number | null; s?: number | null } = {},
): UsageSample => ({
  family: 'codex',
  primary: p === null ? null : { usedPercent: p, windowMinutes: 300, resetAt: resets.p ?? at + 5 * H },
  secondary:
    s === null ? null : { usedPercent: s, windowMinutes: 10080, resetAt: resets.s ?? at + 7 * 24 * H },
  recordedAt: at,
});
const point = (t: number, primary: number | null, secondary: number | null = null): QuotaHistoryPoint => ({
  t,
  primary,
  secondary,
});
const acct = (planType: string, samples: UsageSample[], status: PoolHistoryAccount['status'] = 'active') => ({
  status,
  planType,
  samples,
});

describe('samplePoint', () => {
  it('takes the used % at the time the sample was recorded', () => {
    expect(samplePoint(sample(T, 42, 17))).toEqual(point(T, 42, 17));
  });

  it('counts a window whose reset had already passed as 0, and a missing window as null', () => {
    expect(samplePoint(sample(T, 80, null, { p: T - 1 }))).toEqual(point(T, 0, null));
    expect(samplePoint(sample(T, 80, 30, { p: T }))).toEqual(point(T, 0, 30));
  });
});

describe('downsampleMax', () => {
  const range = { since: T, until: T + 1000 };

  it('returns a series that already fits unchanged', () => {
    const series = [point(T, 1), point(T + 10, 2), point(T + 20, 3)];
    expect(downsampleMax(series, range, 3)).toEqual(series);
  });

  it('never returns more than maxPoints, and keeps the last point as recorded', () => {
    const series = Array.from({ length: 1001 }, (_, i) => point(T + i, i % 100, 50));
    const out = downsampleMax(series, range, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out[out.length - 1]).toEqual(point(T + 1000, 0, 50)); // not the bucket max of 99
    expect(out.map((p) => p.t)).toEqual([...out.map((p) => p.t)].sort((a, b) => a - b));
  });

  it('keeps a one-sample spike that averaging would hide', () => {
    const series = Array.from({ length: 1000 }, (_, i) =>
      point(T + i, i === 437 ? 100 : 10, i === 612 ? 90 : 5),
    );
    series.push(point(T + 1000, 12, 6));
    const out = downsampleMax(series, range, 50);
    expect(Math.max(...out.map((p) => p.primary ?? 0))).toBe(100);
    expect(Math.max(...out.map((p) => p.secondary ?? 0))).toBe(90);
    const spike = out.find((p) => p.primary === 100)!;
    // The spike stays inside its own bucket (width 1000 / 49 ≈ 20.4 s).
    expect(spike.t).toBeGreaterThanOrEqual(437);
    expect(spike.t - T).toBeLessThan(437 + 21);
  });

  it('cuts the range into maxPoints − 1 buckets: [since + i·w, since + (i+1)·w), the last one closed', () => {
    // 4 buckets of 250 s: 0–249, 250–499, 500–749, 750–1000.
    const series = [
      point(T, 1),
      point(T + 249, 2),
      point(T + 250, 3),
      point(T + 499, 4),
      point(T + 500, 5),
      point(T + 1000, 6),
      point(T + 1000, 7),
    ];
    expect(downsampleMax(series, range, 5)).toEqual([
      point(T + 249, 2),
      point(T + 499, 4),
      point(T + 500, 5),
      point(T + 1000, 6),
      point(T + 1000, 7),
    ]);
  });

  it('takes the max of each window separately and ignores unknown values', () => {
    const series = [point(T, null, 30), point(T + 1, 20, null), point(T + 2, 10, 40), point(T + 900, 1, 1)];
    expect(downsampleMax(series, range, 2)).toEqual([point(T + 2, 20, 40), point(T + 900, 1, 1)]);
  });
});

describe('poolQuotaSeries', () => {
  const range = { since: T, until: T + 10 * H };

  it('matches the pooled usage view at a single instant (capacity-weighted, floored)', () => {
    const accounts = [
      acct('pro', [sample(T + H, 10, 40)]),
      acct('plus', [sample(T + H, 90, 80)]),
      acct('free', [sample(T + H, null, 25)]),
      acct('plus', [sample(T + H, 100, 100)], 'paused'),
    ];
    const now = T + 2 * H; // before any reset
    const pooled = buildPooledUsage(
      accounts.map((a) => ({ status: a.status, planType: a.planType, usage: { codex: a.samples[0]! } })),
      [],
      now,
    ).headers;
    const series = poolQuotaSeries(accounts, { since: T, until: now }, 300);
    const last = series.points[series.points.length - 1]!;
    expect(last.t).toBe(now);
    expect(last.primary).toBe(pooled.primary!.usedPercent);
    expect(last.secondary).toBe(pooled.secondary!.usedPercent);
    // pro 1500 × 10 + plus 225 × 90 over 1725 = 20.4 → 20 (free has no 5 h capacity, the paused one is out).
    expect(last.primary).toBe(20);
    expect(series.accounts).toBe(3);
  });

  it('carries each account’s sample forward until its next one', () => {
    const series = poolQuotaSeries(
      [
        acct('plus', [sample(T + 1 * H, 10, 10), sample(T + 3 * H, 50, 20)]),
        acct('plus', [sample(T + 2 * H, 30, 30)]),
      ],
      range,
      300,
    );
    expect(series.points).toEqual([
      point(T + 1 * H, 10, 10), // only the first account has reported
      point(T + 2 * H, 20, 20), // (10 + 30) / 2: its 10 % still holds
      point(T + 3 * H, 40, 25), // (50 + 30) / 2, (20 + 30) / 2; at +6 h the superseded sample's reset changes nothing
      point(T + 7 * H, 25, 25), // the second account's 5 h window resets
      point(T + 8 * H, 0, 25), // and the first's
      point(T + 10 * H, 0, 25), // now
    ]);
    expect(series.firstSampleAt).toBe(T + H);
    expect(series.lastSampleAt).toBe(T + 3 * H);
  });

  it('counts a window whose reset has passed as 0 from the reset on', () => {
    const series = poolQuotaSeries(
      [acct('plus', [sample(T + H, 60, 20, { p: T + 4 * H })]), acct('plus', [sample(T + H, 20, 40)])],
      range,
      300,
    );
    expect(series.points).toEqual([
      point(T + H, 40, 30),
      point(T + 4 * H, 10, 30), // the first account's 5 h window resets: (0 + 20) / 2
      point(T + 6 * H, 0, 30), // the second's (recorded at +1 h, resets 5 h later)
      point(T + 10 * H, 0, 30),
    ]);
  });

  it('starts at the range with the newest sample from before it', () => {
    const series = poolQuotaSeries(
      [acct('plus', [sample(T - 2 * H, 70, 35), sample(T + H, 75, 36)])],
      range,
      300,
    );
    expect(series.points[0]).toEqual(point(T, 70, 35));
    expect(series.points[1]).toEqual(point(T + H, 75, 36));
    expect(series.firstSampleAt).toBe(T - 2 * H);
  });

  it('is empty without samples, and ignores samples after the range', () => {
    expect(poolQuotaSeries([acct('plus', [])], range, 300)).toEqual({
      points: [],
      accounts: 0,
      firstSampleAt: null,
      lastSampleAt: null,
    });
    const later = poolQuotaSeries([acct('plus', [sample(T + 11 * H, 50, 50)])], range, 300);
    expect(later.points).toEqual([]);
  });

  it('downsamples a long series, keeping the current value last', () => {
    const samples = Array.from({ length: 2000 }, (_, i) => sample(T + i * 18, i === 1000 ? 99 : 5, 5));
    const series = poolQuotaSeries([acct('pro', samples)], range, 300);
    expect(series.points.length).toBeLessThanOrEqual(300);
    expect(Math.max(...series.points.map((p) => p.primary ?? 0))).toBe(99);
    expect(series.points[series.points.length - 1]).toEqual(point(range.until, 5, 5));
  });
});

describe('windowAsOf and familyDisplayLabel', () => {
  it('hides a reset that has passed', () => {
    expect(windowAsOf({ usedPercent: 5, windowMinutes: 300, resetAt: T + 1 }, T)).toEqual({
      windowMinutes: 300,
      resetAt: T + 1,
    });
    expect(windowAsOf({ usedPercent: 5, windowMinutes: 300, resetAt: T }, T)?.resetAt).toBeNull();
    expect(windowAsOf(null, T)).toBeNull();
  });

  it('names the standard family Codex, others by registry label, then upstream name, then key', () => {
    const registry = [
      {
        quotaKey: 'codex_spark',
        label: 'Spark',
        modelIds: [],
        limitNames: [],
        meteredFeatures: [],
        appliesToPlans: [],
        routingPolicy: 'inherit' as const,
      },
    ];
    expect(familyDisplayLabel('codex', 'anything', registry)).toBe('Codex');
    expect(familyDisplayLabel('codex_spark', 'GPT-5.3-Codex-Spark', registry)).toBe('Spark');
    expect(familyDisplayLabel('codex_spark', 'GPT-5.3-Codex-Spark', [])).toBe('GPT-5.3-Codex-Spark');
    expect(familyDisplayLabel('codex_x', null, [])).toBe('codex_x');
  });
});
