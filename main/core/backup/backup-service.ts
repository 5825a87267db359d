/**
 * Backup and restore of the whole pool (issue 10). A backup reads everything in one read transaction and
 * encrypts it under the user's passphrase; a restore decrypts and validates the file, computes the plan, and
 * applies it in one write transaction — all or nothing — sealing every token with this machine's SecretBox.
 */
import { randomBytes } from 'node:crypto';
import type { RestorePlan } from '../../../shared/api';
import type { AccountRecord, Store } from '../store';
import type { PoolState } from '../pool/pool-state';
import type { TokenService } from '../accounts/token-service';
import type { SettingsService } from '../settings/settings-service';
import type { ApiKeyService } from '../proxy/api-keys';
import type { SealedSecret } from '../secrets';
import { backupContentsSchema, type BackupAccount, type BackupContents } from './backup-contents';
import {
  BackupError,
  decryptBackup,
  encryptBackup,
  SINGLE_USE_WARNING,
  type BackupHeader,
} from './backup-file';
import { planRestore, type ComputedRestore } from './restore-plan';

/** Dependencies of {@link BackupService}. */
export interface BackupServiceDeps {
  store: Store;
  pool: PoolState;
  tokens: TokenService;
  settings: SettingsService;
  apiKeys: ApiKeyService;
  reloadRegistry: () => void;
  now: () => number;
  /** `codex-pool <version>`, written in the header. */
  app: string;
}

/** A new backup: the file's text and what it holds. */
export interface CreatedBackup {
  text: string;
  accounts: number;
  requests: number | null;
}

/** The pool's backup and restore. */
export class BackupService {
  constructor(private readonly deps: BackupServiceDeps) {}

  /** Encrypts every account, the settings, API keys, the registry and optionally the request history. */
  async create(passphrase: string, options: { includeHistory: boolean }): Promise<CreatedBackup> {
    const { store, pool, tokens } = this.deps;
    pool.flushWrites(); // statuses still in the write-behind queue belong in the backup
    const contents: BackupContents = store.transaction(() => ({
      schemaVersion: store.schemaVersion,
      accounts: store.accounts.list().map((record) => toBackupAccount(record, tokens.tokens(record))),
      settings: this.deps.settings.get(),
      apiKeys: store.apiKeys.list(),
      registry: store.registry.list(),
      ...(options.includeHistory ? { requests: store.requests.all().map(({ id: _id, ...row }) => row) } : {}),
    }));
    const text = await encryptBackup(contents, passphrase, {
      app: this.deps.app,
      now: new Date(this.deps.now() * 1000),
    });
    return { text, accounts: contents.accounts.length, requests: contents.requests?.length ?? null };
  }

  /** What restoring `text` would do here. Changes nothing. */
  async preview(text: string, passphrase: string): Promise<RestorePlan> {
    const { header, contents } = await this.open(text, passphrase);
    this.deps.pool.flushWrites();
    return this.compute(header, contents).plan;
  }

  /**
   * Restores `text` in one transaction and returns what was done. With `expectDigest` (a preview's), refuses
   * to apply a plan other than the one previewed. On any error nothing is changed.
   */
  async restore(text: string, passphrase: string, expectDigest?: string): Promise<RestorePlan> {
    const { header, contents } = await this.open(text, passphrase);
    const { store, pool, tokens } = this.deps;
    // Sealed before the transaction: sealing may fail (no keychain) and must do so before anything is written.
    const sealed = new Map(contents.accounts.map((a) => [a.id, tokens.seal(a.tokens)]));
    // From here to the commit is synchronous: nothing can change the pool between the plan and its application.
    pool.flushWrites();
    const computed = this.compute(header, contents);
    if (expectDigest !== undefined && computed.plan.digest !== expectDigest) {
      throw new BackupError(
        'plan_changed',
        'The pool changed since the preview (an account was added or changed meanwhile). Preview the restore again; nothing was changed.',
      );
    }
    store.transaction(() => applyRestore(store, contents, computed, sealed));
    for (const id of computed.idMap.values()) {
      const record = store.accounts.get(id);
      if (record) pool.upsertRecord(record);
    }
    this.deps.settings.reload();
    this.deps.reloadRegistry();
    this.deps.apiKeys.reload();
    return computed.plan;
  }

  private async open(
    text: string,
    passphrase: string,
  ): Promise<{ header: BackupHeader; contents: BackupContents }> {
    const { header, contents } = await decryptBackup(text, passphrase);
    const parsed = backupContentsSchema.safeParse(contents);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BackupError(
        'damaged',
        `This backup decrypted but its contents are not valid (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}). Nothing was changed.`,
      );
    }
    return { header, contents: parsed.data };
  }

  private compute(header: BackupHeader, contents: BackupContents): ComputedRestore {
    const { store } = this.deps;
    return planRestore(
      contents,
      {
        accounts: store.accounts.list(),
        settings: this.deps.settings.get(),
        apiKeyHashes: new Set(store.apiKeys.list().map((k) => k.keyHash)),
        registry: store.registry.list(),
      },
      { createdAt: header.createdAt, app: header.app, warning: SINGLE_USE_WARNING },
    );
  }
}

function toBackupAccount(record: AccountRecord, tokens: BackupAccount['tokens']): BackupAccount {
  const { sealedTokens: _sealed, ...fields } = record;
  return {
    ...fields,
    tokens: { idToken: tokens.idToken, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
  };
}

/** The writes of a restore; runs inside the caller's transaction, so any throw rolls every one back. */
function applyRestore(
  store: Store,
  contents: BackupContents,
  { plan, settings, idMap }: ComputedRestore,
  sealed: ReadonlyMap<string, SealedSecret>,
): void {
  const byId = new Map(contents.accounts.map((a) => [a.id, a]));
  for (const line of plan.accounts) {
    const account = byId.get(line.backupId)!;
    const sealedTokens = sealed.get(line.backupId)!;
    const { tokens: _tokens, ...fields } = account;
    if (line.action === 'create') {
      store.accounts.insertRestored({ ...fields, id: line.targetId, sealedTokens });
      continue;
    }
    store.accounts.restoreOver(
      line.targetId,
      {
        email: account.email,
        planType: account.planType,
        label: account.label,
        routingPolicy: account.routingPolicy,
        capShortPercent: account.capShortPercent,
        capLongPercent: account.capLongPercent,
        priority: account.priority,
      },
      line.tokens === 'backup'
        ? {
            sealedTokens,
            accessExpiresAt: account.accessExpiresAt,
            lastRefreshAt: account.lastRefreshAt,
            status: account.status,
            statusReason: account.statusReason,
            rateLimitKind: account.rateLimitKind,
            resetAt: account.resetAt,
            blockedAt: account.blockedAt,
          }
        : undefined,
    );
  }
  store.settings.setMany(settings);

  const keys = store.apiKeys.list();
  const hashes = new Set(keys.map((k) => k.keyHash));
  const ids = new Set(keys.map((k) => k.id));
  for (const key of contents.apiKeys) {
    if (hashes.has(key.keyHash)) continue;
    store.apiKeys.insertRecord({
      ...key,
      id: ids.has(key.id) ? `key_${randomBytes(8).toString('hex')}` : key.id,
    });
  }
  for (const entry of contents.registry) store.registry.upsert(entry);
  if (contents.requests) {
    store.requests.insertMissing(
      contents.requests.map((row) => ({
        ...row,
        accountId: row.accountId === null ? null : (idMap.get(row.accountId) ?? null),
      })),
    );
  }
}
