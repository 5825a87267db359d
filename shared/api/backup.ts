import { z } from 'zod';
import { accountSchema } from './accounts';

/**
 * Refresh tokens are single-use upstream (PROTOCOL.md §1.4): shown in every backup flow and written in the clear
 * into every backup file's header.
 */
export const BACKUP_SINGLE_USE_WARNING =
  'Refresh tokens are single-use: the machine that refreshes an account first wins and the other is signed out. ' +
  'After restoring this backup elsewhere, stop using the pool on the old machine (pause every account there).';

/** Body of `POST /api/backup`: the passphrase the file is encrypted with (never stored) and what to include. */
export const backupCreateBodySchema = z
  .object({
    passphrase: z.string().min(1, 'Type a passphrase for the backup.'),
    /** Also carry the request history (larger file). */
    includeHistory: z.boolean().default(false),
  })
  .strict();
/** Request body of `POST /api/backup`. */
export type BackupCreateBody = z.input<typeof backupCreateBodySchema>;

/** Response of `POST /api/backup`: the encrypted file's text, to be saved by the client. */
export const backupFileSchema = z.object({
  /** A suggested file name (`codex-pool-2026-12-01.backup`). */
  fileName: z.string(),
  /** The whole file: a readable header, then the ciphertext. */
  backup: z.string(),
  /** How many accounts the file holds. */
  accounts: z.number().int(),
  /** Logged requests included, or null when history was left out. */
  requests: z.number().int().nullable(),
  /** Refresh tokens are single-use: shown with every backup. */
  warning: z.string(),
});
/** Response of `POST /api/backup`. */
export type BackupFile = z.infer<typeof backupFileSchema>;

/** Body of `POST /api/backup/restore`: the file, its passphrase, and whether to apply or only preview. */
export const restoreBodySchema = z
  .object({
    backup: z.string().min(1, 'The backup file is empty.'),
    passphrase: z.string().min(1, 'Type the backup’s passphrase.'),
    /** False (default): only return the plan. True: apply it in one transaction. */
    apply: z.boolean().default(false),
    /**
     * The previewed plan's `digest`: when given, the restore is refused (409 `plan_changed`) if the pool changed
     * since the preview, so what is applied is exactly what the user saw.
     */
    expectDigest: z.string().optional(),
  })
  .strict();
/** Request body of `POST /api/backup/restore`. */
export type RestoreBody = z.input<typeof restoreBodySchema>;

/** What a restore does to one account of the backup. */
export const restoreAccountPlanSchema = z.object({
  /** The account's id in the backup. */
  backupId: z.string(),
  /** The id it has (update) or will have (create) here. */
  targetId: z.string(),
  email: z.string().nullable(),
  label: z.string().nullable(),
  planType: z.string().nullable(),
  /** `update`: the same workspace member is already here (matched like a re-import); never a duplicate. */
  action: z.enum(['create', 'update']),
  /** `kept`: this machine's login was refreshed more recently than the backup's, so its tokens stay. */
  tokens: z.enum(['backup', 'kept']),
});
/** One account's line of the plan. */
export type RestoreAccountPlan = z.infer<typeof restoreAccountPlanSchema>;

/** A setting whose value here differs from the backup's. */
export const restoreSettingChangeSchema = z.object({
  key: z.string(),
  current: z.unknown(),
  backup: z.unknown(),
});

/** What a restore will do (preview) or did (applied), before and after the same computation. */
export const restorePlanSchema = z.object({
  /** When the backup was made (ISO 8601) and by which version. */
  createdAt: z.string(),
  app: z.string(),
  accounts: z.array(restoreAccountPlanSchema),
  created: z.number().int(),
  updated: z.number().int(),
  settings: z.array(restoreSettingChangeSchema),
  apiKeys: z.object({ added: z.number().int(), present: z.number().int() }),
  registry: z.object({ added: z.number().int(), changed: z.number().int(), unchanged: z.number().int() }),
  /** Logged requests in the backup, or null when it has no history. */
  requests: z.number().int().nullable(),
  warning: z.string(),
  /** Identifies this exact plan; pass it back as `expectDigest` to apply only what was previewed. */
  digest: z.string(),
});
/** A restore plan. */
export type RestorePlan = z.infer<typeof restorePlanSchema>;

/** Response of `POST /api/backup/restore`. */
export const restoreResultSchema = z.object({
  /** True once everything is on disk; false for a preview. */
  applied: z.boolean(),
  plan: restorePlanSchema,
});
/** Response of `POST /api/backup/restore`. */
export type RestoreResult = z.infer<typeof restoreResultSchema>;

/** Response of `POST /api/accounts/pause-all` ("pause everything here" after a backup). */
export const pauseAllResultSchema = z.object({
  /** How many accounts this call paused. */
  paused: z.number().int(),
  accounts: z.array(accountSchema),
});
/** Response of `POST /api/accounts/pause-all`. */
export type PauseAllResult = z.infer<typeof pauseAllResultSchema>;
