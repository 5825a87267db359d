import { z } from 'zod';
import { accountSchema } from './accounts';

/** Response of `POST /api/oauth/start`: open `authorizeUrl` in a browser, then poll the status. */
export const oauthStartResultSchema = z.object({
  loginId: z.string(),
  authorizeUrl: z.string(),
  /** Epoch seconds after which the login is abandoned. */
  expiresAt: z.number(),
  /** True when the desktop shell opened the URL in the system browser. */
  opened: z.boolean(),
});
/** Response of `POST /api/oauth/start`. */
export type OAuthStartResult = z.infer<typeof oauthStartResultSchema>;

/** Response of `POST /api/oauth/device/start`: show `userCode` and `verificationUrl` to the user. */
export const deviceStartResultSchema = z.object({
  loginId: z.string(),
  verificationUrl: z.string(),
  userCode: z.string(),
  /** Epoch seconds. */
  expiresAt: z.number(),
});
/** Response of `POST /api/oauth/device/start`. */
export type DeviceStartResult = z.infer<typeof deviceStartResultSchema>;

/** Query of `GET /api/oauth/status`. */
export const oauthStatusQuerySchema = z.object({ loginId: z.string().min(1) });

/** Where a login stands. */
export const LOGIN_STATES = ['pending', 'success', 'error'] as const;

/** Response of `GET /api/oauth/status`. */
export const oauthStatusSchema = z.object({
  loginId: z.string(),
  kind: z.enum(['browser', 'device']),
  state: z.enum(LOGIN_STATES),
  /** The account added or updated, on success. */
  account: accountSchema.optional(),
  /** False when the login updated an account already in the pool. */
  created: z.boolean().optional(),
  /** A human reason, on error. */
  message: z.string().optional(),
});
/** Response of `GET /api/oauth/status`. */
export type OAuthStatus = z.infer<typeof oauthStatusSchema>;
