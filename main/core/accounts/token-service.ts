import type { AccountRecord } from '../store';
import { SecretBoxError, type SealedSecret, type SecretBox } from '../secrets';
import type { UpstreamClient } from '../upstream/client';
import type { Logger } from '../log';
import type { AuthTokens } from './auth-json';
import { decodeJwtClaims } from './jwt';
import { OAUTH_CLIENT_ID } from './oauth-constants';
import { classifyRefreshFailure, type RefreshFailure } from './refresh-outcome';
import { classifyStorageError, describeStorageProblem } from '../store/storage-health';

/** The three tokens of a ChatGPT login (no id token for logins imported from OpenCode). */
export type TokenSet = AuthTokens;

/** The store operations the token service needs. */
export interface TokenRepository {
  get(id: string): AccountRecord | null;
  updateTokens(
    id: string,
    sealed: SealedSecret,
    accessExpiresAt: number | null,
    lastRefreshAt: number,
  ): boolean;
}

/** A rotated token set not yet on disk: what the next write attempt stores. */
interface UnsavedTokens {
  sealed: SealedSecret;
  accessExpiresAt: number | null;
  lastRefreshAt: number;
  /** Why it is not on disk, for the account's `lastError`. */
  problem: string;
  /** When the disk first refused it (epoch s). */
  since: number;
}

/** Where the token service reports disk trouble (the core's storage health). */
export interface TokenStorageReporter {
  failed(err: unknown): unknown;
  succeeded(): void;
}

/** A refresh that could not produce a token. */
export class RefreshError extends Error {
  constructor(readonly failure: RefreshFailure) {
    super(failure.message);
    this.name = 'RefreshError';
  }
}

/** Refresh this long before `exp`, so a long stream never starts with a token about to expire (PROTOCOL §1.4). */
export const EXPIRY_MARGIN_S = 300;
/** When `exp` is unreadable, refresh once the last refresh is this old (the Codex CLI's rule). */
const MAX_AGE_WITHOUT_EXP_S = 8 * 24 * 3600;

/**
 * Hands out access tokens and refreshes them. Refresh tokens are single-use upstream, so: one refresh in
 * flight per account (single flight), and the rotated set is written to SQLite in one statement before anyone
 * uses the new access token — after a crash the stored set is either wholly old or wholly new. A set the disk
 * refuses is kept in memory, used, and written by {@link TokenService.retryUnsaved} once the disk allows.
 */
export class TokenService {
  private readonly cache = new Map<string, { sealed: SealedSecret; tokens: TokenSet }>();
  private readonly inFlight = new Map<string, Promise<TokenSet>>();
  private readonly unsaved = new Map<string, UnsavedTokens>();
  /** Accounts whose saved login the secret box could not open, with its message (which names the key file). */
  private readonly unreadable = new Map<string, { message: string; since: number }>();

  constructor(
    private readonly deps: {
      repo: TokenRepository;
      secretBox: SecretBox;
      auth: UpstreamClient;
      now: () => number;
      log: Logger;
      /**
       * Called once per permanent refresh failure, before the error is thrown, whoever asked for the refresh
       * (proxy, usage poller, sweep, the user): the one place that moves the account to `reauth_required` or
       * `deactivated` with the human reason.
       */
      onPermanentFailure?: (accountId: string, failure: RefreshFailure & { kind: 'permanent' }) => void;
      /** Told when a rotated set could not be written, and when a retry wrote it. */
      storage?: TokenStorageReporter;
      /** Called when an account's login problem (unsaved, unreadable) appears or clears (the dashboard shows it). */
      onUnsavedChange?: (accountId: string) => void;
    },
  ) {}

  /** The account's tokens as stored (decrypted once per stored version). */
  tokens(account: AccountRecord): TokenSet {
    // A set the disk refused is newer than the stored one, whose refresh token upstream has already spent.
    const sealed = this.unsaved.get(account.id)?.sealed ?? account.sealedTokens;
    const cached = this.cache.get(account.id);
    if (cached && cached.sealed === sealed) return cached.tokens;
    const tokens = JSON.parse(this.deps.secretBox.open(sealed)) as TokenSet;
    this.cache.set(account.id, { sealed, tokens });
    return tokens;
  }

