import type { AccountInit } from './types';

/** Mixed plans, one account with the Spark family, varied starting usage. */
export function sampleAccounts(n: number): AccountInit[] {
  const plans = ['plus', 'pro', 'team', 'free', 'plus', 'pro'];
  return Array.from({ length: n }, (_, i) => {
    const planType = plans[i % plans.length] ?? 'plus';
    return {
      email: `demo${i + 1}@example.com`,
      planType,
      usage: { primary: (i * 17) % 60, secondary: (i * 11) % 40 },
      ...(planType === 'pro' && i < plans.length
        ? { families: { codex_other: { primary: 10, secondary: 5 } } }
        : {}),
    };
  });
}
