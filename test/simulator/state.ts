import { randomBytes } from 'node:crypto';
import { decodeJwt, mintAccessToken, mintIdToken, mintRefreshToken } from './jwt';
import type { TokenIdentity } from './jwt';
import type {
  AccountInit,
  AccountRef,
  Clock,
  CodexAuthJson,
  Credits,
  FamilyState,
  OpenCodeAuthJson,
  RequestCost,
  SimAccountView,
  TokenSet,
  WindowsInit,
} from './types';
import { STANDARD_FAMILY, newFamily, rollFamily } from './usage';

/** The Codex CLI's OAuth client id (PROTOCOL.md §1.1). */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
export const DEFAULT_ACCESS_TOKEN_TTL = 10 * 24 * 3600;
export const DEFAULT_REFRESH_TOKEN_TTL = 60 * 24 * 3600;
export const DEFAULT_COST: RequestCost = { primary: 2, secondary: 0.5 };

/** The only additional family the simulator knows by default: Spark (PROTOCOL.md §9, BALANCER.md §5). */
export const KNOWN_FAMILIES: Record<string, { limitName: string; meteredFeature: string; models: string[] }> =
  {
    codex_other: {
      limitName: 'GPT-5.3-Codex-Spark',
      meteredFeature: 'codex_bengalfox',
      models: ['gpt-5.3-codex-spark'],
    },
  };

/**
 * One login of an account. Each browser/device login starts an independent refresh chain, while an
 * auth.json copied elsewhere shares its chain — which is what makes refresh-token reuse observable.
 */
export interface Session {
  account: Account;
  tokens: TokenSet;
  accessExp: number;
  refreshExp: number;
}

type RefreshStatus = 'current' | 'used' | 'revoked';

const isoMicros = (epochSeconds: number): string =>
  new Date(epochSeconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class Account implements SimAccountView {
  readonly families = new Map<string, FamilyState>();
  /**
   * Prompt cache per prompt_cache_key / session: the input tokens of the key's last request on this account.
   * A later request with the same key reads that many tokens from the cache, as upstream's cache would; a
   * request moved to another account starts cold there.
   */
  readonly promptCache = new Map<string, number>();
  readonly sessions: Session[] = [];
  costPerRequest: RequestCost;
  credits: Credits;
  resetCredits: number;
  accessTokenTtl: number | undefined;

  constructor(
    private readonly store: SimState,
    readonly id: string,
    readonly identity: TokenIdentity,
    init: AccountInit,
  ) {
    const now = store.now();
    this.costPerRequest = init.costPerRequest ?? { ...DEFAULT_COST };
    this.credits = init.credits ?? { hasCredits: false, unlimited: false, balance: '0' };
    this.resetCredits = init.resetCredits ?? 0;
    this.accessTokenTtl = init.accessTokenTtl;
    this.families.set(
      STANDARD_FAMILY,
      newFamily(STANDARD_FAMILY, init.usage ?? {}, now, { limitName: 'codex', meteredFeature: 'codex' }),
    );
    for (const [fid, f] of Object.entries(init.families ?? {})) {
      const known = KNOWN_FAMILIES[fid];
      this.families.set(
        fid,
        newFamily(fid, f, now, {
          limitName: f.limitName ?? known?.limitName ?? fid,
          meteredFeature: f.meteredFeature ?? known?.meteredFeature ?? fid,
        }),
      );
    }
  }

  get email(): string {
    return this.identity.email;
  }
  get planType(): string {
    return this.identity.planType;
  }
  get chatgptAccountId(): string {
    return this.identity.chatgptAccountId;
  }
  get userId(): string {
    return this.identity.userId;
  }
  get organizationId(): string {
    return this.identity.organizationId;
  }

  private get primarySession(): Session {
    const s = this.sessions[0];
    if (!s) throw new Error(`account ${this.email} has no session`);
    return s;
  }

  get tokens(): TokenSet {
    return { ...this.primarySession.tokens };
  }

  authJson(): CodexAuthJson {
    const t = this.primarySession.tokens;
    return {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: t.idToken,
        access_token: t.accessToken,
        refresh_token: t.refreshToken,
        account_id: this.chatgptAccountId,
      },
      last_refresh: isoMicros(this.store.now()),
    };
  }

  openCodeAuth(): OpenCodeAuthJson {
    const s = this.primarySession;
    return {
      openai: {
        type: 'oauth',
        refresh: s.tokens.refreshToken,
        access: s.tokens.accessToken,
        expires: Number(decodeJwt(s.tokens.accessToken)['exp']) * 1000,
        accountId: this.chatgptAccountId,
      },
    };
  }

  setUsage(usage: WindowsInit, familyId = STANDARD_FAMILY): void {
    const f = this.families.get(familyId);
    if (!f) throw new Error(`account ${this.email} has no family ${familyId}`);
    rollFamily(f, this.store.now());
    if (usage.primary !== undefined) f.primary.usedPercent = usage.primary;
    if (usage.secondary !== undefined) f.secondary.usedPercent = usage.secondary;
  }

  expireAccessToken(): void {
    this.primarySession.accessExp = this.store.now() - 1;
  }

  expireRefreshToken(): void {
    this.primarySession.refreshExp = this.store.now() - 1;
  }
}

