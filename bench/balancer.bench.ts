/**
 * Balancer selection benchmark: µs per selection for 10, 100, 1,000 and 10,000 accounts in realistic mixed states
 * (capacity_weighted and fill_first), and the per-account cost relative to the 10-account case. Target: ≤ 20 µs at
 * 1,000 accounts, growing linearly. Steady state like the proxy: every selection's changes are applied, requests
 * end (in-flight released) a few selections later, and the clock advances between selections. The timed loop
 * includes that bookkeeping (a few map lookups per selection).
 *
 * Run: `node --import tsx bench/balancer.bench.ts`, or import {@link runBalancerBench} from a bench runner.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { seededRandom as mulberry32 } from '../test/helpers/random';
import type { AccountStatus, RoutingPolicy, RoutingStrategy } from '../shared/domain';
import type { AccountState } from '../main/core/balancer';
import { SEED_REGISTRY, createAccountState, releaseInFlight, selectAccount } from '../main/core/balancer';

const T = 1_700_000_000;
const SIZES = [10, 100, 1_000, 10_000] as const;
const STRATEGIES: readonly RoutingStrategy[] = ['capacity_weighted', 'fill_first'];

/** One measured row. */
export interface BalancerBenchRow {
  readonly strategy: RoutingStrategy;
  readonly accounts: number;
  readonly iterations: number;
  /** Mean µs per selection. */
  readonly microsPerSelection: number;
  /** (µs / account) divided by the same at 10 accounts; 1.0 = perfectly linear. */
  readonly perAccountRatio: number;
}

const PLANS = ['plus', 'plus', 'pro', 'team', 'prolite', 'free'] as const;

/** A pool shaped like a busy installation: mostly active, some limited, cooling, backing off, paused. */
export function mixedPool(n: number, seed = 42): AccountState[] {
  const rnd = mulberry32(seed);
  const pickOf = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)] as X;
  return Array.from({ length: n }, (_, i) => {
    const id = `acct-${String(i).padStart(5, '0')}`;
    const roll = rnd();
    const status: AccountStatus =
      roll < 0.75
        ? 'active'
        : roll < 0.85
          ? 'rate_limited'
          : roll < 0.9
            ? 'quota_exceeded'
            : roll < 0.95
              ? 'active'
              : 'paused';
    const policy: RoutingPolicy = rnd() < 0.1 ? 'burn_first' : rnd() < 0.1 ? 'preserve' : 'normal';
    const P = Math.round(rnd() * 100);
    const S = Math.round(rnd() * 100);
    return createAccountState({
      id,
      idHash: createHash('sha256').update(id).digest('hex'),
      planType: pickOf(PLANS),
      status,
      rateLimitKind: status === 'rate_limited' ? 'usage_limit' : null,
      resetAt: status === 'rate_limited' || status === 'quota_exceeded' ? T + Math.round(rnd() * 7200) : null,
      blockedAt: status === 'rate_limited' || status === 'quota_exceeded' ? T - 60 : null,
      routingPolicy: policy,
      cooldownUntil: roll >= 0.9 && roll < 0.93 ? T + 30 : null,
      errorCount: roll >= 0.93 && roll < 0.95 ? 3 : 0,
      lastErrorAt: roll >= 0.93 && roll < 0.95 ? T - 5 : null,
      inFlight: rnd() < 0.2 ? 1 : 0,
      lastSelectedAt: rnd() < 0.5 ? T - Math.round(rnd() * 600) : 0,
      usage: {
        codex: {
          family: 'codex',
          primary: { usedPercent: P, windowMinutes: 300, resetAt: T + Math.round(rnd() * 18_000) },
          secondary: { usedPercent: S, windowMinutes: 10_080, resetAt: T + Math.round(rnd() * 604_800) },
          recordedAt: T - 120,
        },
      },
    });
  });
}

/** Selections between a request starting and ending: its in-flight mark is released this many selections later. */
const CONCURRENT_REQUESTS = 4;
/** Simulated time between selections (100 requests per second), so cached time-dependent facts must hold up. */
const SECONDS_PER_SELECTION = 0.01;

function timeSelections(
  accounts: readonly AccountState[],
  strategy: RoutingStrategy,
): { iterations: number; micros: number } {
  const settings = {
    routingStrategy: strategy,
    stickySessions: false,
    preferEarlierReset: true,
    pinnedAccountId: null,
  };
  const random = mulberry32(7);
  // The caller's in-memory states: each selection's changes replace states in place, as the proxy's pool does,
  // and a request's in-flight mark is released a few selections later, when it "ends".
  const states = [...accounts];
  const index = new Map(states.map((a, i) => [a.id, i]));
  const inFlight: string[] = [];
  let now = T;
  const selectOnce = (): void => {
    const r = selectAccount({
      accounts: states,
      settings,
      registry: SEED_REGISTRY,
      request: { model: 'gpt-5.3-codex' },
      now,
      random,
    });
    if (!r.ok) throw new Error(`bench pool unexpectedly empty: ${r.error.code}`);
    for (const c of r.changes) states[index.get(c.id) as number] = c.next;
    inFlight.push(r.accountId);
    if (inFlight.length > CONCURRENT_REQUESTS) {
      const i = index.get(inFlight.shift() as string) as number;
      states[i] = releaseInFlight(states[i] as AccountState);
    }
    now += SECONDS_PER_SELECTION;
  };
  // Aim for ~200 ms per row after a warm-up that also settles recoveries and tier moves.
  const iterations = Math.max(30, Math.floor(2_000_000 / (accounts.length * 10)));
  for (let i = 0; i < Math.min(iterations, 200); i++) selectOnce();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) selectOnce();
  return { iterations, micros: ((performance.now() - start) * 1000) / iterations };
}

/** Run the benchmark and return one row per (strategy, size). */
export function runBalancerBench(sizes: readonly number[] = SIZES): BalancerBenchRow[] {
  const rows: BalancerBenchRow[] = [];
  for (const strategy of STRATEGIES) {
    let basePerAccount: number | null = null;
    for (const n of sizes) {
      const { iterations, micros } = timeSelections(mixedPool(n), strategy);
      basePerAccount ??= micros / n;
      rows.push({
        strategy,
        accounts: n,
        iterations,
        microsPerSelection: micros,
        perAccountRatio: micros / n / basePerAccount,
      });
    }
  }
  return rows;
}

function main(): void {
  const rows = runBalancerBench();
  console.log('strategy            accounts   µs/selection   per-account ratio vs 10');
  for (const r of rows) {
    console.log(
      `${r.strategy.padEnd(20)}${String(r.accounts).padStart(8)}${r.microsPerSelection.toFixed(1).padStart(15)}${r.perAccountRatio.toFixed(2).padStart(20)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
