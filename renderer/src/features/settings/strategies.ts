import type { RoutingStrategy } from '../../../../shared/domain';

/** What each strategy picks, in a few words (README "Routing"; BALANCER.md §3 has the rules). */
export const STRATEGY_INFO: Record<RoutingStrategy, { name: string; picks: string }> = {
  capacity_weighted: {
    name: 'Capacity-weighted',
    picks: 'At random, weighted by remaining weekly credits: bigger plans carry more.',
  },
  fill_first: {
    name: 'Fill first',
    picks: 'The most-used account, so one account carries the traffic until it hits its limit.',
  },
  usage_weighted: { name: 'Usage-weighted', picks: 'The least-used account.' },
  round_robin: { name: 'Round robin', picks: 'The least recently used account.' },
  relative_availability: {
    name: 'Relative availability',
    picks: 'The account with the most credits per second until its weekly reset.',
  },
  sequential_drain: {
    name: 'Sequential drain',
    picks: 'Accounts in the order set on their cards (Order), then the smallest plan first.',
  },
  reset_drain: { name: 'Reset drain', picks: 'The account whose week resets soonest.' },
  single_account: { name: 'Single account', picks: 'Only the pinned account, never another.' },
};
