/**
 * Steps 7–9 of the pipeline (BALANCER.md §2) on the ranking table, for the common requests: a fresh selection, with
 * or without soft affinity (§6.2; the proxy's usual request carries a session key). Builds at most the Candidates
 * the decision reads — the mapped account's, and on a rule-2 check its pick — never one per account.
 */
import type { BudgetPick } from './budget';
import type { StickyDecision } from './affinity';
import { MAPPED_GONE, NEW_KEY, decideForMapped } from './affinity';
import type { RankingTable } from './ranking-table';
import { burnFirstFacts, candidateAt, candidateRowOf, selectedAt } from './ranking-table';
import type { Run } from './result';
import { stickySuccess, succeed } from './result';
import type { StrategyOptions } from './strategies';
import { selectOnTable } from './table-select';
import type { MappingAction, SelectionResult, StickyOutcome } from './types';

/** §6.2 keep-or-rebind with M and the pool read off the table. */
function decideStickyOnTable(
  mappedId: string | null,
  t: RankingTable,
  run: Run,
  o: StrategyOptions,
): StickyDecision {
  if (mappedId === null) return NEW_KEY;
  const mi = candidateRowOf(t, mappedId);
  if (mi < 0) return MAPPED_GONE;
  const burn = burnFirstFacts(t);
  const budgetCheck = (): BudgetPick | null => {
    const pick = selectOnTable(run.strategy, t, { ...o, random: null });
    // candidateAt returns the same object for the same row, so `check.pick !== m` compares rows.
    return pick === null ? null : { pick: candidateAt(t, pick.index), step: pick.step };
  };
  return decideForMapped(
    candidateAt(t, mi),
    { burnExists: burn.exists, burnSelectable: burn.selectable, budgetCheck },
    run.strategy,
    o,
  );
}

/**
 * A fresh or sticky selection on the table (no continuity, no pin — the caller checked), or null when nothing is
 * selectable: the backoff fallback and the §8 errors then run on Candidates.
 */
export function selectFreshOnTable(run: Run, t: RankingTable): SelectionResult | null {
  const { settings, request, now } = run.input;
  const o: StrategyOptions = {
    now,
    preferEarlierReset: settings.preferEarlierReset,
    random: run.input.random,
    primaryFirst: false,
  };
  let sticky: StickyOutcome | null = null;
  let stickyRule: number | null = null;
  let mapping: MappingAction = 'none';
  if (settings.stickySessions && request.sticky !== undefined) {
    const d = decideStickyOnTable(request.sticky.mappedAccountId, t, run, o);
    if (d.kind !== 'fresh') return stickySuccess(run, d);
    sticky = d.outcome;
    stickyRule = d.rule;
    mapping = d.mapping;
  }
  const pick = selectOnTable(run.strategy, t, o);
  if (pick === null) return null;
  return succeed(run, {
    candidate: selectedAt(t, pick.index),
    via: pick.step === 'probe' ? 'probe' : 'strategy',
    budgetStep: pick.step,
    sticky,
    stickyRule,
    mapping,
  });
}
