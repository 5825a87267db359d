/**
 * What the request log records about a request's conversation (issue 9): a short hash of its prompt-cache key
 * and how its account was chosen. Pure.
 */
import type { AffinityCause } from '../../../shared/domain';
import type { SelectionReason, SkipReason } from '../balancer';

/** Hex digits of the key's sha256 kept in the log: enough to tell conversations apart, never the key. */
const CONVERSATION_HASH_CHARS = 16;

/** The log row's conversation fields. */
export interface ConversationFacts {
  conversation: string | null;
  affinity: AffinityCause | null;
}

/** Why a mapped account could not keep its conversation, from its skip reason. */
function skipCause(reason: SkipReason | undefined): AffinityCause {
  if (reason === undefined) return 'unavailable';
  if (reason.kind === 'cap') return 'cap';
  if (reason.kind === 'rate_limited' || reason.kind === 'quota_exceeded') return 'limit';
  if (reason.kind === 'gate' && reason.gate === 'quota_exhausted') return 'limit';
  return 'unavailable';
}

/**
 * `stickyHash` is the sha256 of the request's prompt-cache key (absent without one), `mappedId` the account it
 * was mapped to when the request arrived, `pick` the first successful selection's reason and `accountsTried`
 * how many accounts the request went to.
 */
export function conversationFacts(
  stickyHash: string | undefined,
  mappedId: string | null,
  pick: SelectionReason | undefined,
  accountsTried: number,
): ConversationFacts {
  if (stickyHash === undefined) return { conversation: null, affinity: null };
  const conversation = stickyHash.slice(0, CONVERSATION_HASH_CHARS);
  return { conversation, affinity: pick === undefined ? null : cause(pick, mappedId, accountsTried) };
}

function cause(pick: SelectionReason, mappedId: string | null, accountsTried: number): AffinityCause {
  if (accountsTried > 1) return 'failover';
  if (pick.via === 'continuity') return 'continuity';
  if (pick.sticky === null) return 'off';
  switch (pick.sticky) {
    case 'hit':
    case 'near_reset':
      return 'hit';
    case 'new':
      return 'new';
    case 'rebind':
      // Rule 2 rebinds under budget pressure; rule 3 for a long rate limit; rule 1 when M is not a candidate.
      if (pick.stickyRule === 2) return 'rebind';
      if (pick.stickyRule === 3) return 'limit';
      return skipCause(pick.skipped.find((s) => s.id === mappedId)?.reason);
    case 'fallback':
      return skipCause(pick.skipped.find((s) => s.id === mappedId)?.reason);
  }
}
