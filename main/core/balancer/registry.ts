/**
 * Gated-model registry (BALANCER.md §5.1–5.2): plain, user-editable data seeded with `codex_spark`, plus the name
 * resolution used by the usage ingester (canonical family ids) and the state reducer (limit names on 429s).
 */
import type { RoutingPolicy } from '../../../shared/domain';
import { STANDARD_FAMILY } from '../../../shared/domain';
import { normalizePlan } from './plans';

/** One gated model family with its own quota. */
export interface GatedModelEntry {
  /** Canonical family id the samples and blocks are stored under. */
  readonly quotaKey: string;
  readonly label: string;
  readonly modelIds: readonly string[];
  /** Aliases upstream uses in `x-codex-active-limit`, `limit_name`, `metered_limit_name`. */
  readonly limitNames: readonly string[];
  /** Aliases upstream uses in `metered_feature`. */
  readonly meteredFeatures: readonly string[];
  /** Plans whose accounts are scoped (raw or canonical names; compared after {@link normalizePlan}). */
  readonly appliesToPlans: readonly string[];
  /** Replaces the routing policy of scoped accounts for gated requests; `inherit` keeps it (§4.2). */
  readonly routingPolicy: 'inherit' | RoutingPolicy;
}

/** The seed registry (§5.1). Copy it into the settings store; users may edit it from there. */
export const SEED_REGISTRY: readonly GatedModelEntry[] = [
  {
    quotaKey: 'codex_spark',
    label: 'GPT-5.3-Codex-Spark',
    modelIds: ['gpt-5.3-codex-spark'],
    limitNames: ['codex_other', 'GPT-5.3-Codex-Spark', 'gpt-5.3-codex-spark'],
    meteredFeatures: ['codex_bengalfox'],
    appliesToPlans: ['pro', 'prolite', 'team', 'business', 'enterprise'],
    routingPolicy: 'burn_first',
  },
];

/** Lower case, runs of non-alphanumerics → `_` (§5.1). `GPT-5.3-Codex-Spark` → `gpt_5_3_codex_spark`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

function entryMatchesName(entry: GatedModelEntry, normalized: string): boolean {
  if (normalizeName(entry.quotaKey) === normalized) return true;
  for (const n of entry.limitNames) if (normalizeName(n) === normalized) return true;
  for (const n of entry.meteredFeatures) if (normalizeName(n) === normalized) return true;
  return false;
}

/**
 * Resolve a raw limit name or metered feature from an error or a header (§1.4): `codex` → the standard family, a
 * registered alias → its quota key, anything else (or nothing) → null, i.e. "unnamed".
 */
export function resolveLimitName(
  registry: readonly GatedModelEntry[],
  rawName: string | null | undefined,
): string | null {
  if (rawName === null || rawName === undefined || rawName.trim() === '') return null;
  const normalized = normalizeName(rawName.trim());
  if (normalized === STANDARD_FAMILY) return STANDARD_FAMILY;
  for (const entry of registry) if (entryMatchesName(entry, normalized)) return entry.quotaKey;
  return null;
}

/**
 * Family id to store a usage sample under (§5.1): the quota key for a registered alias, `codex` for the standard
 * family, else the normalised raw id (shown in the UI, never routed on).
 */
export function canonicalFamily(registry: readonly GatedModelEntry[], rawName: string): string {
  return resolveLimitName(registry, rawName) ?? normalizeName(rawName.trim());
}

/** The registry entry gating `model`, or null for a standard request (§5.2). */
export function findGatedEntry(registry: readonly GatedModelEntry[], model: string): GatedModelEntry | null {
  const normalized = normalizeName(model.trim());
  for (const entry of registry) {
    for (const id of entry.modelIds) if (normalizeName(id) === normalized) return entry;
  }
  return null;
}

/*
 * findGatedEntry per (registry, model), for selection, which asks on every request: registries are immutable values
 * (the settings store hands out a new array after an edit), so an entry is keyed by the array's identity, and a
 * dropped registry takes its entries with it. Bounded per registry so a stream of junk model names cannot grow it.
 */
const GATED_MEMO = new WeakMap<readonly GatedModelEntry[], Map<string, GatedModelEntry | null>>();
const GATED_MEMO_MAX = 256;

/** {@link findGatedEntry}, memoised per registry array and model string. */
export function findGatedEntryMemo(
  registry: readonly GatedModelEntry[],
  model: string,
): GatedModelEntry | null {
  let byModel = GATED_MEMO.get(registry);
  if (byModel === undefined) {
    byModel = new Map();
    GATED_MEMO.set(registry, byModel);
  }
  const hit = byModel.get(model);
  if (hit !== undefined) return hit;
  const entry = findGatedEntry(registry, model);
  if (byModel.size < GATED_MEMO_MAX) byModel.set(model, entry);
  return entry;
}

/** Whether an account with this plan is scoped by the entry (§5.2). */
export function isScopedPlan(entry: GatedModelEntry, planType: string): boolean {
  const plan = normalizePlan(planType);
  for (const p of entry.appliesToPlans) if (normalizePlan(p) === plan) return true;
  return false;
}

/** The limit view key of an account for a request: the quota key when gated and scoped, else `codex`. */
export function viewKeyFor(entry: GatedModelEntry | null, planType: string): string {
  return entry !== null && isScopedPlan(entry, planType) ? entry.quotaKey : STANDARD_FAMILY;
}
