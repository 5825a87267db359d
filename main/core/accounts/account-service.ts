import type { AccountDto, AccountPatch } from '../../../shared/api';
import type { AccountRecord, Store } from '../store';
import type { PoolState } from '../pool/pool-state';
import type { GatedModelEntry } from '../balancer';
import {
  parseAuthJson,
  toCodexAuthJson,
  toOpenCodeAuth,
  type CodexAuthJson,
  type OpenCodeAuth,
} from './auth-json';
import { identityFromTokens } from './jwt';
import type { TokenService, TokenSet } from './token-service';
import { toAccountDto } from './account-view';

/** The result of adding a login to the pool. */
export interface AddedAccount {
  account: AccountRecord;
  /** False when the login updated an account already in the pool (same workspace and user). */
  created: boolean;
}

/** The result of an auth.json import: the account plus the shape that was recognised. */
export interface ImportedAccount extends AddedAccount {
  format: 'codex' | 'opencode';
}

/** Why an account action was refused. Messages are for people and never hold a token. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(
    readonly code: 'not_found' | 'invalid_state',
    message: string,
  ) {
    super(message);
  }
}

/** Dependencies of {@link AccountService}. */
export interface AccountServiceDeps {
  store: Store;
  pool: PoolState;
  tokens: TokenService;
  now: () => number;
  /** The gated-model registry, for family labels in the API view. */
  registry?: () => readonly GatedModelEntry[];
  /** Called after an account is deleted (affinity, poller and caches forget it). */
  onRemoved?: (accountId: string) => void;
  /** Called after a login is stored or a paused account resumes (the poller fetches its quota). */
  onAdded?: (accountId: string) => void;
}

/** Statuses from which the user may pause an account (never a login problem: resuming would hide it). */
const PAUSABLE = new Set(['active', 'rate_limited', 'quota_exceeded']);

