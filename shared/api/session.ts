import { z } from 'zod';

/**
 * Response of `POST /api/session/logout`: the dashboard session is ended on the server and its cookie cleared.
 * Answered the same when there was no live session, so signing out twice is harmless.
 */
export const logoutResultSchema = z.object({ signedOut: z.literal(true) });
/** Response of `POST /api/session/logout`. */
export type LogoutResult = z.infer<typeof logoutResultSchema>;
