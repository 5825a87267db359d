/**
 * What a restore will do, decided before anything is written (pure): which accounts are new and which update
 * an account already here, whose tokens win, which settings change, and what else is merged. The same file
 * against the same pool always gives the same plan, digest included, so an apply can check that it is doing
 * exactly what the preview showed.
 */
import { createHash } from 'node:crypto';
import type { RestoreAccountPlan, RestorePlan, Settings } from '../../../shared/api';
import type { LimitRegistryEntry } from '../store';
import type { BackupAccount, BackupContents } from './backup-contents';

/** The parts of this machine's pool a plan is computed against. */
export interface RestoreTarget {
  accounts: ReadonlyArray<{
    id: string;
    chatgptAccountId: string;
    userKey: string;
    lastRefreshAt: number | null;
  }>;
  settings: Settings;
  apiKeyHashes: ReadonlySet<string>;
  registry: readonly LimitRegistryEntry[];
}

/** A plan plus what applying it needs. */
export interface ComputedRestore {
  plan: RestorePlan;
  /** The settings as they will be here, `pinnedAccountId` translated to this machine's id. */
  settings: Settings;
  /** Backup account id → id here. */
  idMap: ReadonlyMap<string, string>;
}

const identityKey = (a: { chatgptAccountId: string; userKey: string }): string =>
  `${a.chatgptAccountId}\u0000${a.userKey}`;

/**
 * Tokens from the backup win unless this machine refreshed the same login more recently: refresh tokens are
 * single-use, so the newer set is the one that still works.
 */
function tokensWinner(backup: BackupAccount, hereLastRefreshAt: number | null): 'backup' | 'kept' {
  if (hereLastRefreshAt === null) return 'backup';
  if (backup.lastRefreshAt === null) return 'kept';
  return backup.lastRefreshAt >= hereLastRefreshAt ? 'backup' : 'kept';
}

/**
 * Plans a restore. Accounts are matched exactly as a re-import matches them — same workspace
 * (`chatgptAccountId`) and same member (`userKey`) — so a restore never duplicates an account. A new account
 * keeps its backup id unless that id is taken here, in which case it gets one derived from it.
 */
export function planRestore(
  contents: BackupContents,
  target: RestoreTarget,
  meta: { createdAt: string; app: string; warning: string },
): ComputedRestore {
  const byIdentity = new Map(target.accounts.map((a) => [identityKey(a), a]));
  const takenIds = new Set(target.accounts.map((a) => a.id));
  const idMap = new Map<string, string>();
  const accounts: RestoreAccountPlan[] = contents.accounts.map((account) => {
    const here = byIdentity.get(identityKey(account));
    let targetId: string;
    if (here) targetId = here.id;
    else {
      targetId = account.id;
      for (let attempt = 1; takenIds.has(targetId); attempt++)
        targetId = derivedAccountId(account.id, attempt);
      takenIds.add(targetId);
    }
    idMap.set(account.id, targetId);
    return {
      backupId: account.id,
      targetId,
      email: account.email,
      label: account.label,
      planType: account.planType,
      action: here ? 'update' : 'create',
      tokens: here ? tokensWinner(account, here.lastRefreshAt) : 'backup',
    };
  });

  const pinned = contents.settings.pinnedAccountId;
  // A pin to an account the backup does not hold would point at nothing here: keep the current pin instead.
  const settings: Settings = {
    ...contents.settings,
    pinnedAccountId: pinned === null ? null : (idMap.get(pinned) ?? target.settings.pinnedAccountId),
  };
  const settingChanges = (Object.keys(settings) as (keyof Settings)[])
    .filter((key) => settings[key] !== target.settings[key])
    .map((key) => ({ key, current: target.settings[key], backup: settings[key] }));

  const registryHere = new Map(target.registry.map((e) => [e.quotaKey, JSON.stringify(sortedEntry(e))]));
  let added = 0;
  let changed = 0;
  for (const entry of contents.registry) {
    const here = registryHere.get(entry.quotaKey);
    if (here === undefined) added++;
    else if (here !== JSON.stringify(sortedEntry(entry))) changed++;
  }
  const keysPresent = contents.apiKeys.filter((k) => target.apiKeyHashes.has(k.keyHash)).length;

  const plan: Omit<RestorePlan, 'digest'> = {
    createdAt: meta.createdAt,
    app: meta.app,
    accounts,
    created: accounts.filter((a) => a.action === 'create').length,
    updated: accounts.filter((a) => a.action === 'update').length,
    settings: settingChanges,
    apiKeys: { added: contents.apiKeys.length - keysPresent, present: keysPresent },
    registry: { added, changed, unchanged: contents.registry.length - added - changed },
    requests: contents.requests?.length ?? null,
    warning: meta.warning,
  };
  const digest = createHash('sha256').update(JSON.stringify(plan)).digest('hex');
  return { settings, idMap, plan: { ...plan, digest } };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** An id in the store's format (`acc_` + 12 base32 chars), derived from the backup's so plans are repeatable. */
function derivedAccountId(backupId: string, attempt: number): string {
  const bytes = createHash('sha256').update(`${backupId}\u0000${attempt}`).digest();
  let id = 'acc_';
  for (const byte of bytes.subarray(0, 12)) id += BASE32[byte & 31];
  return id;
}

/** The entry with its keys in the repository's order, so two equal entries serialise alike. */
function sortedEntry(e: LimitRegistryEntry): LimitRegistryEntry {
  return {
    quotaKey: e.quotaKey,
    label: e.label,
    modelIds: e.modelIds,
    limitNames: e.limitNames,
    meteredFeatures: e.meteredFeatures,
    appliesToPlans: e.appliesToPlans,
    routingPolicy: e.routingPolicy,
  };
}
