/**
 * Plan capacity table and plan alias normalisation (BALANCER.md §3). Shared with the proxy's pooled-usage view.
 */

/** Canonical plan names that carry a capacity row. */
export type CanonicalPlan = 'free' | 'plus' | 'team' | 'business' | 'edu' | 'prolite' | 'pro' | 'enterprise';

/** Credits per window for one plan. */
export interface PlanCapacity {
  /** 5 h window credits (0 for free: it has no short window). */
  readonly short: number;
  readonly weekly: number;
  /** Monthly credits for monthly-only accounts, or null when the plan has no monthly window. */
  readonly monthly: number | null;
}

const CAPACITY: Readonly<Record<CanonicalPlan, PlanCapacity>> = {
  free: { short: 0, weekly: 1134, monthly: 1134 },
  plus: { short: 225, weekly: 7560, monthly: null },
  team: { short: 225, weekly: 7560, monthly: null },
  business: { short: 225, weekly: 7560, monthly: null },
  edu: { short: 225, weekly: 7560, monthly: null },
  prolite: { short: 1125, weekly: 37800, monthly: null },
  pro: { short: 1500, weekly: 50400, monthly: null },
  enterprise: { short: 1500, weekly: 50400, monthly: null },
};

const ALIASES: Readonly<Record<string, CanonicalPlan>> = {
  education: 'edu',
  k12: 'edu',
  guest: 'free',
  go: 'free',
  free_workspace: 'free',
  quorum: 'free',
  unknown: 'free',
  // Not in the §3 alias list but in the usage endpoint's plan values (PROTOCOL.md §9): the usage-based variants are
  // billed differently but carry the same seat type, so they take their base plan's row.
  self_serve_business_usage_based: 'business',
  enterprise_cbp_usage_based: 'enterprise',
};

function canonicalOf(plan: string): CanonicalPlan {
  const key = plan.trim().toLowerCase();
  if (Object.hasOwn(CAPACITY, key)) return key as CanonicalPlan;
  return (Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined) ?? 'free';
}

/*
 * Selection normalises every account's plan on every request; the set of distinct raw plan strings is tiny, so the
 * result of this pure mapping is memoised. Bounded so a stream of junk values cannot grow it without limit.
 */
const PLAN_MEMO = new Map<string, CanonicalPlan>();
const PLAN_MEMO_MAX = 256;

/**
 * Canonical plan for a raw upstream plan type: lower-cased, aliases resolved (§3). Anything unrecognised counts as
 * `free`, the smallest capacity, so an unexpected plan never attracts more traffic than it can serve.
 */
export function normalizePlan(plan: string | null | undefined): CanonicalPlan {
  const raw = plan ?? '';
  const hit = PLAN_MEMO.get(raw);
  if (hit !== undefined) return hit;
  const canonical = canonicalOf(raw);
  if (PLAN_MEMO.size < PLAN_MEMO_MAX) PLAN_MEMO.set(raw, canonical);
  return canonical;
}

/*
 * Direct rows for the exact plan strings upstream sends (canonical names and aliases), looked up without
 * normalisation: selection reads every account's capacity on every request. Null prototype so names like
 * `constructor` cannot hit Object.prototype.
 */
const DIRECT: Record<string, PlanCapacity> = Object.assign(
  Object.create(null) as Record<string, PlanCapacity>,
  {
    ...CAPACITY,
    ...Object.fromEntries(Object.entries(ALIASES).map(([alias, plan]) => [alias, CAPACITY[plan]])),
  },
);

/** Capacity row of a (raw or canonical) plan. */
export function planCapacity(plan: string | null | undefined): PlanCapacity {
  return (plan !== null && plan !== undefined ? DIRECT[plan] : undefined) ?? CAPACITY[normalizePlan(plan)];
}

/**
 * Long-window capacity used for RC and sequential_drain: weekly, or monthly for monthly accounts when the plan has
 * a monthly row (§3).
 */
export function longWindowCapacity(plan: string | null | undefined, monthly: boolean): number {
  const row = planCapacity(plan);
  return monthly && row.monthly !== null ? row.monthly : row.weekly;
}

/** Remaining long-window credits RC = cap × (1 − min(S, 100)/100); cap ≤ 0 → 0 (§3). */
export function remainingCredits(cap: number, longUsedPercent: number): number {
  if (cap <= 0) return 0;
  const used = Math.min(Math.max(longUsedPercent, 0), 100);
  return cap * (1 - used / 100);
}
