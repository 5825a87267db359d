import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountStatus, RateLimitKind, RoutingPolicy } from '../../../shared/domain';
import { isSealedSecret, type SealedSecret } from '../secrets';
import type { AccountIdentity, AccountRecord, AccountStateUpdate, LoginUpsert } from './types';

interface AccountRow {
  id: string;
  chatgpt_account_id: string;
  user_key: string;
  email: string | null;
  plan_type: string | null;
  label: string | null;
  status: string;
  status_reason: string | null;
  rate_limit_kind: string | null;
  reset_at: number | null;
  blocked_at: number | null;
  routing_policy: string;
  cap_short_percent: number | null;
  cap_long_percent: number | null;
  priority: number | null;
  sealed_tokens: string;
  access_expires_at: number | null;
  last_refresh_at: number | null;
  created_at: number;
  updated_at: number;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new account id: `acc_` + 12 random base32 characters (60 bits). */
export function newAccountId(): string {
  const bytes = randomBytes(12);
  let id = 'acc_';
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/**
 * The member part of an account's identity: `chatgpt_user_id`, else the lower-cased email. Throws when
 * neither is known, because a workspace id alone cannot tell two Team members apart.
 */
export function userKeyFor(identity: Pick<AccountIdentity, 'userId' | 'email'>): string {
  const userId = identity.userId?.trim();
  if (userId) return userId;
  const email = identity.email?.trim().toLowerCase();
  if (email) return email;
  throw new Error('This login carries neither a ChatGPT user id nor an email, so it cannot be told apart.');
}

function toRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    chatgptAccountId: row.chatgpt_account_id,
    userKey: row.user_key,
    email: row.email,
    planType: row.plan_type,
    label: row.label,
    status: row.status as AccountStatus,
    statusReason: row.status_reason,
    rateLimitKind: row.rate_limit_kind as RateLimitKind | null,
    resetAt: row.reset_at,
    blockedAt: row.blocked_at,
    routingPolicy: row.routing_policy as RoutingPolicy,
    capShortPercent: row.cap_short_percent,
    capLongPercent: row.cap_long_percent,
    priority: row.priority,
    sealedTokens: row.sealed_tokens as SealedSecret,
    accessExpiresAt: row.access_expires_at,
    lastRefreshAt: row.last_refresh_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// Defence in depth behind the SealedSecret brand: a cast cannot smuggle a raw token into the database.
function assertSealed(value: SealedSecret): void {
  if (!isSealedSecret(value))
    throw new TypeError('Refusing to store tokens that are not sealed by a SecretBox.');
}

/** Statuses that mapped prompt-cache affinity must not survive (BALANCER.md §1.1). */
const DROPS_STICKY: ReadonlySet<AccountStatus> = new Set(['reauth_required', 'deactivated']);

/** The `accounts` table. */
export class AccountsRepository {
  private readonly byId: Database.Statement<[string], AccountRow>;
  private readonly byIdentity: Database.Statement<[string, string], AccountRow>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
    this.byIdentity = db.prepare('SELECT * FROM accounts WHERE chatgpt_account_id = ? AND user_key = ?');
  }

  /** Every account, oldest first (the order the user added them). */
  list(): AccountRecord[] {
    const rows = this.db.prepare('SELECT * FROM accounts ORDER BY created_at, rowid').all() as AccountRow[];
    return rows.map(toRecord);
  }

  get(id: string): AccountRecord | null {
    const row = this.byId.get(id);
    return row ? toRecord(row) : null;
  }

  /** The account of this workspace member, if already pooled. */
  findByIdentity(identity: AccountIdentity): AccountRecord | null {
    const row = this.byIdentity.get(identity.chatgptAccountId, userKeyFor(identity));
    return row ? toRecord(row) : null;
  }

  /**
   * Inserts a login, or updates the tokens, plan and email of the same (workspace, member) — never a
   * duplicate. A fresh login also lifts `reauth_required`, the one status a successful login ends.
   */
  upsertFromLogin(login: LoginUpsert): { account: AccountRecord; created: boolean } {
    assertSealed(login.sealedTokens);
    const userKey = userKeyFor(login);
    const t = Math.floor(this.now());
    return this.db
      .transaction(() => {
        const existing = this.byIdentity.get(login.chatgptAccountId, userKey);
        if (existing) {
          this.db
            .prepare(
              `UPDATE accounts SET sealed_tokens = @sealed, access_expires_at = @exp, last_refresh_at = @refreshed,
               plan_type = coalesce(@plan, plan_type), email = coalesce(@email, email), updated_at = @t,
               status = CASE WHEN status = 'reauth_required' THEN 'active' ELSE status END,
               status_reason = CASE WHEN status = 'reauth_required' THEN NULL ELSE status_reason END
             WHERE id = @id`,
            )
            .run({
              id: existing.id,
              sealed: login.sealedTokens,
              exp: login.accessExpiresAt,
              refreshed: login.lastRefreshAt,
              plan: login.planType ?? null,
              email: login.email ?? null,
              t,
            });
          return { account: toRecord(this.byId.get(existing.id) as AccountRow), created: false };
        }
        const id = newAccountId();
        this.db
          .prepare(
            `INSERT INTO accounts (id, chatgpt_account_id, user_key, email, plan_type, label, sealed_tokens,
             access_expires_at, last_refresh_at, created_at, updated_at)
           VALUES (@id, @workspace, @userKey, @email, @plan, @label, @sealed, @exp, @refreshed, @t, @t)`,
          )
          .run({
            id,
            workspace: login.chatgptAccountId,
            userKey,
            email: login.email ?? null,
            plan: login.planType ?? null,
            label: login.label ?? null,
            sealed: login.sealedTokens,
            exp: login.accessExpiresAt,
            refreshed: login.lastRefreshAt,
            t,
          });
        return { account: toRecord(this.byId.get(id) as AccountRow), created: true };
      })
      .immediate();
  }

  /**
   * Stores a rotated token set in one statement, so after a crash the row holds either the old set or the
   * new one, never a mix (refresh tokens are single-use, PROTOCOL.md §1.4). Returns false if the account is gone.
   */
  updateTokens(
    id: string,
    sealed: SealedSecret,
    accessExpiresAt: number | null,
    lastRefreshAt: number,
  ): boolean {
    assertSealed(sealed);
    const result = this.db
      .prepare(
        `UPDATE accounts SET sealed_tokens = ?, access_expires_at = ?, last_refresh_at = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(sealed, accessExpiresAt, lastRefreshAt, Math.floor(this.now()), id);
    return result.changes > 0;
  }

  /**
   * Persists routing state. Entering `reauth_required` or `deactivated` also deletes the account's sticky
   * mappings in the same transaction (BALANCER.md §1.1). Returns false if the account is gone.
   */
  updateState(id: string, update: AccountStateUpdate): boolean {
    const sets = ['status = @status', 'updated_at = @t'];
    const params: Record<string, unknown> = { id, status: update.status, t: Math.floor(this.now()) };
    const columns = [
      ['statusReason', 'status_reason'],
      ['rateLimitKind', 'rate_limit_kind'],
      ['resetAt', 'reset_at'],
      ['blockedAt', 'blocked_at'],
    ] as const;
    for (const [key, column] of columns) {
      if (update[key] === undefined) continue;
      sets.push(`${column} = @${key}`);
      params[key] = update[key];
    }
    return this.db
      .transaction(() => {
        const changed =
          this.db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE id = @id`).run(params).changes > 0;
        if (changed && DROPS_STICKY.has(update.status)) {
          this.db.prepare('DELETE FROM sticky_mappings WHERE account_id = ?').run(id);
        }
        return changed;
      })
      .immediate();
  }

  /**
   * Inserts an account restored from a backup with every field as it was there (id, status, times), already
   * sealed with this machine's SecretBox. The caller has checked that neither the id nor the identity is taken.
   */
  insertRestored(record: AccountRecord): void {
    assertSealed(record.sealedTokens);
    this.db
      .prepare(
        `INSERT INTO accounts (id, chatgpt_account_id, user_key, email, plan_type, label, status, status_reason,
           rate_limit_kind, reset_at, blocked_at, routing_policy, cap_short_percent, cap_long_percent, priority,
           sealed_tokens, access_expires_at, last_refresh_at, created_at, updated_at)
         VALUES (@id, @chatgptAccountId, @userKey, @email, @planType, @label, @status, @statusReason, @rateLimitKind,
           @resetAt, @blockedAt, @routingPolicy, @capShortPercent, @capLongPercent, @priority, @sealedTokens,
           @accessExpiresAt, @lastRefreshAt, @createdAt, @updatedAt)`,
      )
      .run(record);
  }

  /**
   * Takes a backup's copy of an account already here: the user's choices (label, policy, caps, priority) and what the login
   * says (plan, email), plus — when the backup's login is the newer one — its tokens and the status that went
   * with them. Returns false if the account is gone.
   */
  restoreOver(
    id: string,
    fields: Pick<
      AccountRecord,
      'email' | 'planType' | 'label' | 'routingPolicy' | 'capShortPercent' | 'capLongPercent' | 'priority'
    >,
    login?: Pick<
      AccountRecord,
      | 'sealedTokens'
      | 'accessExpiresAt'
      | 'lastRefreshAt'
      | 'status'
      | 'statusReason'
      | 'rateLimitKind'
      | 'resetAt'
      | 'blockedAt'
    >,
  ): boolean {
    const t = Math.floor(this.now());
    return this.db
      .transaction(() => {
        const changed =
          this.db
            .prepare(
              `UPDATE accounts SET email = coalesce(@email, email), plan_type = coalesce(@planType, plan_type),
               label = @label, routing_policy = @routingPolicy, cap_short_percent = @capShortPercent,
               cap_long_percent = @capLongPercent, priority = @priority, updated_at = @t WHERE id = @id`,
            )
            .run({ ...fields, id, t }).changes > 0;
        if (!changed || !login) return changed;
        assertSealed(login.sealedTokens);
        this.db
          .prepare(
            `UPDATE accounts SET sealed_tokens = @sealedTokens, access_expires_at = @accessExpiresAt,
             last_refresh_at = @lastRefreshAt, status = @status, status_reason = @statusReason,
             rate_limit_kind = @rateLimitKind, reset_at = @resetAt, blocked_at = @blockedAt WHERE id = @id`,
          )
          .run({ ...login, id });
        if (DROPS_STICKY.has(login.status)) {
          this.db.prepare('DELETE FROM sticky_mappings WHERE account_id = ?').run(id);
        }
        return true;
      })
      .immediate();
  }

  setRoutingPolicy(id: string, policy: RoutingPolicy): boolean {
    return this.setColumn(id, 'routing_policy', policy);
  }

  /** Sets or clears (null) the usage caps; a window left undefined keeps its cap. */
  setUsageCap(id: string, cap: { short?: number | null; long?: number | null }): boolean {
    let changed = false;
    if (cap.short !== undefined) changed = this.setColumn(id, 'cap_short_percent', cap.short) || changed;
    if (cap.long !== undefined) changed = this.setColumn(id, 'cap_long_percent', cap.long) || changed;
    return changed;
  }

  /** Sets or clears (null) the account's place in sequential_drain. */
  setPriority(id: string, priority: number | null): boolean {
    return this.setColumn(id, 'priority', priority);
  }

  /** Records the plan upstream now reports (an upgrade or downgrade after the login). */
  setPlanType(id: string, planType: string): boolean {
    return this.setColumn(id, 'plan_type', planType);
  }

  /** Sets or clears (null) the user's label. */
  setLabel(id: string, label: string | null): boolean {
    return this.setColumn(id, 'label', label);
  }

  /** Deletes the account; its samples, blocks, mappings and owners go with it, logged requests keep a null account. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0;
  }

  private setColumn(
    id: string,
    column: 'routing_policy' | 'label' | 'plan_type' | 'cap_short_percent' | 'cap_long_percent' | 'priority',
    value: string | number | null,
  ): boolean {
    return (
      this.db
        .prepare(`UPDATE accounts SET ${column} = ?, updated_at = ? WHERE id = ?`)
        .run(value, Math.floor(this.now()), id).changes > 0
    );
  }
}