  /**
   * What is wrong with the account's login as far as this service knows: not on disk yet, or not openable with
   * the key file. Null when nothing is.
   */
  loginProblem(accountId: string): string | null {
    return this.unsaved.get(accountId)?.problem ?? this.unreadable.get(accountId)?.message ?? null;
  }

  /** Logins the secret box could not open: how many, and since when (epoch s); null when none. */
  unreadableLogins(): { count: number; since: number } | null {
    let since: number | null = null;
    for (const u of this.unreadable.values()) since = since === null ? u.since : Math.min(since, u.since);
    return since === null ? null : { count: this.unreadable.size, since };
  }

  /** How many accounts hold a login only in memory. */
  get unsavedCount(): number {
    return this.unsaved.size;
  }

  /** When the oldest login still only in memory was refused by the disk (epoch s), or null when none is. */
  unsavedSince(): number | null {
    let since: number | null = null;
    for (const u of this.unsaved.values()) since = since === null ? u.since : Math.min(since, u.since);
    return since;
  }

  /**
   * Tries again to store every rotated set the disk refused (a timer calls this while any is pending, and
   * shutdown calls it once more). Returns how many are still only in memory.
   */
  retryUnsaved(): number {
    for (const [id, pending] of [...this.unsaved]) this.store(id, pending);
    return this.unsaved.size;
  }

  /** A usable access token: the stored one, or a fresh one when it expires within the margin. */
  async accessToken(accountId: string): Promise<string> {
    const account = this.mustGet(accountId);
    if (!this.needsRefresh(account)) return this.openTokens(account).accessToken;
    return (await this.refresh(accountId)).accessToken;
  }