/** Accounts, sessions and the token indexes: everything the HTTP handlers share. */
export class SimState {
  readonly accounts: Account[] = [];
  private readonly byAccess = new Map<string, Session>();
  private readonly byRefresh = new Map<string, { session: Session; status: RefreshStatus }>();
  accessTokenTtl = DEFAULT_ACCESS_TOKEN_TTL;
  refreshTokenTtl = DEFAULT_REFRESH_TOKEN_TTL;
  issuer = '';
  private seq = 0;

  constructor(readonly now: Clock) {}

  addAccount(init: AccountInit): Account {
    this.seq += 1;
    const n = this.seq;
    const identity: TokenIdentity = {
      email: init.email,
      planType: init.planType ?? 'plus',
      chatgptAccountId: init.chatgptAccountId ?? `${randomBytes(4).toString('hex')}-sim-acct-${n}`,
      userId: init.userId ?? `user-sim${n}${randomBytes(6).toString('hex')}`,
      organizationId: init.organizationId ?? `org-sim${n}`,
    };
    const account = new Account(this, `acct_${n}`, identity, init);
    this.accounts.push(account);
    this.startSession(account);
    return account;
  }

  find(ref: AccountRef): Account | undefined {
    if (typeof ref !== 'string') return this.accounts.find((a) => a === ref || a.id === ref.id);
    return this.accounts.find((a) => a.id === ref || a.email === ref || a.chatgptAccountId === ref);
  }

  get(ref: AccountRef): Account {
    const a = this.find(ref);
    if (!a) throw new Error(`unknown simulated account ${typeof ref === 'string' ? ref : ref.email}`);
    return a;
  }

  /** A fresh login: a new, independent refresh chain for the account. */
  startSession(account: Account): Session {
    const session: Session = {
      account,
      tokens: { idToken: '', accessToken: '', refreshToken: '' },
      accessExp: 0,
      refreshExp: 0,
    };
    account.sessions.push(session);
    this.mint(session);
    return session;
  }

  private mint(session: Session): void {
    const now = this.now();
    const ttl = session.account.accessTokenTtl ?? this.accessTokenTtl;
    const id = session.account.identity;
    session.tokens = {
      idToken: mintIdToken(id, this.issuer, CODEX_CLIENT_ID, now, ttl),
      accessToken: mintAccessToken(id, this.issuer, CODEX_CLIENT_ID, now, ttl),
      refreshToken: mintRefreshToken(),
    };
    session.accessExp = now + ttl;
    session.refreshExp = now + this.refreshTokenTtl;
    this.byAccess.set(session.tokens.accessToken, session);
    this.byRefresh.set(session.tokens.refreshToken, { session, status: 'current' });
  }

  /** Look up a bearer: the session, or why it is refused (PROTOCOL.md §10 401 codes). */
  authenticate(accessToken: string): { session?: Session; error?: 'token_invalidated' | 'token_expired' } {
    const session = this.byAccess.get(accessToken);
    if (!session) return { error: 'token_invalidated' };
    if (session.accessExp <= this.now()) return { session, error: 'token_expired' };
    return { session };
  }

  /**
   * Refresh with rotation. The old refresh token is remembered as used so a second presentation is
   * answered `refresh_token_reused`; the old access token stops working at once, which catches clients
   * that keep using a stale token after refreshing.
   */
  refresh(
    refreshToken: string,
  ): Session | 'refresh_token_reused' | 'refresh_token_expired' | 'refresh_token_invalidated' {
    const entry = this.byRefresh.get(refreshToken);
    if (!entry || entry.status === 'revoked') return 'refresh_token_invalidated';
    if (entry.status === 'used') return 'refresh_token_reused';
    const { session } = entry;
    if (session.refreshExp <= this.now()) return 'refresh_token_expired';
    entry.status = 'used';
    this.byAccess.delete(session.tokens.accessToken);
    this.mint(session);
    return session;
  }

  sessionOfRefresh(refreshToken: string): Session | undefined {
    return this.byRefresh.get(refreshToken)?.session;
  }

  /** `/oauth/revoke`: kill a refresh token or an access token. */
  revoke(token: string): boolean {
    const entry = this.byRefresh.get(token);
    if (entry) {
      entry.status = 'revoked';
      return true;
    }
    return this.byAccess.delete(token);
  }

  /** Invalidate the access tokens of every session of the account (a server-side logout). */
  invalidateAccessTokens(account: Account): void {
    for (const s of account.sessions) this.byAccess.delete(s.tokens.accessToken);
  }
}
