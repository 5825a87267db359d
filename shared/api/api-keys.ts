import { z } from 'zod';

/** A proxy API key as listed: never the secret, only its first characters. */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key (`cp-AbCd`), to recognise it. */
  prefix: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
/** A proxy API key. */
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

/** `GET /api/keys`. */
export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });

/** Body of `POST /api/keys`. */
export const apiKeyCreateSchema = z.object({ name: z.string().trim().min(1).max(100) }).strict();

/** Response of `POST /api/keys`: the secret, shown this once. */
export const apiKeyCreatedSchema = z.object({ key: z.string(), apiKey: apiKeySchema });
