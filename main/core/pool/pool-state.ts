import { STANDARD_FAMILY, type AccountStatus, type UsageSample } from '../../../shared/domain';
import {
  applyOutcome,
  canonicalFamily,
  createAccountState,
  recordAccountError,
  recoverAccount,
  recoverByFreshUsage,
  releaseInFlight,
  type AccountChange,
  type AccountState,
  type GatedModelEntry,
  type OutcomeResult,
  type UpstreamOutcome,
} from '../balancer';
import type { AccountRecord, Store, WriteQueue } from '../store';
import { sameSampleContent, shouldStoreSample } from '../usage/sample-storage';
import { fromRecord, persistedStatusChanged, sameUsage } from './state-mapping';
import { RecentSamples } from '../usage/recent-samples';
import { BURN_WINDOW_S } from '../usage/forecast';

/** What changed in the pool, for the admin event stream and the tray. */
export type PoolEvent =
  | { type: 'account'; accountId: string }
  | { type: 'quota'; accountId: string; family: string; sample: UsageSample }
  /** A persisted status change, with the human reason of the new status (never a token). */
  | { type: 'status'; accountId: string; from: AccountStatus; to: AccountStatus; reason: string | null }
  | { type: 'accounts'; removedId?: string };

/** Dependencies of {@link PoolState}. */
export interface PoolStateDeps {
  store: Store;
  queue: WriteQueue;
  now: () => number;
  random: () => number;
  registry: () => readonly GatedModelEntry[];
  onEvent?: (event: PoolEvent) => void;
  /** A standard-family sample was taken into the history (the pool's chart follows it). */
  onStandardSampleStored?: (id: string, sample: UsageSample) => void;
}

/**
 * The live state of every account: the balancer's {@link AccountState} (persisted fields plus the runtime
 * overlay) and the stored record (identity, sealed tokens). Reads are map lookups; every change the balancer
 * derives is queued on the write-behind queue, so the request path never writes to disk. A change the user asks
 * for ({@link PoolState.setUserStatus}) is committed before it returns.
 */
export class PoolState {
  private readonly states = new Map<string, AccountState>();
  private readonly records = new Map<string, AccountRecord>();
  private snapshot: AccountState[] | null = null;
  /** The last sample written to the history per (account, family): what the next one is compared with. */
  private readonly lastStored = new Map<string, UsageSample>();
  /** Stored standard samples of the last hour, for the pool view's burn rate. */
  private readonly recent = new RecentSamples();
  private version = 0;

  constructor(private readonly deps: PoolStateDeps) {}

  /** Loads accounts, their latest samples and family blocks from the store (start-up). */
  load(): void {
    const { store } = this.deps;
    this.states.clear();
    this.records.clear();
    this.lastStored.clear();
    this.recent.reset(store.quota.recentByAccount(STANDARD_FAMILY, this.deps.now() - BURN_WINDOW_S));
    const usage = new Map<string, Record<string, UsageSample>>();
    for (const { accountId, sample } of store.quota.latest()) {
      const map = usage.get(accountId) ?? {};
      map[sample.family] = sample;
      usage.set(accountId, map);
      this.lastStored.set(`${accountId}\u0000${sample.family}`, sample);
    }
    const blocks = new Map<string, Record<string, { blockedAt: number; resetAt: number | null }>>();
    for (const b of store.familyBlocks.list()) {
      const map = blocks.get(b.accountId) ?? {};
      map[b.family] = { blockedAt: b.blockedAt, resetAt: b.resetAt };
      blocks.set(b.accountId, map);
    }
    for (const record of store.accounts.list()) {
      this.records.set(record.id, record);
      this.states.set(
        record.id,
        createAccountState({
          ...fromRecord(record),
          usage: usage.get(record.id) ?? {},
          familyBlocks: blocks.get(record.id) ?? {},
        }),
      );
    }
    this.snapshot = null;
    this.version++;
  }

  /**
   * A number that changes whenever something the pooled quota view depends on changes (an account's quota
   * content, status or plan; an account added or removed) and stays put otherwise — in particular when a
   * request only repeats a known quota or moves the in-flight count. Caches of pooled figures key on it.
   */
  get quotaVersion(): number {
    return this.version;
  }

  /** The account's stored standard-family samples since `since` (within the last hour), oldest first. */
  recentStandardSamples(id: string, since: number): readonly UsageSample[] {
    return this.recent.since(id, since);
  }

  /** Every account's state, as one array (rebuilt only after a change). */
  accounts(): readonly AccountState[] {
    this.snapshot ??= [...this.states.values()];
    return this.snapshot;
  }

  state(id: string): AccountState | undefined {
    return this.states.get(id);
  }

