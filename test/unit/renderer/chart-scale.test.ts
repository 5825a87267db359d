import { describe, expect, it } from 'vitest';
import { latestOf, stepPath, summarizeSeries, timeTicks } from '../../../renderer/src/components/chart-scale';

const T = 1_800_000_000;
const H = 3600;

describe('timeTicks', () => {
  it.each([
    [24, 8],
    [168, 8],
    [720, 5],
  ])('%i hours: at most %i+1 ticks, in the range, at round local times', (hours, maxTicks) => {
    const ticks = timeTicks(T - hours * H, T, maxTicks);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.length).toBeLessThanOrEqual(maxTicks + 1);
    for (const tick of ticks) {
      expect(tick.t).toBeGreaterThanOrEqual(T - hours * H);
      expect(tick.t).toBeLessThanOrEqual(T);
      const d = new Date(tick.t * 1000);
      expect([d.getMinutes(), d.getSeconds()]).toEqual([0, 0]);
      if (hours > 24) expect(d.getHours()).toBe(0);
      expect(tick.label).not.toBe('');
    }
    const gaps = ticks.slice(1).map((tick, i) => tick.t - ticks[i]!.t);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(H); // even spacing (DST moves an hour)
  });
});

describe('stepPath', () => {
  const x = (t: number) => t - T;
  const y = (v: number) => 100 - v;

  it('holds each value until the next point and breaks the line at unknown values', () => {
    const points = [
      { t: T, primary: 10, secondary: null },
      { t: T + 5, primary: 30, secondary: 1 },
      { t: T + 7, primary: null, secondary: 2 },
      { t: T + 9, primary: 50, secondary: 3 },
    ];
    expect(stepPath(points, 'primary', x, y)).toBe('M0.0 90.0 H5.0 V70.0 M9.0 50.0');
    expect(stepPath(points, 'secondary', x, y)).toBe('M5.0 99.0 H7.0 V98.0 H9.0 V97.0');
    expect(latestOf(points, 'primary')).toEqual({ t: T + 9, value: 50 });
  });

  it('summarises each series: latest, peak and first value', () => {
    const points = [
      { t: T, primary: 10, secondary: null },
      { t: T + 60, primary: 80, secondary: null },
      { t: T + 120, primary: 40, secondary: null },
    ];
    const text = summarizeSeries(
      points,
      [
        { key: 'primary', name: '5-hour' },
        { key: 'secondary', name: 'Weekly' },
      ],
      T + 120,
    );
    expect(text).toMatch(/^5-hour: 40% at .+, peak 80%, from 10%\. Weekly: no data\.$/);
  });
});
