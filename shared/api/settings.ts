import { z } from 'zod';
import { DEFAULT_ROUTING_STRATEGY, ROUTING_STRATEGIES } from '../domain';

/** Routing and access settings (`GET /api/settings`). Changes take effect on the next request. */
export const settingsSchema = z.object({
  /** One of the eight strategies of BALANCER.md §3. */
  routingStrategy: z.enum(ROUTING_STRATEGIES),
  /** Keep a conversation on the account that holds its prompt cache (BALANCER.md §6). */
  stickySessions: z.boolean(),
  /** Prefer accounts whose weekly window resets soonest (BALANCER.md §4.1). */
  preferEarlierReset: z.boolean(),
  /** The account `single_account` routes to; null when none is chosen. */
  pinnedAccountId: z.string().min(1).nullable(),
  /** Require `Authorization: Bearer cp-…` from clients even on loopback. */
  requireApiKey: z.boolean(),
  /**
   * Desktop app: notify when every account that can take requests has a window at least this full (percent);
   * null turns the notice off.
   */
  notifyPoolLowPercent: z.number().int().min(50).max(100).nullable(),
  /** Desktop app: notify when a conversation moves to another account (its prompt cache starts over). */
  notifyConversationMoved: z.boolean(),
});
/** The routing settings. */
export type Settings = z.infer<typeof settingsSchema>;

/** Body of `PATCH /api/settings`: any subset of the settings; unknown keys are refused. */
export const settingsPatchSchema = settingsSchema.partial().strict();
/** A settings change. */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Settings of a fresh install. */
export const DEFAULT_SETTINGS: Settings = {
  routingStrategy: DEFAULT_ROUTING_STRATEGY,
  stickySessions: true,
  preferEarlierReset: true,
  pinnedAccountId: null,
  requireApiKey: false,
  notifyPoolLowPercent: 90,
  notifyConversationMoved: false,
};
