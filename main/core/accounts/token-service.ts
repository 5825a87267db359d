import type { AccountRecord } from '../store';
import type { SealedSecret, SecretBox } from '../secrets';
import type { UpstreamClient } from '../upstream/client';
import type { Logger } from '../log';
import type { AuthTokens } from './auth-json';
import { decodeJwtClaims } from './jwt';
import { OAUTH_CLIENT_ID } from './oauth-constants';
import { classifyRefreshFailure, type RefreshFailure } from './refresh-outcome';

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
 * uses the new access token — after a crash the stored set is either wholly old or wholly new.
 */
export class TokenService {
  private readonly cache = new Map<string, { sealed: SealedSecret; tokens: TokenSet }>();
  private readonly inFlight = new Map<string, Promise<TokenSet>>();

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
    },
  ) {}

  /** The account's tokens as stored (decrypted once per stored version). */
  tokens(account: AccountRecord): TokenSet {
    const cached = this.cache.get(account.id);
    if (cached && cached.sealed === account.sealedTokens) return cached.tokens;
    const tokens = JSON.parse(this.deps.secretBox.open(account.sealedTokens)) as TokenSet;
    this.cache.set(account.id, { sealed: account.sealedTokens, tokens });
    return tokens;
  }

  /** A usable access token: the stored one, or a fresh one when it expires within the margin. */
  async accessToken(accountId: string): Promise<string> {
    const account = this.mustGet(accountId);
    if (!this.needsRefresh(account)) return this.tokens(account).accessToken;
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
  }

  private needsRefresh(account: AccountRecord): boolean {
    const now = this.deps.now();
    if (account.accessExpiresAt !== null) return account.accessExpiresAt - EXPIRY_MARGIN_S <= now;
    return account.lastRefreshAt === null || now - account.lastRefreshAt > MAX_AGE_WITHOUT_EXP_S;
  }

  private async doRefresh(accountId: string): Promise<TokenSet> {
    const account = this.mustGet(accountId);
    const current = this.tokens(account);
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
    this.deps.repo.updateTokens(
      accountId,
      sealed,
      typeof exp === 'number' ? Math.floor(exp) : null,
      this.deps.now(),
    );
    this.cache.set(accountId, { sealed, tokens: next });
    this.deps.log.info('token refreshed', { accountId });
    return next;
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
