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

/** An account as listed by `GET /api/accounts`. Never carries a token. */
export const accountSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  label: z.string().nullable(),
  chatgptAccountId: z.string(),
  planType: z.string().nullable(),
  status: z.enum(ACCOUNT_STATUSES),
  routingPolicy: z.enum(ROUTING_POLICIES),
  /** Epoch seconds until which a rate-limited or exhausted account is out; null otherwise. */
  resetAt: z.number().nullable(),
  quota: accountQuotaSchema,
  lastError: z.string().nullable(),
});
/** An account. */
export type AccountDto = z.infer<typeof accountSchema>;

/** `GET /api/accounts`. */
export const accountListSchema = z.object({ accounts: z.array(accountSchema) });
/** Response of `GET /api/accounts`. */
export type AccountList = z.infer<typeof accountListSchema>;