  record(id: string): AccountRecord | undefined {
    return this.records.get(id);
  }

  allRecords(): AccountRecord[] {
    return [...this.records.values()];
  }

  /** Applies the balancer's state changes; persisted fields are written behind. */
  applyChanges(changes: readonly AccountChange[]): void {
    for (const change of changes) {
      const prev = this.states.get(change.id);
      if (!prev) continue;
      this.replace(change.next);
      if (change.persist) this.persist(prev, change.next);
    }
  }

  /** Applies a classified upstream outcome to an account (BALANCER.md §1.3–1.4). */
  applyOutcome(id: string, outcome: UpstreamOutcome, model?: string): OutcomeResult | undefined {
    const prev = this.states.get(id);
    if (!prev) return undefined;
    const { now, random, registry } = this.deps;
    const result = applyOutcome(prev, outcome, {
      now: now(),
      random,
      registry: registry(),
      ...(model ? { model } : {}),
    });
    this.replace(result.next);
    if (result.persist) this.persist(prev, result.next);
    if (result.deleteStickyMappings) this.deps.queue.push((s) => s.sticky.deleteForAccount(id));
    return result;
  }

  /** Records an account error that is not an upstream outcome (a second 401 after a refresh, BALANCER.md §7). */
  recordError(id: string): void {
    const prev = this.states.get(id);
    if (prev) this.replace(recordAccountError(prev, this.deps.now()));
  }

  /** A request on the account ended, whatever the outcome. */
  release(id: string): void {
    const prev = this.states.get(id);
    if (prev) this.replace(releaseInFlight(prev));
  }

  /**
   * Records a usage sample (from headers, a `codex.rate_limits` event or the usage endpoint) under its canonical
   * family, stores it behind, and lets the account recover if the fresh data shows room (§1.5). `polledAt`
   * (epoch seconds) marks an answer of the usage endpoint to a request sent then: when that was at or after the
   * account's block, the answer is current and room in it ends the block at once (issue 8).
   */
  ingestSample(id: string, raw: UsageSample, options: { polledAt?: number } = {}): void {
    const prev = this.states.get(id);
    if (!prev) return;
    const sample = { ...raw, family: canonicalFamily(this.deps.registry(), raw.family) };
    const changed = !sameSampleContent(prev.usage[sample.family], sample);
    const withSample: AccountState = { ...prev, usage: { ...prev.usage, [sample.family]: sample } };
    const now = this.deps.now();
    const current =
      options.polledAt !== undefined && options.polledAt >= (prev.blockedAt ?? options.polledAt);
    const next = recoverAccount(current ? recoverByFreshUsage(withSample, now) : withSample, now);
    this.replace(next);
    const key = `${id}\u0000${sample.family}`;
    const stored = shouldStoreSample(this.lastStored.get(key), sample);
    if (stored) {
      this.lastStored.set(key, sample);
      this.deps.queue.push((s) => s.quota.insert(id, sample));
      if (sample.family === STANDARD_FAMILY) {
        this.recent.add(id, sample, now);
        this.deps.onStandardSampleStored?.(id, sample);
      }
    }
    if (next.status !== prev.status || next.familyBlocks !== prev.familyBlocks) this.persist(prev, next);
    // Every answer repeats the account's quota: tell listeners when it changed, or when the history took a row
    // (at least once a minute while in use), so the dashboard's "updated … ago" stays honest without an event
    // per request (issue 14).
    if (changed || stored)
      this.deps.onEvent?.({ type: 'quota', accountId: id, family: sample.family, sample });
  }

  /**
   * Adds or refreshes an account from its stored record (after login, import, refresh, a policy or status
   * change made by the user). Runtime overlays of an existing account are kept.
   */
  upsertRecord(record: AccountRecord): void {
    this.records.set(record.id, record);
    const prev = this.states.get(record.id);
    this.replace(prev ? { ...prev, ...fromRecord(record) } : createAccountState(fromRecord(record)));
    if (prev && prev.status !== record.status) {
      // A new login lifts reauth_required in the store; tell listeners like any other status change.
      this.deps.onEvent?.({
        type: 'status',
        accountId: record.id,
        from: prev.status,
        to: record.status,
        reason: record.statusReason,
      });
    }
    this.deps.onEvent?.({ type: 'account', accountId: record.id });
  }

  /**
   * Takes a rotated token set into the in-memory record without re-reading the row: the stored status may lag
   * the live one by a queued write, and a refresh must never roll a fresh status back.
   */
  updateTokens(
    id: string,
    fields: Pick<AccountRecord, 'sealedTokens' | 'accessExpiresAt' | 'lastRefreshAt'>,
  ): void {
    const record = this.records.get(id);
    if (record) this.records.set(id, { ...record, ...fields });
  }

