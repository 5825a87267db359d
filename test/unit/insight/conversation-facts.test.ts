import { describe, expect, it } from 'vitest';
import type { SelectionReason, SkipReason } from '../../../main/core/balancer';
import { conversationFacts } from '../../../main/core/proxy/conversation-facts';

const HASH = 'ab'.repeat(32);

function pick(over: Partial<SelectionReason> = {}): SelectionReason {
  return {
    strategy: 'capacity_weighted',
    accountId: 'acc_b',
    via: 'sticky',
    budgetStep: null,
    sticky: 'hit',
    stickyRule: 5,
    view: 'codex',
    tier: 'healthy',
    policy: 'normal',
    bypassed: false,
    skipped: [],
    summary: '',
    ...over,
  };
}
const skipped = (reason: SkipReason) => [{ id: 'acc_a', reason }];

describe('conversationFacts', () => {
  it('keeps only a short hash of the key, and nothing without one', () => {
    expect(conversationFacts(undefined, null, pick(), 1)).toEqual({ conversation: null, affinity: null });
    expect(conversationFacts(HASH, null, pick(), 1).conversation).toBe('abababababababab');
  });

  it.each<[string, Partial<SelectionReason>, number, string]>([
    ['a kept mapping', { sticky: 'hit', stickyRule: 5 }, 1, 'hit'],
    ['a rate limit about to end, waited out', { sticky: 'near_reset', stickyRule: 6 }, 1, 'hit'],
    ['no live mapping', { via: 'strategy', sticky: 'new', stickyRule: 8 }, 1, 'new'],
    ['budget pressure (rule 2)', { sticky: 'rebind', stickyRule: 2 }, 1, 'rebind'],
    ['a long rate limit (rule 3)', { via: 'strategy', sticky: 'rebind', stickyRule: 3 }, 1, 'limit'],
    [
      'mapped account out of quota (rule 7)',
      {
        via: 'strategy',
        sticky: 'fallback',
        stickyRule: 7,
        skipped: skipped({ kind: 'quota_exceeded', until: null }),
      },
      1,
      'limit',
    ],
    [
      'mapped account cooling down (rule 7)',
      {
        via: 'strategy',
        sticky: 'fallback',
        stickyRule: 7,
        skipped: skipped({ kind: 'cooldown', until: 1 }),
      },
      1,
      'unavailable',
    ],
    [
      'mapped account paused (rule 1)',
      { via: 'strategy', sticky: 'rebind', stickyRule: 1, skipped: skipped({ kind: 'paused' }) },
      1,
      'unavailable',
    ],
    ['failover within the request', { sticky: 'hit', stickyRule: 5 }, 2, 'failover'],
    [
      'previous_response_id continuity',
      { via: 'continuity', sticky: null, stickyRule: null },
      1,
      'continuity',
    ],
    ['sticky sessions off', { via: 'strategy', sticky: null, stickyRule: null }, 1, 'off'],
  ])('%s → %s', (_name, over, tried, cause) => {
    expect(conversationFacts(HASH, 'acc_a', pick(over), tried).affinity).toBe(cause);
  });
});
