/** The persistence layer: one SQLite owner, numbered migrations, repositories and a write-behind queue. */
export { DATABASE_FILE_NAME, openStore, type OpenStoreOptions, type Store } from './open-store';
export { StoreError, type StoreErrorCode } from './errors';
export { MIGRATIONS, type Migration } from './migrations';
export { BACKUPS_TO_KEEP, migrationChecksum } from './migrate';
export {
  batchedWrites,
  createWriteQueue,
  type QueuedWrite,
  type WriteQueue,
  type WriteQueueOptions,
} from './write-queue';
export { newAccountId, userKeyFor, type AccountsRepository } from './accounts-repository';
export type { QuotaRepository } from './quota-repository';
export type { PoolQuotaRepository, PoolRollupMeta } from './pool-quota-repository';
export type { RequestsRepository } from './requests-repository';
export type { SettingsRepository } from './settings-repository';
export type { StickyRepository } from './sticky-repository';
export type { ResponseOwnersRepository } from './response-owners-repository';
export type { ApiKeysRepository } from './api-keys-repository';
export type { RegistryRepository } from './registry-repository';
export type { FamilyBlocksRepository } from './family-blocks-repository';
export type * from './types';
export type { SealedSecret } from '../secrets';
export type { RequestLogFilter } from './requests-repository';
export type * from './insight-repository';
export type { InsightRepository } from './insight-repository';
