/**
 * The pool's quota chart (`GET /api/pool/quota-history`), kept as samples are stored: a {@link PoolQuotaRollup}
 * fed by the pool, its minutes written behind to `pool_quota_minutes`, read back for a range in one indexed query.
 * The chart counts the accounts in the pool now, at their plans now; when those change (or at the first start) the
 * stored series no longer applies, so it is rebuilt by replaying the stored samples in the background, a page per
 * turn of the event loop; until that is done a read computes from the samples, the slow way.
 */
import { createHash } from 'node:crypto';
import { STANDARD_FAMILY, type UsageSample } from '../../../shared/domain';
import type { PoolState } from '../pool/pool-state';
import type { Store, WriteQueue } from '../store';
import { countsInPool } from './pooled-usage';
import { PoolQuotaRollup, type RollupMember } from './pool-rollup';
import {
  MAX_ROWS_PER_SERIES,
  poolPointsFromMinutes,
  poolQuotaSeries,
  type PoolMinute,
  type PoolSeries,
} from './quota-history';

/** Samples replayed per turn of the event loop when the rollup is rebuilt (a few ms each). */
const REPLAY_PAGE = 1_000;

/** What {@link PoolQuotaChart} needs. */
export interface PoolQuotaChartDeps {
  store: Store;
  /** The write-behind queue its minutes go through (not the request log's writer: a read flushes it). */
  queue: WriteQueue;
  /** The pool (a getter: the pool's own hooks lead here, so it is built after this). */
  pool: () => PoolState;
  now: () => number;
  /** A rebuild that failed (reads then go on computing from the samples until the next start). */
  onError: (err: unknown) => void;
}

/** The pool's series over a range and the range itself. */
export interface PoolHistoryRead extends PoolSeries {
  since: number;
  /** Whether the stored rollup served it (false: computed from every account's samples). */
  fromRollup: boolean;
}

/** A sample as the store keeps it (whole seconds), so the rollup sees what a read of the history would. */
function asStored(sample: UsageSample): UsageSample {
  const round = (w: UsageSample['primary']) =>
    w ? { ...w, resetAt: w.resetAt === null ? null : Math.round(w.resetAt) } : null;
  return {
    family: sample.family,
    primary: round(sample.primary),
    secondary: round(sample.secondary),
    recordedAt: Math.floor(sample.recordedAt),
  };
}

export class PoolQuotaChart {
  private readonly rollup: PoolQuotaRollup;
  /** The newest stored standard sample of every account, in the pool or not. */
  private readonly latest = new Map<string, UsageSample>();
  /** The plan each member was counted with; a member is in the pool and has a sample. */
  private members = new Map<string, string | null>();
  /** Ranges starting after this are served from the rollup (Infinity while it is rebuilt). */
  private validFrom = Infinity;
  /** The minute of the latest change, written once the next minute begins (or before a read, or at stop). */
  private unsaved: PoolMinute | null = null;
  /** The replay under way: samples stored before `until` are read back; newer ones wait in `live`. */
  private replay: { until: number; after: { at: number; id: number }; live: [string, UsageSample][] } | null =
    null;

  constructor(private readonly deps: PoolQuotaChartDeps) {
    this.rollup = new PoolQuotaRollup((minute) => {
      if (this.unsaved && this.unsaved.minute !== minute.minute) this.saveMinute();
      this.unsaved = minute;
    });
  }

  /** Start-up: carries on with the stored series when it was computed for the pool as it is now. */
  load(): void {
    const { store, now } = this.deps;
    this.latest.clear();
    for (const { accountId, sample } of store.quota.latest()) {
      if (sample.family === STANDARD_FAMILY) this.latest.set(accountId, asStored(sample));
    }
    const members = this.currentMembers();
    const meta = store.poolQuota.meta();
    const newest = store.poolQuota.newest();
    if (meta && meta.members === signature(members) && (newest !== undefined || members.size === 0)) {
      this.members = members;
      this.validFrom = meta.validFrom;
      this.rollup.start(this.memberList(), newest?.lastAt ?? now(), newest ?? null);
    } else {
      // Computed for other members, left half-replayed, or never built (a new or upgraded database).
      this.restart(members, now());
    }
  }

  /** A standard sample was stored for the account. */
  sampleStored(id: string, sample: UsageSample): void {
    const stored = asStored(sample);
    const first = !this.latest.has(id);
    this.latest.set(id, stored);
    const want = this.memberPlan(id);
    const have = this.members.get(id);
    if (want !== undefined && have === undefined && first) {
      // A first sample is not a change of members: before it the account had nothing to count.
      this.members.set(id, want);
      if (this.replay === null) this.saveMeta();
    } else if (want !== have) {
      this.restart(this.currentMembers(), this.deps.now()); // replays the samples, this one included
      return;
    }
    if (want === undefined) return;
    if (this.replay) this.replay.live.push([id, stored]);
    else this.rollup.sample(id, want, stored);
  }

  /** The account's status, plan or existence may have changed: a change of the pool's members restarts the series. */
  accountChanged(id: string): void {
    const want = this.memberPlan(id);
    if (want !== this.members.get(id)) {
      this.restart(this.currentMembers(), this.deps.now());
    }
  }

  /** Whether the rollup is being rebuilt from the samples (reads compute from them meanwhile). */
  get replaying(): boolean {
    return this.replay !== null;
  }

  /** Shutdown: writes the change still held (samples of this second could have followed it). */
  stop(): void {
    if (this.replay) {
      this.replay = null; // stops it; the stored series is marked unfinished, so the next start replays again
      return;
    }
    this.rollup.advance(this.deps.now() + 1);
    this.saveMinute();
  }

