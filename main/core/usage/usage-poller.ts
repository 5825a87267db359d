/**
 * The usage poller (PROTOCOL.md §9): it asks `/wham/usage` for the quota of routable accounts and feeds the samples
 * to the pool, which canonicalises them and lets exhausted accounts recover (BALANCER.md §1.5). Live headers and
 * `codex.rate_limits` events reach the pool through the proxy, so only accounts whose data is older than the
 * interval (default 60 s) are polled, one at a time, spread evenly over the interval and never faster than a
 * ceiling (issue 14, see poll-schedule.ts). A newly added or resumed account is polled at once (issue 8).
 */
import type { AccountStatus } from '../../../shared/domain';
import type { Logger } from '../log';
import type { PoolState } from '../pool/pool-state';
import { controlHeaders, parseUsagePayload } from '../protocol';
import { normalizePlanType } from '../accounts/jwt';
import { RefreshError, type TokenService } from '../accounts/token-service';
import type { UpstreamClient } from '../upstream/client';
import { runLimited } from './run-limited';
import { DEFAULT_USAGE_POLLS_PER_MINUTE, pollGapMs, stalestDue, type PollCandidate } from './poll-schedule';
import { classifyUsageResponse, RETRYABLE_USAGE_STATUSES } from './usage-response';

/** Statuses the poller skips (§9): the user paused them, or they cannot authenticate. */
const NOT_POLLED: ReadonlySet<AccountStatus> = new Set(['paused', 'reauth_required', 'deactivated']);
/** A 401/403 that survives a refresh stops polling the account this long (§9). */
export const AUTH_PAUSE_S = 300;
/** Transient failures back off from one interval, doubling, up to this. */
const MAX_BACKOFF_S = 900;

/** Dependencies of {@link UsagePoller}; every timing is injectable so tests never wait. */
export interface UsagePollerDeps {
  pool: PoolState;
  tokens: TokenService;
  upstream: UpstreamClient;
  now: () => number;
  random: () => number;
  log: Logger;
  userAgent?: string;
  /** How old an account's quota data may get before it is polled (default 60 s). */
  intervalMs?: number;
  /** Before the first poll after start (default 15 s), so start-up is left to the requests. */
  initialDelayMs?: number;
  /** Ceiling of background polls per minute, whatever the pool size (default 120). */
  maxPollsPerMinute?: number;
  /** Accounts polled at once (default 3). */
  concurrency?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Waits before the retries of a 408/429/5xx or network error (default 1 s, 2 s: two retries). */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

/** What one account's poll did. */
export type PollResult =
  | { kind: 'ok'; samples: number }
  | { kind: 'skipped'; reason: 'gone' | 'not_routable' | 'backoff' }
  | { kind: 'failed'; code: string; message: string };

interface Backoff {
  failures: number;
  until: number;
}

type Fetched = { status: number; body: unknown } | { error: string };

/**
 * Polls the usage endpoint for accounts whose quota data is stale. Start with {@link start}; tests call
 * {@link pollDue} (one tick of the schedule) or {@link pollNow} (every routable account).
 */
export class UsagePoller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  /** When each account was last polled (epoch seconds): an answer without samples still counts as fresh. */
  private readonly lastPolledAt = new Map<string, number>();
  /** New or resumed accounts waiting for their first poll. */
  private readonly soon = new Set<string>();
  private readonly abort = new AbortController();
  private readonly backoff = new Map<string, Backoff>();
  private readonly inFlight = new Map<string, Promise<PollResult>>();
  private round: Promise<Map<string, PollResult>> | undefined;

  constructor(private readonly deps: UsagePollerDeps) {}

  /** Schedules the polls. Timers are unref'd: polling never keeps the process alive. */
  start(): void {
    this.stopped = false;
    this.started = true;
    this.schedule(this.deps.initialDelayMs ?? 15_000);
  }

  /** Stops scheduling and aborts requests in flight. */
  stop(): void {
    this.stopped = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
  }

  /** Polls every routable account now (one round at a time; concurrent callers share it). */
  pollNow(): Promise<Map<string, PollResult>> {
    this.round ??= this.runRound().finally(() => (this.round = undefined));
    return this.round;
  }

