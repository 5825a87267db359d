import { describe, expect, it } from 'vitest';
import { costUsd, priceFor } from '../../../main/core/insight/cost';
import { histogramPercentile } from '../../../main/core/insight/percentile';

const gpt5 = { model: 'gpt-5', input: 1.25, cachedInput: 0.125, output: 10 };

describe('costUsd', () => {
  it.each([
    // input, cached, output → USD (per million: 1.25 in, 0.125 cached, 10 out)
    [1_000_000, 0, 0, 1.25],
    [1_000_000, 1_000_000, 0, 0.125],
    [1_000_000, 800_000, 0, 0.2 * 1.25 + 0.8 * 0.125],
    [0, 0, 1_000_000, 10],
    [2000, 1500, 300, (500 * 1.25 + 1500 * 0.125 + 300 * 10) / 1e6],
    [0, 0, 0, 0],
  ])('input %i, cached %i, output %i costs %f', (input, cached, output, usd) => {
    expect(costUsd({ input, cached, output }, gpt5)).toBeCloseTo(usd, 12);
  });

  it('never prices cached tokens beyond the input, nor negative counts', () => {
    expect(costUsd({ input: 100, cached: 500, output: 0 }, gpt5)).toBeCloseTo((100 * 0.125) / 1e6, 15);
    expect(costUsd({ input: -5, cached: -5, output: -5 }, gpt5)).toBe(0);
  });
});

describe('priceFor', () => {
  const table = [gpt5, { model: 'GPT-5-mini', input: 0.25, cachedInput: 0.025, output: 2 }];
  it('matches exactly, case-insensitively, and dated snapshots of a priced model', () => {
    expect(priceFor('gpt-5', table)).toBe(gpt5);
    expect(priceFor('gpt-5-mini', table)?.model).toBe('GPT-5-mini');
    expect(priceFor('gpt-5-2025-08-07', table)).toBe(gpt5);
  });
  it('gives no price — not zero — for an unknown model', () => {
    expect(priceFor('gpt-5.5', table)).toBeNull();
    expect(priceFor('', table)).toBeNull();
  });
});

describe('histogramPercentile', () => {
  it('is null for an empty histogram and the bin middle otherwise', () => {
    expect(histogramPercentile([], 0.5)).toBeNull();
    expect(histogramPercentile([{ bucket: 80, n: 3 }], 0.95)).toBe(Math.round(2 ** (80.5 / 8)));
    const bins = [
      { bucket: 90, n: 1 },
      { bucket: 40, n: 9 },
    ];
    expect(histogramPercentile(bins, 0.5)).toBe(Math.round(2 ** (40.5 / 8)));
    expect(histogramPercentile(bins, 0.95)).toBe(Math.round(2 ** (90.5 / 8)));
  });
});
