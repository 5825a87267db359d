/**
 * What a backup holds, once decrypted: the pool as this version stores it, with tokens in the clear (the file's
 * encryption protects them) so any machine can seal them again with its own SecretBox. Validated on restore:
 * a file that decrypts is still checked field by field before anything is written.
 */
import { z } from 'zod';
import { ACCOUNT_STATUSES, ROUTING_POLICIES } from '../../../shared/domain';
import { DEFAULT_SETTINGS, requestLogEntrySchema, settingsSchema } from '../../../shared/api';

const epoch = z.number().int().nullable();

/** One account: its identity, the user's choices, its status and its login. */
export const backupAccountSchema = z.object({
  /** The id on the machine that made the backup; kept on restore when free, so links stay meaningful. */
  id: z.string().min(1),
  chatgptAccountId: z.string().min(1),
  userKey: z.string().min(1),
  email: z.string().nullable(),
  planType: z.string().nullable(),
  label: z.string().nullable(),
  status: z.enum(ACCOUNT_STATUSES),
  statusReason: z.string().nullable(),
  rateLimitKind: z.enum(['usage_limit', 'throttle']).nullable(),
  resetAt: epoch,
  blockedAt: epoch,
  routingPolicy: z.enum(ROUTING_POLICIES),
  // Issue 12; absent in older backups, which restore without caps or priority.
  capShortPercent: z.number().int().min(1).max(100).nullable().default(null),
  capLongPercent: z.number().int().min(1).max(100).nullable().default(null),
  priority: z.number().int().min(1).max(1000).nullable().default(null),
  tokens: z.object({
    idToken: z.string().nullable(),
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
  }),
  accessExpiresAt: epoch,
  lastRefreshAt: epoch,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
/** An account in a backup. */
export type BackupAccount = z.infer<typeof backupAccountSchema>;

/** A proxy API key as stored: its sha256 only, never the key. */
export const backupApiKeySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  prefix: z.string().max(16),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number().int(),
  lastUsedAt: epoch,
  revokedAt: epoch,
});

/** A gated-model family (BALANCER.md §5.1). */
export const backupRegistryEntrySchema = z.object({
  quotaKey: z.string().min(1),
  label: z.string(),
  modelIds: z.array(z.string()),
  limitNames: z.array(z.string()),
  meteredFeatures: z.array(z.string()),
  appliesToPlans: z.array(z.string()),
  routingPolicy: z.enum(['inherit', ...ROUTING_POLICIES]),
});

/** A logged request; `accountId` names an account of the backup (or none). */
export const backupRequestSchema = requestLogEntrySchema
  .omit({ id: true, time: true })
  .extend({ startedAt: z.number() });

/** The decrypted contents of a backup file (format version 1). */
export const backupContentsSchema = z.object({
  /** Schema version of the database the backup was taken from (informative). */
  schemaVersion: z.number().int(),
  accounts: z.array(backupAccountSchema),
  /**
   * `pinnedAccountId` names an account of the backup. Backups from before issue 12 lack the notification
   * settings: they restore as a fresh install has them.
   */
  settings: settingsSchema.extend({
    notifyPoolLowPercent: settingsSchema.shape.notifyPoolLowPercent.default(
      DEFAULT_SETTINGS.notifyPoolLowPercent,
    ),
    notifyConversationMoved: settingsSchema.shape.notifyConversationMoved.default(
      DEFAULT_SETTINGS.notifyConversationMoved,
    ),
  }),
  apiKeys: z.array(backupApiKeySchema),
  registry: z.array(backupRegistryEntrySchema),
  /** Present only when the user asked for request history. */
  requests: z.array(backupRequestSchema).optional(),
});
/** The decrypted contents of a backup. */
export type BackupContents = z.infer<typeof backupContentsSchema>;
