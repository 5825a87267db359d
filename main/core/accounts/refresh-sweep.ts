/**
 * The background token sweep (PROTOCOL.md §1.4, codex-lb): every 6 h plus up to 300 s of jitter, refresh the
 * tokens of accounts whose last refresh is older than 12 h, three at a time. It keeps idle accounts' refresh
 * chains alive (refresh tokens expire when unused) and finds dead logins before a request needs them.
 */
import type { AccountStatus } from '../../../shared/domain';
import type { Logger } from '../log';
import type { PoolState } from '../pool/pool-state';
import { runLimited } from '../usage/run-limited';
import { RefreshError, type TokenService } from './token-service';

const SWEEP_INTERVAL_MS = 6 * 3600_000;
const SWEEP_JITTER_MS = 300_000;
/** Accounts refreshed longer ago than this are due. */
export const SWEEP_MAX_AGE_S = 12 * 3600;
const FAILURE_BACKOFF_S = 300;
const MAX_FAILURE_BACKOFF_S = 3600;
/** Nothing to refresh for these: a new login is needed. */
const SKIPPED: ReadonlySet<AccountStatus> = new Set(['reauth_required', 'deactivated']);

/** Dependencies of {@link RefreshSweep}. */
export interface RefreshSweepDeps {
  pool: PoolState;
  tokens: TokenService;
  now: () => number;
  random: () => number;
  log: Logger;
  intervalMs?: number;
  concurrency?: number;
}

/** What one sweep did. */
export interface SweepResult {
  refreshed: string[];
  failed: string[];
}

/** Periodic refresh of stale logins. Permanent failures are applied by the token service itself. */
export class RefreshSweep {
  private timer: NodeJS.Timeout | undefined;
  private readonly failures = new Map<string, { count: number; until: number }>();
  private running: Promise<SweepResult> | undefined;

  constructor(private readonly deps: RefreshSweepDeps) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Accounts due now: not needing a login, refreshed over 12 h ago (or never), not in failure backoff. */
  due(): string[] {
    const now = this.deps.now();
    return this.deps.pool
      .accounts()
      .filter((a) => !SKIPPED.has(a.status))
      .filter((a) => {
        const last = this.deps.pool.record(a.id)?.lastRefreshAt ?? null;
        return last === null || now - last > SWEEP_MAX_AGE_S;
      })
      .filter((a) => (this.failures.get(a.id)?.until ?? 0) <= now)
      .map((a) => a.id);
  }

  /** Runs one sweep now (concurrent callers share it). */
  sweepNow(): Promise<SweepResult> {
    this.running ??= this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(): void {
    const base = this.deps.intervalMs ?? SWEEP_INTERVAL_MS;
    this.timer = setTimeout(
      () => {
        void this.sweepNow()
          .catch((err: unknown) => this.deps.log.error('token sweep failed', { err }))
          .finally(() => this.schedule());
      },
      base + this.deps.random() * SWEEP_JITTER_MS,
    );
    this.timer.unref();
  }

  private async sweep(): Promise<SweepResult> {
    const ids = this.due();
    const result: SweepResult = { refreshed: [], failed: [] };
    await runLimited(ids, this.deps.concurrency ?? 3, async (id) => {
      try {
        await this.deps.tokens.refresh(id);
        this.failures.delete(id);
        result.refreshed.push(id);
      } catch (err) {
        if (!(err instanceof RefreshError)) throw err;
        const count = (this.failures.get(id)?.count ?? 0) + 1;
        const wait = Math.min(MAX_FAILURE_BACKOFF_S, FAILURE_BACKOFF_S * 2 ** (count - 1));
        this.failures.set(id, { count, until: this.deps.now() + wait });
        result.failed.push(id);
      }
    });
    return result;
  }
}