/**
 * Gets accounts into the pool and manages them. Every path that adds a login (browser, device code, auth.json
 * import) ends in {@link AccountService.addLogin}, so identity, sealing and de-duplication live in one place.
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /**
   * Imports an auth.json (Codex CLI or OpenCode shape, parsed JSON or its text). Re-importing the same account
   * updates it. Throws `AuthDataError` with a user-facing message for anything that is not a ChatGPT login.
   */
  importAuthJson(input: unknown): ImportedAccount {
    const parsed = parseAuthJson(input, { now: this.deps.now() });
    const added = this.addLogin(parsed.tokens, {
      accountId: parsed.accountId ?? null,
      lastRefreshAt: parsed.lastRefreshAt,
    });
    return { ...added, format: parsed.format };
  }

  /** Stores a login's tokens (sealed) under its identity and puts the account in the pool. */
  addLogin(
    tokens: TokenSet,
    options: { accountId?: string | null; lastRefreshAt?: number } = {},
  ): AddedAccount {
    const identity = identityFromTokens(tokens, { accountId: options.accountId ?? null });
    // The upsert reads the row's status back; queued status writes must land first or it would roll them back.
    this.deps.pool.flushWrites();
    const result = this.deps.store.accounts.upsertFromLogin({
      chatgptAccountId: identity.chatgptAccountId,
      userId: identity.userId,
      email: identity.email,
      planType: identity.planType,
      sealedTokens: this.deps.tokens.seal(tokens),
      accessExpiresAt: identity.accessExpiresAt,
      lastRefreshAt: options.lastRefreshAt ?? this.deps.now(),
    });
    this.deps.tokens.forget(result.account.id); // the new login replaces any set still waiting for the disk
    this.deps.pool.upsertRecord(result.account);
    this.deps.onAdded?.(result.account.id);
    return result;
  }

  /** Every account as the API shows it, in the order they were added. */
  list(): AccountDto[] {
    return this.deps.pool.allRecords().map((record) => this.toDto(record));
  }

  /** The named accounts that exist, as the API shows them, in the order given. */
  listSome(ids: readonly string[]): AccountDto[] {
    const out: AccountDto[] = [];
    for (const id of ids) {
      const record = this.deps.pool.record(id);
      if (record) out.push(this.toDto(record));
    }
    return out;
  }

  /** One account as the API shows it. Throws {@link AccountError} `not_found`. */
  view(id: string): AccountDto {
    return this.toDto(this.mustGet(id));
  }

  /**
   * The account's login in the Codex CLI or OpenCode shape. This hands out live tokens: the caller must be
   * the admin, and the user should know the two copies now share one refresh chain.
   */
  export(id: string, format: 'codex' | 'opencode'): CodexAuthJson | OpenCodeAuth {
    const record = this.mustGet(id);
    const tokens = this.deps.tokens.tokens(record);
    if (format === 'opencode') {
      return toOpenCodeAuth({
        tokens,
        accountId: record.chatgptAccountId,
        accessExpiresAt: record.accessExpiresAt,
      });
    }
    return toCodexAuthJson({
      tokens,
      accountId: record.chatgptAccountId,
      lastRefreshAt: record.lastRefreshAt ?? this.deps.now(),
    });
  }

  /** Takes the account out of routing until resumed. */
  pause(id: string): AccountDto {
    this.mustGet(id);
    const state = this.deps.pool.state(id);
    if (state?.status === 'paused') return this.view(id);
    if (!state || !PAUSABLE.has(state.status)) {
      throw new AccountError(
        'invalid_state',
        `This account is ${state?.status ?? 'unknown'}; only a routable account can be paused.`,
      );
    }
    this.deps.pool.setUserStatus(id, 'paused');
    return this.view(id);
  }

  /**
   * Pauses every routable account ("pause everything here" after a backup moved the pool elsewhere: refresh
   * tokens are single-use, so only one machine may keep using them). Returns how many it paused.
   */
  pauseAll(): number {
    let paused = 0;
    for (const record of this.deps.pool.allRecords()) {
      const status = this.deps.pool.state(record.id)?.status;
      if (status === undefined || !PAUSABLE.has(status)) continue;
      this.deps.pool.setUserStatus(record.id, 'paused');
      paused++;
    }
    // "Paused" must be on disk before we say so: the user is about to switch this machine off.
    this.deps.pool.flushWrites();
    return paused;
  }

  /** Puts a paused account back into routing. */
  resume(id: string): AccountDto {
    this.mustGet(id);
    const state = this.deps.pool.state(id);
    if (state?.status === 'active') return this.view(id);
    if (state?.status !== 'paused') {
      throw new AccountError(
        'invalid_state',
        `This account is ${state?.status ?? 'unknown'}, not paused; ${
          state?.status === 'reauth_required'
            ? 'sign in again to bring it back.'
            : 'there is nothing to resume.'
        }`,
      );
    }
    this.deps.pool.setUserStatus(id, 'active');
    this.deps.onAdded?.(id);
    return this.view(id);
  }

  /** Sets any of the routing policy, the label, the usage caps and the sequential priority. */
  update(id: string, patch: AccountPatch): AccountDto {
    this.mustGet(id);
    const { store, pool } = this.deps;
    pool.flushWrites();
    if (patch.routingPolicy !== undefined) store.accounts.setRoutingPolicy(id, patch.routingPolicy);
    if (patch.label !== undefined) store.accounts.setLabel(id, patch.label === '' ? null : patch.label);
    if (patch.usageCap !== undefined) store.accounts.setUsageCap(id, patch.usageCap);
    if (patch.priority !== undefined) store.accounts.setPriority(id, patch.priority);
    const record = store.accounts.get(id);
    if (record) pool.upsertRecord(record);
    return this.view(id);
  }

  /** Deletes the account, its samples and mappings; its logged requests stay, without the account. */
  remove(id: string): void {
    this.mustGet(id);
    // Writes queued for the account would otherwise run after the delete and fail on the missing row.
    this.deps.pool.flushWrites();
    this.deps.store.accounts.delete(id);
    this.deps.pool.remove(id);
    this.deps.tokens.forget(id);
    this.deps.onRemoved?.(id);
  }

  private toDto(record: AccountRecord): AccountDto {
    return toAccountDto(
      record,
      this.deps.pool.state(record.id),
      this.deps.registry?.() ?? [],
      this.deps.now(),
      this.deps.tokens.loginProblem(record.id),
    );
  }

  private mustGet(id: string): AccountRecord {
    const record = this.deps.pool.record(id);
    if (!record) throw new AccountError('not_found', `No account with id "${id}".`);
    return record;
  }
}
