/**
 * Balancer selection benchmark: µs per selection for 10, 100, 1,000 and 10,000 accounts in realistic mixed states
 * (capacity_weighted and fill_first, and capacity_weighted with prompt-cache affinity, the proxy's usual request),
 * and the per-account cost relative to the 10-account case. Target: ≤ 20 µs at 1,000 accounts, growing linearly.
 * Steady state like the proxy: every selection's changes are applied, requests end (in-flight released) a few
 * selections later, sticky mappings follow each result's mapping action, and the clock advances between selections.
 * The timed loop includes that bookkeeping (a few map lookups per selection). Each row is the median of several
 * timed batches after a warm-up (the machine may be shared); the fastest batch is reported too.
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

/** One measured row. */
export interface BalancerBenchRow {
  readonly strategy: RoutingStrategy;
  readonly accounts: number;
  /** With a session key and stickySessions on. */
  readonly sticky: boolean;
  readonly iterations: number;
  /** µs per selection: the median of the timed batches' means. */
  readonly microsPerSelection: number;
  /** The fastest batch's mean, the least disturbed by other load. */
  readonly minMicrosPerSelection: number;
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
/** Distinct session keys of the sticky scenario (Codex sends one per conversation). */
const STICKY_SESSIONS = 200;

/** What is measured: a strategy, with or without prompt-cache affinity (the proxy's usual request carries a key). */
export interface BalancerScenario {
  readonly strategy: RoutingStrategy;
  readonly sticky: boolean;
}

const SCENARIOS: readonly BalancerScenario[] = [
  { strategy: 'capacity_weighted', sticky: false },
  { strategy: 'fill_first', sticky: false },
  { strategy: 'capacity_weighted', sticky: true },
];

/** Timed batches per row; the row reports their median (and minimum) mean. */
const BATCHES = 9;
/** Target length of one batch and of the warm-up. */
const BATCH_MS = 40;
const WARMUP_MS = 150;

function timeSelections(
  accounts: readonly AccountState[],
  scenario: BalancerScenario,
): { iterations: number; micros: number; minMicros: number } {
  const settings = {
    routingStrategy: scenario.strategy,
    stickySessions: scenario.sticky,
    preferEarlierReset: true,
    pinnedAccountId: null,
  };
  const random = mulberry32(7);
  const sessionRandom = mulberry32(11);
  // The caller's in-memory states: each selection's changes replace states in place, as the proxy's pool does,
  // and a request's in-flight mark is released a few selections later, when it "ends".
  const states = [...accounts];
  const index = new Map(states.map((a, i) => [a.id, i]));
  const inFlight: string[] = [];
  // Session key → mapped account, maintained like exchange.ts does from each result's mapping action.
  const mapping = new Map<number, string>();
  let now = T;
  const selectOnce = (): void => {
    const session = scenario.sticky ? Math.floor(sessionRandom() * STICKY_SESSIONS) : -1;
    const r = selectAccount({
      accounts: states,
      settings,
      registry: SEED_REGISTRY,
      request: {
        model: 'gpt-5.3-codex',
        excludedIds: [],
        ...(session >= 0 ? { sticky: { mappedAccountId: mapping.get(session) ?? null } } : {}),
      },
      now,
      random,
    });
    if (!r.ok) throw new Error(`bench pool unexpectedly empty: ${r.error.code}`);
    for (const c of r.changes) states[index.get(c.id) as number] = c.next;
    if (session >= 0 && r.mapping.action === 'set') mapping.set(session, r.accountId);
    inFlight.push(r.accountId);
    if (inFlight.length > CONCURRENT_REQUESTS) {
      const i = index.get(inFlight.shift() as string) as number;
      states[i] = releaseInFlight(states[i] as AccountState);
    }
    now += SECONDS_PER_SELECTION;
  };
  // Warm-up: lets the JIT settle and the first selections build their caches, recoveries and tier moves.
  const warmStart = performance.now();
  let warm = 0;
  while (warm < 50 || performance.now() - warmStart < WARMUP_MS) {
    selectOnce();
    warm += 1;
  }
  const perBatch = Math.max(20, Math.round((warm * BATCH_MS) / (performance.now() - warmStart)));
  const means: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = performance.now();
    for (let i = 0; i < perBatch; i++) selectOnce();
    means.push(((performance.now() - start) * 1000) / perBatch);
  }
  means.sort((x, y) => x - y);
  return {
    iterations: perBatch * BATCHES,
    micros: means[Math.floor(BATCHES / 2)] as number,
    minMicros: means[0] as number,
  };
}

/** Run the benchmark and return one row per (scenario, size). */
export function runBalancerBench(sizes: readonly number[] = SIZES): BalancerBenchRow[] {
  const rows: BalancerBenchRow[] = [];
  for (const scenario of SCENARIOS) {
    let basePerAccount: number | null = null;
    for (const n of sizes) {
      const { iterations, micros, minMicros } = timeSelections(mixedPool(n), scenario);
      basePerAccount ??= micros / n;
      rows.push({
        strategy: scenario.strategy,
        sticky: scenario.sticky,
        accounts: n,
        iterations,
        microsPerSelection: micros,
        minMicrosPerSelection: minMicros,
        perAccountRatio: micros / n / basePerAccount,
      });
    }
  }
  return rows;
}

function main(): void {
  const rows = runBalancerBench();
  console.log(
    'scenario                   accounts   µs/selection (median)      min   per-account ratio vs 10',
  );
  for (const r of rows) {
    const name = `${r.strategy}${r.sticky ? ' + sticky' : ''}`;
    console.log(
      `${name.padEnd(27)}${String(r.accounts).padStart(8)}${r.microsPerSelection.toFixed(1).padStart(24)}${r.minMicrosPerSelection.toFixed(1).padStart(9)}${r.perAccountRatio.toFixed(2).padStart(23)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