  /** The pool's series over the last `hours`, from a whole minute to now. */
  read(hours: number, maxPoints: number): PoolHistoryRead {
    const now = this.deps.now();
    const since = Math.floor((now - hours * 3600) / 60) * 60;
    const range = { since, until: now };
    const members = this.currentMembers();
    if (!sameMembers(members, this.members)) this.restart(members, now);
    if (since <= this.validFrom) {
      return { since, fromRollup: false, ...poolQuotaSeries(this.samplesOfRange(since), range, maxPoints) };
    }
    const value = this.rollup.valueAt(now);
    this.saveMinute();
    this.deps.queue.flush(); // the minutes of the last moments are in the queue
    const { poolQuota } = this.deps.store;
    const minutes = poolQuota.range(since, now);
    const carried = poolQuota.newest(since);
    let lastSampleAt: number | null = null;
    for (const id of this.members.keys())
      lastSampleAt = Math.max(lastSampleAt ?? 0, this.latest.get(id)!.recordedAt);
    return {
      since,
      fromRollup: true,
      points: poolPointsFromMinutes(minutes, carried, value, range, maxPoints),
      accounts: this.members.size,
      // What the chart draws on: a time at or before `since` when values carry in, else the first sample after it.
      firstSampleAt: carried?.lastAt ?? minutes[0]?.firstAt ?? null,
      lastSampleAt,
    };
  }

  /** The plan an account counts with, or undefined when it does not count (out of the pool, or no sample yet). */
  private memberPlan(id: string): string | null | undefined {
    const state = this.deps.pool().state(id);
    if (!state || !countsInPool(state.status) || !this.latest.has(id)) return undefined;
    return this.deps.pool().record(id)?.planType ?? state.planType;
  }

  private currentMembers(): Map<string, string | null> {
    const members = new Map<string, string | null>();
    for (const a of this.deps.pool().accounts()) {
      const plan = this.memberPlan(a.id);
      if (plan !== undefined) members.set(a.id, plan);
    }
    return members;
  }

  private memberList(): RollupMember[] {
    return [...this.members].map(([id, plan]) => ({ id, plan, sample: this.latest.get(id)! }));
  }

  /**
   * Starts the series afresh for these members: drops the stored one and replays every stored sample (the store
   * keeps 30 days) through an empty rollup, a page per turn, before taking live samples again.
   */
  private restart(members: Map<string, string | null>, at: number): void {
    this.members = members;
    this.validFrom = Infinity;
    this.unsaved = null;
    // Marked unfinished until the replay ends, so a stop half-way replays again at the next start.
    this.deps.queue.push((s) => s.poolQuota.restart({ validFrom: at, members: '' }));
    this.deps.queue.flush(); // the samples stored so far are all on disk for the replay to read
    this.rollup.start([], 0, null);
    const replay = { until: at, after: { at: -1, id: 0 }, live: [] as [string, UsageSample][] };
    this.replay = replay;
    const step = (): void => {
      if (this.replay !== replay) return; // restarted or stopped since
      let page: ReturnType<Store['quota']['page']>;
      try {
        page = this.deps.store.quota.page(STANDARD_FAMILY, replay.until, replay.after, REPLAY_PAGE);
      } catch (err) {
        this.replay = null;
        this.deps.onError(err);
        return;
      }
      for (const { id, accountId, sample } of page) {
        const plan = this.members.get(accountId);
        if (plan !== undefined) this.rollup.sample(accountId, plan, sample);
        replay.after = { at: sample.recordedAt, id };
      }
      if (page.length === REPLAY_PAGE) {
        setImmediate(step);
        return;
      }
      this.replay = null;
      for (const [id, sample] of replay.live) this.rollup.sample(id, this.members.get(id) ?? null, sample);
      this.validFrom = -1; // every stored sample went in: any range can be read from the rollup
      this.saveMinute();
      this.saveMeta();
    };
    step();
  }

  private saveMinute(): void {
    const minute = this.unsaved;
    if (minute === null) return;
    this.unsaved = null;
    this.deps.queue.push((s) => s.poolQuota.put(minute));
  }

  private saveMeta(): void {
    const meta = { validFrom: this.validFrom, members: signature(this.members) };
    this.deps.queue.push((s) => s.poolQuota.setMeta(meta));
  }

  /** Every account's standard samples of the range, for the computation from samples. */
  private samplesOfRange(since: number): Parameters<typeof poolQuotaSeries>[0] {
    const { store } = this.deps;
    const pool = this.deps.pool();
    this.deps.queue.flush();
    return pool.accounts().map((a) => {
      const carried = store.quota.latestBefore(a.id, STANDARD_FAMILY, since);
      const inRange = store.quota.chartHistory(a.id, STANDARD_FAMILY, since, MAX_ROWS_PER_SERIES);
      return {
        status: a.status,
        planType: pool.record(a.id)?.planType ?? a.planType,
        // A truncated read starts later than `since`: carrying an older sample across the gap would invent data.
        samples: carried && inRange.length < MAX_ROWS_PER_SERIES ? [carried, ...inRange] : inRange,
      };
    });
  }
}

function sameMembers(a: ReadonlyMap<string, string | null>, b: ReadonlyMap<string, string | null>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, plan] of a) if (!b.has(id) || b.get(id) !== plan) return false;
  return true;
}

/** The members and their plans as one short string, to tell whether the stored series was computed for them. */
function signature(members: ReadonlyMap<string, string | null>): string {
  const lines = [...members].map(([id, plan]) => `${id}\t${plan ?? ''}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
