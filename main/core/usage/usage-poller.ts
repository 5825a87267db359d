/**
 * The usage poller (PROTOCOL.md §9): every ~60 s, jittered, it asks `/wham/usage` for the quota of every
 * routable account and feeds the samples to the pool, which canonicalises them and lets exhausted accounts
 * recover (BALANCER.md §1.5). Live headers and `codex.rate_limits` events reach the pool through the proxy;
 * this fills the gaps for idle accounts and corrects state that upstream contradicts.
 */
import type { AccountStatus } from '../../../shared/domain';
import type { Logger } from '../log';
import type { PoolState } from '../pool/pool-state';
import { controlHeaders, parseUsagePayload } from '../protocol';
import { normalizePlanType } from '../accounts/jwt';
import { RefreshError, type TokenService } from '../accounts/token-service';
import type { UpstreamClient } from '../upstream/client';
import { runLimited } from './run-limited';
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
  /** Between rounds (default 60 s), jittered ±10 %. */
  intervalMs?: number;
  /** Before the first round after start (default 15 s), so start-up is not a burst of requests. */
  initialDelayMs?: number;
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

/** Polls the usage endpoint for every routable account. Start with {@link start}; tests call {@link pollNow}. */
export class UsagePoller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly backoff = new Map<string, Backoff>();
  private readonly inFlight = new Map<string, Promise<PollResult>>();
  private round: Promise<Map<string, PollResult>> | undefined;

  constructor(private readonly deps: UsagePollerDeps) {}

  /** Schedules the rounds. Timers are unref'd: polling never keeps the process alive. */
  start(): void {
    this.stopped = false;
    this.schedule(this.deps.initialDelayMs ?? 15_000);
  }

  /** Stops scheduling and aborts requests in flight. */
  stop(): void {
    this.stopped = true;
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

  /** Forgets a deleted account's backoff. */
  forget(id: string): void {
    this.backoff.delete(id);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollNow()
        .catch((err: unknown) => this.deps.log.error('usage poll round failed', { err }))
        .finally(() => {
          const base = this.deps.intervalMs ?? 60_000;
          this.schedule(base * (0.9 + 0.2 * this.deps.random()));
        });
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
    const interval = (this.deps.intervalMs ?? 60_000) / 1000;
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
