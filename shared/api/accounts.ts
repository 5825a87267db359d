import { z } from 'zod';
import { ACCOUNT_STATUSES, ROUTING_POLICIES } from '../domain';

/** One quota window as the API reports it. */
export const quotaWindowSchema = z.object({
  usedPercent: z.number(),
  windowMinutes: z.number(),
  /** Epoch seconds; null when upstream did not say. */
  resetAt: z.number().nullable(),
});

/** An additional (gated-model) limit family of an account. */
export const additionalQuotaSchema = z.object({
  family: z.string(),
  label: z.string().nullable(),
  primary: quotaWindowSchema.nullable(),
  secondary: quotaWindowSchema.nullable(),
  recordedAt: z.number(),
});

/** An account's quota with the age of the data: everything a user sees is true. */
export const accountQuotaSchema = z.object({
  primary: quotaWindowSchema.nullable(),
  secondary: quotaWindowSchema.nullable(),
  additional: z.array(additionalQuotaSchema),
  /** When the standard sample was recorded (epoch s); null when never sampled. */
  recordedAt: z.number().nullable(),
});

/** A cap in percent of a window: a whole number 1–100, or null for none. */
const capPercentSchema = z.number().int().min(1).max(100).nullable();

/** The usage caps of an account per window (`short` = 5 h, `long` = weekly). */
export const usageCapSchema = z.object({ short: capPercentSchema, long: capPercentSchema });

/** An account as listed by `GET /api/accounts`. Never carries a token. */
export const accountSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  label: z.string().nullable(),
  chatgptAccountId: z.string(),
  planType: z.string().nullable(),
  status: z.enum(ACCOUNT_STATUSES),
  routingPolicy: z.enum(ROUTING_POLICIES),
  /** The user's usage caps in percent: routing stops once the window reaches it; null = no cap. */
  usageCap: usageCapSchema,
  /** Place in sequential_drain (1 first); null = after the numbered accounts. */
  priority: z.number().int().nullable(),
  /**
   * Set while a window is at or past its cap: the balancer routes nothing to the account until `until` (that
   * window's reset, epoch s; null when unknown), though its status stays `active`.
   */
  capped: z
    .object({ window: z.enum(['short', 'long']), capPercent: z.number(), until: z.number().nullable() })
    .nullable(),
  /** Limit resets upstream says the account may still use (latest usage poll); null when unknown. */
  resetCredits: z.number().int().nullable(),
  /** Epoch seconds until which a rate-limited or exhausted account is out; null otherwise. */
  resetAt: z.number().nullable(),
  quota: accountQuotaSchema,
  lastError: z.string().nullable(),
});
/** An account. */
export type AccountDto = z.infer<typeof accountSchema>;

/** `GET /api/accounts`. */
export const accountListSchema = z.object({
  accounts: z.array(accountSchema),
  /** Server time (epoch s): quota age = now − `quota.recordedAt`, whatever the client's clock says. */
  now: z.number().optional(),
});
/** Response of `GET /api/accounts`. */
export type AccountList = z.infer<typeof accountListSchema>;

/** Most ids one `GET /api/accounts?ids=` names (a longer list is a full reload). */
export const ACCOUNT_IDS_MAX = 100;

/**
 * Query of `GET /api/accounts`: `ids`, comma-separated, lists only those accounts (ids that no longer exist are
 * left out), so the dashboard reloads the accounts an event named instead of the whole pool.
 */
export const accountListQuerySchema = z.object({
  ids: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : v.split(',').filter((id) => id !== '')))
    .refine((ids) => ids === undefined || ids.length <= ACCOUNT_IDS_MAX, {
      message: `List at most ${ACCOUNT_IDS_MAX} account ids.`,
    }),
});

/** Body of `POST /api/accounts/import`: the auth.json content, as a JSON object or as pasted text. */
export const accountImportBodySchema = z.union([
  z.string().min(1, 'The auth.json content is empty.'),
  z.record(z.string(), z.unknown()),
]);
/** Request body of `POST /api/accounts/import`. */
export type AccountImportBody = z.infer<typeof accountImportBodySchema>;

/** Response of `POST /api/accounts/import`. */
export const accountImportResultSchema = z.object({
  account: accountSchema,
  /** False when the import updated an account already in the pool. */
  created: z.boolean(),
  /** Which auth.json shape was recognised. */
  format: z.enum(['codex', 'opencode']),
  /** Set for Codex CLI files: the login shares its refresh-token chain with the CLI (PROTOCOL.md §1.4). */
  warning: z.string().optional(),
});
/** Response of `POST /api/accounts/import`. */
export type AccountImportResult = z.infer<typeof accountImportResultSchema>;

/** Body of `PATCH /api/accounts/:id`: any subset; `label: null` clears the label. */
export const accountPatchSchema = z
  .object({
    routingPolicy: z.enum(ROUTING_POLICIES).optional(),
    label: z.string().trim().max(80).nullable().optional(),
    /** Either window may be sent alone; null lifts that cap. */
    usageCap: z
      .object({ short: capPercentSchema.optional(), long: capPercentSchema.optional() })
      .strict()
      .optional(),
    priority: z.number().int().min(1).max(1000).nullable().optional(),
  })
  .strict();
/** Request body of `PATCH /api/accounts/:id`. */
export type AccountPatch = z.infer<typeof accountPatchSchema>;

/** Body of `POST /api/accounts/:id/refresh` (optional). `tokens: true` forces a token rotation too. */
export const accountRefreshBodySchema = z.object({ tokens: z.boolean().optional() }).strict();

/** Formats of `GET /api/accounts/:id/export?format=`. */
export const EXPORT_FORMATS = ['codex', 'opencode'] as const;
/** Query of `GET /api/accounts/:id/export`. */
export const accountExportQuerySchema = z.object({ format: z.enum(EXPORT_FORMATS).default('codex') });

/** Response of the single-account routes (pause, resume, refresh, patch). */
export const accountResultSchema = z.object({ account: accountSchema });