  /**
   * Refreshes now (single flight: concurrent callers share one request). Throws {@link RefreshError};
   * a permanent failure means the account needs a new login or is gone.
   */
  refresh(accountId: string): Promise<TokenSet> {
    const running = this.inFlight.get(accountId);
    if (running) return running;
    const promise = this.doRefresh(accountId).finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, promise);
    return promise;
  }

  /** Seals a token set for storage. */
  seal(tokens: TokenSet): SealedSecret {
    return this.deps.secretBox.seal(JSON.stringify(tokens));
  }

  /** Drops the cached plaintext of a deleted account. */
  forget(accountId: string): void {
    this.cache.delete(accountId);
    // A new login (or a deletion) supersedes a set still waiting for the disk: never write the old one back.
    const hadProblem = this.unsaved.delete(accountId) || this.unreadable.has(accountId);
    this.unreadable.delete(accountId);
    if (hadProblem) this.deps.onUnsavedChange?.(accountId);
  }

  private needsRefresh(account: AccountRecord): boolean {
    const now = this.deps.now();
    const { accessExpiresAt, lastRefreshAt } = this.unsaved.get(account.id) ?? account;
    if (accessExpiresAt !== null) return accessExpiresAt - EXPIRY_MARGIN_S <= now;
    return lastRefreshAt === null || now - lastRefreshAt > MAX_AGE_WITHOUT_EXP_S;
  }

  /**
   * Writes a rotated set. When the disk refuses it (full, read-only), the set is kept in memory and used all
   * the same: upstream has already spent the old refresh token, so dropping the new set would sign the account
   * out for good (issue 8). It is retried until it lands, and the account shows the problem meanwhile.
   */
  private store(accountId: string, update: Omit<UnsavedTokens, 'problem' | 'since'>): void {
    const previous = this.unsaved.get(accountId);
    const wasUnsaved = previous !== undefined;
    try {
      this.deps.repo.updateTokens(accountId, update.sealed, update.accessExpiresAt, update.lastRefreshAt);
    } catch (err) {
      this.deps.storage?.failed(err);
      this.unsaved.set(accountId, {
        ...update,
        problem: unsavedMessage(err),
        since: previous?.since ?? this.deps.now(),
      });
      if (!wasUnsaved) {
        this.deps.log.error('could not save a renewed login; using it from memory and retrying', {
          accountId,
          err,
        });
        this.deps.onUnsavedChange?.(accountId);
      }
      return;
    }
    this.deps.storage?.succeeded();
    if (wasUnsaved) {
      this.unsaved.delete(accountId);
      this.deps.log.info('saved a renewed login that was waiting for the disk', { accountId });
      this.deps.onUnsavedChange?.(accountId);
    }
  }

  private async doRefresh(accountId: string): Promise<TokenSet> {
    const account = this.mustGet(accountId);
    const current = this.openTokens(account);
    let status: number;
    let body: unknown;
    try {
      const res = await this.deps.auth.send(
        'POST',
        '/oauth/token',
        { 'content-type': 'application/json', accept: 'application/json' },
        JSON.stringify({
          client_id: OAUTH_CLIENT_ID,
          grant_type: 'refresh_token',
          refresh_token: current.refreshToken,
        }),
      );
      status = res.statusCode;
      const text = await res.body.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    } catch (err) {
      throw new RefreshError({
        kind: 'transient',
        code: 'network_error',
        message: `Token refresh failed: ${(err as Error).message}`,
      });
    }
    if (status < 200 || status >= 300) {
      const failure = classifyRefreshFailure(status, body);
      this.deps.log.warn('token refresh failed', {
        accountId,
        status,
        code: failure.code,
        kind: failure.kind,
      });
      if (failure.kind === 'permanent') this.deps.onPermanentFailure?.(accountId, failure);
      throw new RefreshError(failure);
    }
    const fresh = body as Partial<Record<'id_token' | 'access_token' | 'refresh_token', unknown>>;
    // Upstream may omit any field (the Codex CLI keeps the old value for absent ones); PROTOCOL §1.4.
    const next: TokenSet = {
      idToken: typeof fresh.id_token === 'string' ? fresh.id_token : current.idToken,
      accessToken: typeof fresh.access_token === 'string' ? fresh.access_token : current.accessToken,
      refreshToken: typeof fresh.refresh_token === 'string' ? fresh.refresh_token : current.refreshToken,
    };
    const exp = decodeJwtClaims(next.accessToken)?.exp;
    const sealed = this.seal(next);
    // Persist before use. If the process dies between upstream's answer and this write, the row still holds
    // the wholly old set (one UPDATE), whose refresh token upstream now considers spent: the next refresh
    // gets `refresh_token_reused` and the account moves to reauth_required with a human reason — it is
    // never lost and nothing crashes, but it needs a new login. No client can close that window (the
    // rotation happens upstream before we see the new token); making it a few microseconds wide is all
    // we can do. An old access token that upstream still honours keeps serving until it expires.
    this.store(accountId, {
      sealed,
      accessExpiresAt: typeof exp === 'number' ? Math.floor(exp) : null,
      lastRefreshAt: this.deps.now(),
    });
    this.cache.set(accountId, { sealed, tokens: next });
    this.deps.log.info('token refreshed', { accountId });
    return next;
  }

  /**
   * {@link tokens} for the request paths: a login the secret box cannot open (a replaced key file) becomes a
   * refresh failure carrying the box's message, which names the key file, instead of an anonymous 500.
   */
  private openTokens(account: AccountRecord): TokenSet {
    try {
      const tokens = this.tokens(account);
      if (this.unreadable.delete(account.id)) this.deps.onUnsavedChange?.(account.id);
      return tokens;
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      if (!this.unreadable.has(account.id)) {
        this.unreadable.set(account.id, { message: err.message, since: this.deps.now() });
        this.deps.onUnsavedChange?.(account.id);
      }
      throw new RefreshError({ kind: 'transient', code: 'login_unreadable', message: err.message });
    }
  }

  private mustGet(accountId: string): AccountRecord {
    const account = this.deps.repo.get(accountId);
    if (!account)
      throw new RefreshError({
        kind: 'transient',
        code: 'account_gone',
        message: 'The account was removed.',
      });
    return account;
  }
}

function unsavedMessage(err: unknown): string {
  const code = classifyStorageError(err);
  const why = code === null ? 'the database refused the write' : describeStorageProblem(code).reason;
  return `The renewed login could not be saved: ${why}. It is in use from memory and saved as soon as the disk allows; stopping Codex Pool before then would sign this account out.`;
}