  /**
   * Polls one account. `force` (a user's refresh) ignores the status filter and the backoff. Concurrent calls
   * for the same account share one request.
   */
  pollAccount(id: string, options: { force?: boolean } = {}): Promise<PollResult> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const promise = this.poll(id, options.force === true).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, promise);
    return promise;
  }

  /**
   * One tick of the schedule: polls the account whose data is stalest, if it is older than the interval and the
   * account is routable, not in backoff and not being polled already. Resolves with what was polled, or null.
   */
  async pollDue(): Promise<{ id: string; result: PollResult } | null> {
    if (this.inFlight.size >= (this.deps.concurrency ?? 3)) return null;
    const id = stalestDue(this.candidates(), this.deps.now(), this.intervalMs() / 1000);
    if (id === null) return null;
    return { id, result: await this.pollAccount(id) };
  }

  /**
   * Polls a newly added or resumed account at once, so its quota shows (and counts in ranking) without waiting
   * for its turn. Only while the background schedule runs; the user's refresh uses {@link pollAccount}.
   */
  pollSoon(id: string): void {
    if (!this.started) return;
    this.soon.add(id);
    this.drainSoon();
  }

  /** Polls the accounts waiting in {@link pollSoon}, no more at once than the concurrency (a batch import). */
  private drainSoon(): void {
    const limit = this.deps.concurrency ?? 3;
    for (const id of this.soon) {
      if (this.inFlight.size >= limit || this.stopped) return;
      this.soon.delete(id);
      this.pollAccount(id, { force: true })
        .catch((err: unknown) => this.deps.log.error('usage poll failed', { accountId: id, err }))
        .finally(() => this.drainSoon());
    }
  }

  /** Forgets a deleted account's backoff. */
  forget(id: string): void {
    this.backoff.delete(id);
    this.soon.delete(id);
    this.lastPolledAt.delete(id);
  }

  private intervalMs(): number {
    return this.deps.intervalMs ?? 60_000;
  }

  private candidates(): PollCandidate[] {
    const now = this.deps.now();
    const out: PollCandidate[] = [];
    for (const account of this.deps.pool.accounts()) {
      if (NOT_POLLED.has(account.status) || this.inFlight.has(account.id)) continue;
      if ((this.backoff.get(account.id)?.until ?? 0) > now) continue;
      let freshAt = this.lastPolledAt.get(account.id) ?? null;
      for (const sample of Object.values(account.usage)) {
        if (freshAt === null || sample.recordedAt > freshAt) freshAt = sample.recordedAt;
      }
      out.push({ id: account.id, freshAt });
    }
    return out;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // Not awaited: a slow answer must not stretch the schedule; the concurrency cap bounds overlap.
      this.pollDue().catch((err: unknown) => this.deps.log.error('usage poll failed', { err }));
      const routable = this.deps.pool.accounts().filter((a) => !NOT_POLLED.has(a.status)).length;
      const gap = pollGapMs(
        routable,
        this.intervalMs(),
        this.deps.maxPollsPerMinute ?? DEFAULT_USAGE_POLLS_PER_MINUTE,
      );
      this.schedule(gap * (0.9 + 0.2 * this.deps.random()));
    }, ms);
    this.timer.unref();
  }

  private async runRound(): Promise<Map<string, PollResult>> {
    const ids = this.deps.pool
      .accounts()
      .filter((a) => !NOT_POLLED.has(a.status))
      .map((a) => a.id);
    const results = await runLimited(ids, this.deps.concurrency ?? 3, (id) => this.pollAccount(id));
    const out = new Map<string, PollResult>();
    ids.forEach((id, i) => {
      const r = results[i]!;
      out.set(id, 'error' in r ? { kind: 'failed', code: 'internal', message: String(r.error) } : r);
    });
    return out;
  }

  private async poll(id: string, force: boolean): Promise<PollResult> {
    const { pool, now } = this.deps;
    const state = pool.state(id);
    const record = pool.record(id);
    if (!state || !record) return { kind: 'skipped', reason: 'gone' };
    if (!force && NOT_POLLED.has(state.status)) return { kind: 'skipped', reason: 'not_routable' };
    if (!force && (this.backoff.get(id)?.until ?? 0) > now()) return { kind: 'skipped', reason: 'backoff' };

    const polledAt = now();
    this.lastPolledAt.set(id, polledAt);
    let token = await this.token(id, false);
    if (typeof token !== 'string') return token;
    let res = await this.fetchUsage(token, record.chatgptAccountId);
    if (!('error' in res) && res.status === 401) {
      // §9: 401 → refresh and retry once.
      token = await this.token(id, true);
      if (typeof token !== 'string') return token;
      res = await this.fetchUsage(token, record.chatgptAccountId);
    }
    if ('error' in res)
      return this.transientFailure(id, 'network_error', `Usage request failed: ${res.error}`);
    const verdict = classifyUsageResponse(res.status, res.body);
    switch (verdict.kind) {
      case 'ok':
        return this.ingest(id, res.body, polledAt);
      case 'unauthorized':
      case 'forbidden':
        this.backoff.set(id, { failures: 0, until: now() + AUTH_PAUSE_S });
        return {
          kind: 'failed',
          code: verdict.kind,
          message: `The usage endpoint refused the account (HTTP ${res.status}); polling it again in ${AUTH_PAUSE_S} s.`,
        };
      case 'permanent':
        pool.applyOutcome(id, {
          kind: 'permanent',
          status: verdict.status,
          code: verdict.code,
          message: verdict.message,
        });
        return { kind: 'failed', code: verdict.code, message: verdict.message };
      case 'transient':
        return this.transientFailure(id, verdict.code, verdict.message);
    }
  }

  /** An access token, or the failure that stopped us getting one (a permanent one is already applied). */
  private async token(id: string, forceRefresh: boolean): Promise<string | PollResult> {
    try {
      return forceRefresh
        ? (await this.deps.tokens.refresh(id)).accessToken
        : await this.deps.tokens.accessToken(id);
    } catch (err) {
      if (!(err instanceof RefreshError)) throw err;
      if (err.failure.kind === 'permanent') {
        return { kind: 'failed', code: err.failure.code, message: err.failure.message };
      }
      return this.transientFailure(id, err.failure.code, err.failure.message);
    }
  }

  private ingest(id: string, body: unknown, polledAt: number): PollResult {
    const parsed = parseUsagePayload(body, this.deps.now());
    if (!parsed.ok) return this.transientFailure(id, parsed.code, parsed.message);
    this.backoff.delete(id);
    if (parsed.value.planType) this.deps.pool.updatePlan(id, normalizePlanType(parsed.value.planType));
    for (const sample of parsed.value.samples) this.deps.pool.ingestSample(id, sample, { polledAt });
    return { kind: 'ok', samples: parsed.value.samples.length };
  }

  private transientFailure(id: string, code: string, message: string): PollResult {
    const failures = (this.backoff.get(id)?.failures ?? 0) + 1;
    const interval = this.intervalMs() / 1000;
    const wait = Math.min(MAX_BACKOFF_S, interval * 2 ** (failures - 1));
    this.backoff.set(id, { failures, until: this.deps.now() + wait });
    this.deps.log.warn('usage poll failed', { accountId: id, code, failures });
    return { kind: 'failed', code, message };
  }

  /** GET /wham/usage with a timeout and two retries on 408/429/5xx and network errors. */
  private async fetchUsage(accessToken: string, chatgptAccountId: string): Promise<Fetched> {
    const delays = this.deps.retryDelaysMs ?? [1000, 2000];
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    const headers = controlHeaders(
      accessToken,
      chatgptAccountId,
      this.deps.userAgent !== undefined ? { userAgent: this.deps.userAgent } : {},
    );
    let last: Fetched = { error: 'not attempted' };
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await sleep(delays[attempt - 1]!);
      if (this.abort.signal.aborted) return { error: 'stopped' };
      try {
        const signal = AbortSignal.any([
          AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
          this.abort.signal,
        ]);
        const res = await this.deps.upstream.send('GET', '/wham/usage', headers, undefined, signal);
        const text = await res.body.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        last = { status: res.statusCode, body };
        if (!RETRYABLE_USAGE_STATUSES.has(res.statusCode)) return last;
      } catch (err) {
        // undici's messages name the host and the cause, never the headers.
        last = { error: (err as Error).message };
      }
    }
    return last;
  }
}
