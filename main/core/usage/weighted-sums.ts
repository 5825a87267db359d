/**
 * The pool's capacity-weighted used % of one window slot, kept up to date as accounts' samples change and their
 * windows reset, instead of re-summing every account at every instant (issue 14: the pool's 24 h chart at 1,000
 * accounts evaluated ~144,000 instants × 1,000 accounts, ~10 s of blocked event loop). Gives exactly what
 * `weightedWindow` gives for the same samples at the same time. Whole and half percents (what upstream sends) sum
 * exactly; for other fractions the running sums are rebuilt from the current windows after as many removals as
 * there are windows, so rounding error cannot accumulate over a long series.
 */
import type { UsageWindow } from '../../../shared/domain';
import { planCapacity } from '../balancer/plans';

interface Reset {
  at: number;
  account: number;
  window: UsageWindow;
}

function pushHeap(heap: Reset[], item: Reset): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.at <= item.at) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = item;
}

function popHeap(heap: Reset[]): Reset {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
  return top;
}

interface Contribution {
  window: UsageWindow;
  cap: number;
  used: number;
}

export class WeightedSums {
  private weighted = 0;
  private capacity = 0;
  private plain = 0;
  private count = 0;
  private readonly current = new Map<number, Contribution>();
  /** Future resets of the windows set so far: a binary min-heap on `at`. */
  private readonly resets: Reset[] = [];
  private removals = 0;

  constructor(private readonly slot: 'primary' | 'secondary') {}

  /** The account's window from now on (null: the account has none in this slot). */
  set(account: number, plan: string | null, window: UsageWindow | null, at: number): void {
    this.remove(account);
    if (window === null) return;
    const cap = this.slot === 'primary' ? planCapacity(plan).short : planCapacity(plan).weekly;
    const reset = window.resetAt;
    const used = reset !== null && reset <= at ? 0 : window.usedPercent;
    this.add(account, { window, cap, used });
    if (reset !== null && reset > at) pushHeap(this.resets, { at: reset, account, window });
    // Replaced windows leave their resets behind; a long-lived instance (the pool's rollup) drops them now and then.
    if (this.resets.length > 2 * this.current.size + 64) this.compactResets();
  }

  /** When the next current window resets (after the last {@link advance}), or undefined when none will. */
  nextReset(): number | undefined {
    while (this.resets.length > 0 && !this.live(this.resets[0]!)) popHeap(this.resets);
    return this.resets[0]?.at;
  }

  /** Empties every current window whose reset is at or before `at`. */
  advance(at: number): void {
    while (this.resets.length > 0 && this.resets[0]!.at <= at) {
      const { account, window } = popHeap(this.resets);
      const c = this.current.get(account);
      if (c === undefined || c.window !== window || c.used === 0) continue; // replaced since, or already empty
      this.remove(account);
      this.add(account, { ...c, used: 0 });
    }
  }

  /** The slot's used %, floored to a whole percent; null when no account has this window. */
  usedPercent(): number | null {
    if (this.count === 0) return null;
    const used = this.capacity > 0 ? this.weighted / this.capacity : this.plain / this.count;
    return Math.min(100, Math.max(0, Math.floor(used)));
  }

  /** Whether a pending reset still empties a current window. */
  private live(r: Reset): boolean {
    const c = this.current.get(r.account);
    return c !== undefined && c.window === r.window && c.used !== 0;
  }

  private compactResets(): void {
    const kept = this.resets.filter((r) => this.live(r));
    this.resets.length = 0;
    for (const r of kept) pushHeap(this.resets, r);
  }

  private add(account: number, c: Contribution): void {
    this.current.set(account, c);
    this.weighted += c.cap * c.used;
    this.capacity += c.cap;
    this.plain += c.used;
    this.count += 1;
  }

  private remove(account: number): void {
    const c = this.current.get(account);
    if (c === undefined) return;
    this.current.delete(account);
    this.weighted -= c.cap * c.used;
    this.capacity -= c.cap;
    this.plain -= c.used;
    this.count -= 1;
    this.removals += 1;
    if (this.removals > Math.max(64, this.current.size)) this.resync();
  }

  private resync(): void {
    this.removals = 0;
    this.weighted = 0;
    this.capacity = 0;
    this.plain = 0;
    for (const c of this.current.values()) {
      this.weighted += c.cap * c.used;
      this.capacity += c.cap;
      this.plain += c.used;
    }
  }
}