  /**
   * Takes the plan upstream reports (the usage endpoint) when it differs from the one the login carried: a plan
   * changed after sign-in changes capacity, so ranking and the pooled view must follow. Written behind.
   */
  updatePlan(id: string, planType: string): void {
    const record = this.records.get(id);
    const state = this.states.get(id);
    if (!record || !state || record.planType === planType) return;
    this.records.set(id, { ...record, planType });
    this.replace({ ...state, planType });
    this.deps.queue.push((s) => s.accounts.setPlanType(id, planType));
    this.deps.onEvent?.({ type: 'account', accountId: id });
  }

  /** Writes every queued change now, so a following read of the store sees the live state. */
  flushWrites(): void {
    this.deps.queue.flush();
  }

  /** Forgets a deleted account. */
  remove(id: string): void {
    this.states.delete(id);
    this.records.delete(id);
    this.recent.forget(id);
    this.snapshot = null;
    this.version++;
    this.deps.onEvent?.({ type: 'accounts', removedId: id });
  }

  /**
   * A status the user sets: `paused`, or `active` on resume (which also clears any stale block, so a resumed
   * account is tried at once and upstream tells us if it is still limited). Unlike the balancer's own changes it
   * is committed before this returns (issue 8: the 200 of a pause must survive a kill -9); when the write fails
   * (disk full) it throws and the live state is left as it was, so nothing claims a change that is not stored.
   */
  setUserStatus(id: string, status: 'paused' | 'active'): AccountState | undefined {
    const prev = this.states.get(id);
    if (!prev) return undefined;
    const next: AccountState = {
      ...prev,
      status,
      statusReason: null,
      rateLimitKind: null,
      resetAt: null,
      blockedAt: null,
      cooldownUntil: null,
      errorCount: 0,
      lastErrorAt: null,
    };
    // Queued writes go first so the store sees changes in the order they happened.
    this.deps.queue.flush();
    const write = this.stateWrite(prev, next);
    if (write) this.deps.store.transaction(() => write(this.deps.store));
    this.replace(next);
    this.announce(prev, next);
    return next;
  }

  private replace(next: AccountState): void {
    const prev = this.states.get(next.id);
    if (
      prev === undefined ||
      prev.status !== next.status ||
      prev.planType !== next.planType ||
      !sameUsage(prev.usage, next.usage)
    ) {
      this.version++;
    }
    this.states.set(next.id, next);
    this.snapshot = null;
  }

  private persist(prev: AccountState, next: AccountState): void {
    const write = this.stateWrite(prev, next);
    if (!write) return;
    this.deps.queue.push(write);
    this.announce(prev, next);
  }

  /** The store write that takes an account from `prev` to `next`, or null when no persisted field changed. */
  private stateWrite(prev: AccountState, next: AccountState): ((s: Store) => void) | null {
    const id = next.id;
    const statusChanged = persistedStatusChanged(prev, next);
    const blocksChanged = prev.familyBlocks !== next.familyBlocks;
    if (!statusChanged && !blocksChanged) return null;
    return (s) => {
      if (statusChanged) {
        s.accounts.updateState(id, {
          status: next.status,
          statusReason: next.statusReason,
          rateLimitKind: next.rateLimitKind,
          resetAt: next.resetAt,
          blockedAt: next.blockedAt,
        });
      }
      if (blocksChanged) {
        for (const family of Object.keys(prev.familyBlocks)) {
          if (!(family in next.familyBlocks)) s.familyBlocks.delete(id, family);
        }
        for (const [family, block] of Object.entries(next.familyBlocks)) {
          if (prev.familyBlocks[family] !== block) s.familyBlocks.upsert({ accountId: id, family, ...block });
        }
      }
    };
  }

  /** Mirrors a persisted status change into the record and tells listeners. */
  private announce(prev: AccountState, next: AccountState): void {
    if (!persistedStatusChanged(prev, next)) return;
    const id = next.id;
    const record = this.records.get(id);
    if (record) {
      this.records.set(id, {
        ...record,
        status: next.status,
        statusReason: next.statusReason,
        rateLimitKind: next.rateLimitKind,
        resetAt: next.resetAt,
        blockedAt: next.blockedAt,
      });
    }
    if (prev.status !== next.status) {
      this.deps.onEvent?.({
        type: 'status',
        accountId: id,
        from: prev.status,
        to: next.status,
        reason: next.statusReason,
      });
    }
    this.deps.onEvent?.({ type: 'account', accountId: id });
  }
}
