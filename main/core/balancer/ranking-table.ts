/**
 * The ranking table: the §2 step-4 state build of every candidate as numeric columns (one {@link Row} per account,
 * see row.ts), plus the aggregates the budget-safe wrapper needs (§4.3), found in the same single pass. Selection
 * then ranks on the columns (table-select.ts) and builds a Candidate only where an object path needs one.
 *
 * On the plain path (no tried accounts, no model filter, no gated model) the pass runs over `accounts` itself and
 * folds step 1 in: inactive accounts are rows of their own kind, so no candidate list is built. Other paths pass the
 * candidates left after steps 1–3.
 *
 * The columns double as a memo by position: column i keeps the row of the state object it was computed for, and
 * until when it holds. A caller that passes the same array (or a copy with most states unchanged — the pool rebuilds
 * its snapshot after every change) finds row i by one identity comparison; only replaced states, moved positions and
 * expired rows are recomputed (through the per-state cache of row.ts). Like that cache, the memo is a pure function
 * of (state, T): whatever an earlier call left in it, a result is the same.
 */
import type { Candidate } from './evaluate';
import { evaluateAccount } from './evaluate';
import { isProbeDue } from './health';
import type { GatedModelEntry } from './registry';
import { BLOCKED, BURN_FIRST, INACTIVE, PROBING, TIER_NAMES, WITHIN_BUDGET, rowAt } from './row';
import type { Selected } from './result';
import type { AccountChange, AccountState, SkippedAccount } from './types';

/** The rows of one selection, row i = `accounts[i]`. Scratch: valid until the next build. */
export interface RankingTable {
  size: number;
  accounts: readonly AccountState[];
  gated: GatedModelEntry | null;
  scoped: ReadonlySet<AccountState>;
  now: number;

  /* Columns (capacity ≥ size); row i's fields, and the memo: the state they were computed for, valid from–until. */
  states: (AccountState | null)[];
  /** `states[i].id`, so finding an account by id reads one array instead of every state object. */
  ids: string[];
  validFrom: Float64Array;
  validUntil: Float64Array;
  kind: Uint8Array;
  rung: Uint8Array;
  p: Float64Array;
  s: Float64Array;
  sFill: Float64Array;
  rc: Float64Array;
  lastSelectedAt: Float64Array;
  bucketResetAt: Float64Array;
  skipped: (SkippedAccount | null)[];
  /** Row indices of the skipped candidates, in order (scratch of the build). */
  blockedRows: Int32Array;

  /** Full candidates of rows built the slow way or materialised since; undefined otherwise. */
  readonly full: (Candidate | undefined)[];
  /** Which entries of `full` this selection set, to clear them before the next. */
  readonly fullRows: number[];

  /* Aggregates of the build, over the candidate rows. */
  candidates: number;
  selectable: number;
  within: number;
  /** Smallest rung over the selectable rows, and over the within-budget rows; 9 when none. */
  bestRung: number;
  bestWithinRung: number;
  /** The oldest due recovery probe among the selectable rows (ties by id), or −1 (§1.7). */
  probe: number;
}

function emptyTable(capacity: number): RankingTable {
  return {
    size: 0,
    accounts: [],
    gated: null,
    scoped: new Set(),
    now: 0,
    states: Array.from({ length: capacity }, () => null),
    ids: Array.from({ length: capacity }, () => ''),
    validFrom: new Float64Array(capacity),
    validUntil: new Float64Array(capacity),
    kind: new Uint8Array(capacity),
    rung: new Uint8Array(capacity),
    p: new Float64Array(capacity),
    s: new Float64Array(capacity),
    sFill: new Float64Array(capacity),
    rc: new Float64Array(capacity),
    lastSelectedAt: new Float64Array(capacity),
    bucketResetAt: new Float64Array(capacity),
    skipped: Array.from({ length: capacity }, () => null),
    blockedRows: new Int32Array(capacity),
    full: Array.from({ length: capacity }, () => undefined),
    fullRows: [],
    candidates: 0,
    selectable: 0,
    within: 0,
    bestRung: 9,
    bestWithinRung: 9,
    probe: -1,
  };
}

/*
 * The one table, reused by every selection: selection is synchronous and never re-entered, and the table never
 * escapes it (results hold no reference to it), so reuse is invisible to callers. Between selections it keeps the
 * memo, plus the last selection's account array and the Candidates it built (cleared by the next build): strong
 * references to at most one pool's worth of states.
 */
let table = emptyTable(64);

/** A table for n rows; a larger one starts with an empty memo (a one-off when the pool grows). */
function tableFor(n: number): RankingTable {
  if (n > table.states.length) table = emptyTable(2 ** Math.ceil(Math.log2(n)));
  return table;
}

/** Recompute row i for `a` at T into the columns; records a full evaluation's state change. */
function refresh(
  t: RankingTable,
  i: number,
  a: AccountState,
  isScoped: boolean,
  changes: AccountChange[],
): void {
  // A new state of the account the memo holds here is one the caller just made (applied changes, a request ended):
  // no other selection has seen it, so the per-state cache is skipped. Anything else — an account that moved, another
  // caller's array, an expired row — goes through that cache.
  const previous = t.states[i];
  const replaced = previous !== null && previous !== undefined && previous !== a && previous.id === a.id;
  const { row, full } = rowAt(a, t.gated, isScoped, t.now, replaced);
  if (full !== undefined) {
    t.full[i] = full;
    t.fullRows.push(i);
    if (full.next !== a) changes.push({ id: full.id, next: full.next, persist: full.persist });
  }
  t.states[i] = a;
  t.ids[i] = a.id;
  t.validFrom[i] = row.validFrom;
  t.validUntil[i] = row.validUntil;
  t.kind[i] = row.kind;
  t.rung[i] = row.rung;
  t.p[i] = row.p;
  t.s[i] = row.s;
  t.sFill[i] = row.sFill;
  t.rc[i] = row.rc;
  t.lastSelectedAt[i] = row.lastSelectedAt;
  t.bucketResetAt[i] = row.bucketResetAt;
  t.skipped[i] = row.skipped;
}

