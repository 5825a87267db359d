/**
 * The stored standard-family samples of the last burn window (one hour), per account, kept in memory next to
 * the live state. The pool view's burn rate reads them on every dashboard refresh; reading them from SQLite cost
 * ~10 ms at 1,000 accounts (issue 14), and the pool already decides which samples are stored, so it keeps the
 * recent ones as it stores them. Loaded from the store once at start-up.
 */
import type { UsageSample } from '../../../shared/domain';
import { BURN_WINDOW_S } from './forecast';

export class RecentSamples {
  private readonly byAccount = new Map<string, UsageSample[]>();

  /** Replaces everything with what the store holds (start-up). */
  reset(samples: ReadonlyMap<string, UsageSample[]>): void {
    this.byAccount.clear();
    for (const [id, list] of samples) this.byAccount.set(id, [...list]);
  }

  /** Records a sample just stored; drops the account's samples older than the window. */
  add(accountId: string, sample: UsageSample, now: number): void {
    let list = this.byAccount.get(accountId);
    if (list === undefined) this.byAccount.set(accountId, (list = []));
    list.push(sample);
    const since = now - BURN_WINDOW_S;
    let drop = 0;
    while (drop < list.length && list[drop]!.recordedAt < since) drop++;
    if (drop > 0) list.splice(0, drop);
  }

  /** The account's samples recorded at or after `since`, oldest first. */
  since(accountId: string, since: number): readonly UsageSample[] {
    const list = this.byAccount.get(accountId);
    if (list === undefined) return [];
    let first = 0;
    while (first < list.length && list[first]!.recordedAt < since) first++;
    return first === 0 ? list : list.slice(first);
  }

  forget(accountId: string): void {
    this.byAccount.delete(accountId);
  }
}
