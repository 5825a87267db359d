import { describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../shared/domain';
import { createPooledUsageCache } from '../../../main/core/usage/pooled-usage-cache';
import type { PoolAccountUsage } from '../../../main/core/usage/pooled-usage';

const T = 1_767_225_600;

function account(primary: number, resetAt: number): PoolAccountUsage {
  const sample: UsageSample = {
    family: 'codex',
    primary: { usedPercent: primary, windowMinutes: 300, resetAt },
    secondary: null,
    recordedAt: T,
  };
  return { status: 'active', planType: 'plus', usage: { codex: sample } };
}

function harness(initial: PoolAccountUsage[]) {
  const state = { version: 1, now: T, accounts: initial, builds: 0 };
  const registry: never[] = [];
  const cache = createPooledUsageCache({
    version: () => state.version,
    accounts: () => {
      state.builds++;
      return state.accounts;
    },
    registry: () => registry,
    now: () => state.now,
  });
  return { state, cache };
}

describe('pooled usage cache', () => {
  it('computes the headers once while nothing changes', () => {
    const { state, cache } = harness([account(40, T + 3600)]);
    const first = cache.headers();
    for (let i = 0; i < 100; i++) expect(cache.headers()).toBe(first);
    expect(state.builds).toBe(1);
    expect(first['x-codex-primary-used-percent']).toBe('40.0');
  });

  it('shows a quota change in the very next call once the pool version moves', () => {
    const { state, cache } = harness([account(40, T + 3600)]);
    expect(cache.headers()['x-codex-primary-used-percent']).toBe('40.0');
    state.accounts = [account(75, T + 3600)];
    expect(cache.headers()['x-codex-primary-used-percent']).toBe('40.0'); // same version: nothing changed yet
    state.version++;
    expect(cache.headers()['x-codex-primary-used-percent']).toBe('75.0');
  });

  it('counts a window as empty once its reset passes, without any change to the pool', () => {
    const { state, cache } = harness([account(90, T + 60)]);
    expect(cache.headers()['x-codex-primary-used-percent']).toBe('90.0');
    state.now = T + 59;
    expect(cache.headers()['x-codex-primary-used-percent']).toBe('90.0');
    state.now = T + 60;
    expect(cache.headers()['x-codex-primary-used-percent']).toBe('0.0');
  });

  it('keeps the usage body’s "resets in" current to the second', () => {
    const { state, cache } = harness([account(20, T + 600)]);
    const window = () =>
      (cache.body() as { rate_limit: { primary_window: { reset_after_seconds: number } } }).rate_limit
        .primary_window.reset_after_seconds;
    expect(window()).toBe(600);
    expect(cache.body()).toBe(cache.body());
    state.now = T + 1;
    expect(window()).toBe(599);
  });
});
