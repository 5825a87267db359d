import type { AccountsTuning } from '../../main/core/accounts/tuning';

/** Free callback ports, no background timers (tests poll by hand), no waiting between retries. */
export const TEST_TUNING: AccountsTuning = {
  oauthCallbackPorts: [0],
  oauthBindRetries: 0,
  oauthBindRetryDelayMs: 0,
  devicePollIntervalMs: 10,
  usageRetryDelaysMs: [0, 0],
  backgroundPolling: false,
};
