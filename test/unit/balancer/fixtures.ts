/**
 * Shared fixtures for the balancer tests: T of BALANCER.md §9, compact account builders (plan plus, active,
 * S = 10 unless stated, like the worked examples), settings with the outcome-changing options always explicit,
 * and random sources (a throwing one proves determinism; mulberry32 gives seeded draws).
 */
import { createHash } from 'node:crypto';
import type { UsageSample } from '../../../shared/domain';
import type {
  AccountState,
  BalancerSettings,
  SelectionInput,
  SelectionRequest,
  SelectionResult,
  SelectionSuccess,
  SelectionFailure,
} from '../../../main/core/balancer';
import { SEED_REGISTRY, createAccountState, selectAccount } from '../../../main/core/balancer';

export const T = 1_700_000_000;
export const SPARK = 'gpt-5.3-codex-spark';
export const STD_MODEL = 'gpt-5.3-codex';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Window spec: a percentage, or [percentage, resetAt]; null = no such window. */
export type Win = number | [number, number | null] | null;

export interface SampleSpec {
  P?: Win;
  S?: Win;
  at?: number;
  monthly?: boolean;
  credits?: UsageSample['credits'];
}

export function sample(family: string, spec: SampleSpec): UsageSample {
  const win = (w: Win | undefined, minutes: number) => {
    if (w === null || w === undefined) return null;
    const [usedPercent, resetAt] = typeof w === 'number' ? [w, null] : w;
    return { usedPercent, windowMinutes: minutes, resetAt };
  };
  return {
    family,
    primary: win(spec.P, 300),
    secondary: win(spec.S, spec.monthly === true ? 43_200 : 10_080),
    credits: spec.credits ?? null,
    recordedAt: spec.at ?? T - 5,
  };
}

export interface AcctSpec extends Partial<Omit<AccountState, 'id' | 'idHash' | 'usage'>> {
  plan?: string;
  /** Standard short window; default 0. null = missing. */
  P?: Win;
  /** Standard long window; default 10. null = missing. */
  S?: Win;
  sampleAt?: number;
  /** No standard sample at all. */
  noUsage?: boolean;
  /** Extra family samples. */
  families?: Record<string, SampleSpec>;
}

export function acct(id: string, spec: AcctSpec = {}): AccountState {
  const { plan, P, S, sampleAt, noUsage, families, ...rest } = spec;
  const usage: Record<string, UsageSample> = {};
  if (noUsage !== true) {
    usage.codex = sample('codex', {
      P: P === undefined ? 0 : P,
      S: S === undefined ? 10 : S,
      at: sampleAt ?? T - 5,
    });
  }
  for (const [family, s] of Object.entries(families ?? {})) usage[family] = sample(family, s);
  return createAccountState({ id, idHash: sha256(id), planType: plan ?? 'plus', usage, ...rest });
}

/** Settings with the outcome-changing options spelled out at every call site. */
export function cfg(
  routingStrategy: string,
  preferEarlierReset: boolean,
  extra: Partial<BalancerSettings> = {},
): BalancerSettings {
  return { routingStrategy, preferEarlierReset, stickySessions: false, pinnedAccountId: null, ...extra };
}

/** A random source that must not be called: proves a path is deterministic. */
export const noRandom = (): number => {
  throw new Error('random source called on a deterministic path');
};

/** mulberry32: tiny seeded PRNG for share tests. */
export { seededRandom as mulberry32 } from '../../helpers/random';

export interface RunOpts {
  settings: BalancerSettings;
  request?: Partial<SelectionRequest>;
  now?: number;
  random?: () => number;
  registry?: SelectionInput['registry'];
}

export function select(accounts: readonly AccountState[], o: RunOpts): SelectionResult {
  return selectAccount({
    accounts,
    settings: o.settings,
    registry: o.registry ?? SEED_REGISTRY,
    request: { model: STD_MODEL, ...o.request },
    now: o.now ?? T,
    random: o.random ?? noRandom,
  });
}

export function pick(accounts: readonly AccountState[], o: RunOpts): SelectionSuccess {
  const r = select(accounts, o);
  if (!r.ok) throw new Error(`expected a pick, got ${r.error.code}: ${r.error.message} (${r.summary})`);
  return r;
}

export function failure(accounts: readonly AccountState[], o: RunOpts): SelectionFailure {
  const r = select(accounts, o);
  if (r.ok) throw new Error(`expected an error, got ${r.accountId} (${r.reason.summary})`);
  return r;
}

/** Replace states by the selection's changes, like the proxy does. */
export function applyChanges(accounts: readonly AccountState[], r: SelectionResult): AccountState[] {
  const byId = new Map(r.changes.map((c) => [c.id, c.next]));
  return accounts.map((a) => byId.get(a.id) ?? a);
}

/** Count picks over n draws. */
export function shares(accounts: readonly AccountState[], o: RunOpts, n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = pick(accounts, o).accountId;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / n]));
}