/** Ids compare as strings; only reached on ties of every numeric key. */
export function byId(t: RankingTable, a: number, b: number): number {
  const x = t.ids[a] as string;
  const y = t.ids[b] as string;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * State build and core filter (§2 step 4) of `list` — the candidates, or on the plain path all accounts — in one
 * pass: appends step 1's skips (plain path) and then the core filter's to `skipped`, and each state change to
 * `changes`, exactly as evaluating every candidate with {@link evaluateAccount} would; and finds the aggregates.
 * `scoped` holds the accounts scoped by the request's gated entry.
 */
export function buildRankingTable(
  list: readonly AccountState[],
  gated: GatedModelEntry | null,
  scoped: ReadonlySet<AccountState>,
  now: number,
  skipped: SkippedAccount[],
  changes: AccountChange[],
): RankingTable {
  const n = list.length;
  const t = tableFor(n);
  for (const i of t.fullRows) t.full[i] = undefined;
  t.fullRows.length = 0;
  t.size = n;
  t.accounts = list;
  t.gated = gated;
  t.scoped = scoped;
  t.now = now;
  const { states, validFrom, validUntil, kind, rung, blockedRows } = t;
  let candidates = 0;
  let selectable = 0;
  let within = 0;
  let bestRung = 9;
  let bestWithinRung = 9;
  let probe = -1;
  let blocked = 0;
  for (let i = 0; i < n; i++) {
    const a = list[i] as AccountState;
    // Scoped rows are per request (never valid later), but the memo may hold the same state's plain row.
    const isScoped = gated !== null && scoped.has(a);
    if (
      a !== states[i] ||
      !(now >= (validFrom[i] as number) && now < (validUntil[i] as number)) ||
      isScoped
    ) {
      refresh(t, i, a, isScoped, changes);
    }
    const k = kind[i] as number;
    if (k === INACTIVE) {
      skipped.push(t.skipped[i] as SkippedAccount);
      continue;
    }
    candidates += 1;
    if (k === BLOCKED) {
      blockedRows[blocked++] = i;
      continue;
    }
    selectable += 1;
    const r = rung[i] as number;
    if (r < bestRung) bestRung = r;
    if (k === WITHIN_BUDGET) {
      within += 1;
      if (r < bestWithinRung) bestWithinRung = r;
    }
    if (r >= PROBING * 3 && r < PROBING * 3 + 3) {
      // The oldest due probe, ties by id (§1.7).
      const last = t.lastSelectedAt[i] as number;
      if (isProbeDue('probing', last, now)) {
        const bestLast = probe < 0 ? Infinity : (t.lastSelectedAt[probe] as number);
        if (probe < 0 || last < bestLast || (last === bestLast && byId(t, i, probe) < 0)) probe = i;
      }
    }
  }
  // The core filter's skips follow step 1's, in candidate order.
  for (let j = 0; j < blocked; j++) skipped.push(t.skipped[blockedRows[j] as number] as SkippedAccount);
  t.candidates = candidates;
  t.selectable = selectable;
  t.within = within;
  t.bestRung = bestRung;
  t.bestWithinRung = bestWithinRung;
  t.probe = probe;
  return t;
}

/** The full Candidate of row i, built on first use (identical to what evaluateAccount gave or would give). */
export function candidateAt(t: RankingTable, i: number): Candidate {
  const known = t.full[i];
  if (known !== undefined) return known;
  const a = t.accounts[i] as AccountState;
  const c = evaluateAccount(a, t.gated, t.gated !== null && t.scoped.has(a), t.now);
  t.full[i] = c;
  t.fullRows.push(i);
  return c;
}

/**
 * What the result needs of the picked row i. Without a full evaluation the row is inline: unscoped and unchanged,
 * so the Candidate would say next = the state, no persist, the standard view, no bypass, the state's own policy.
 */
export function selectedAt(t: RankingTable, i: number): Selected {
  const known = t.full[i];
  if (known !== undefined) return known;
  const a = t.accounts[i] as AccountState;
  return {
    id: a.id,
    next: a,
    persist: false,
    tier: TIER_NAMES[Math.floor((t.rung[i] as number) / 3)] as Selected['tier'],
    policy: a.routingPolicy,
    viewKey: 'codex',
    bypassed: false,
  };
}

/** Every candidate row as a Candidate, in order (the paths that still work on objects: continuity, pin, errors). */
export function allCandidates(t: RankingTable): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < t.size; i++) if (t.kind[i] !== INACTIVE) out.push(candidateAt(t, i));
  return out;
}

/** The first candidate row of account `id`, or −1. */
export function candidateRowOf(t: RankingTable, id: string): number {
  for (let i = 0; i < t.size; i++) {
    if (t.ids[i] === id && t.kind[i] !== INACTIVE) return i;
  }
  return -1;
}

/** Whether any candidate is burn_first, and any selectable one (§6.2 rule 4). */
export function burnFirstFacts(t: RankingTable): { exists: boolean; selectable: boolean } {
  let exists = false;
  for (let i = 0; i < t.size; i++) {
    const k = t.kind[i] as number;
    if (k === INACTIVE || (t.rung[i] as number) % 3 !== BURN_FIRST) continue;
    if (k !== BLOCKED) return { exists: true, selectable: true };
    exists = true;
  }
  return { exists, selectable: false };
}
