/**
 * Timings and ports of the account machinery that tests (and only tests) change: free callback ports instead
 * of 1455/1457, no waiting between device polls, no start-up delay before the first usage poll.
 */
export interface AccountsTuning {
  /** Browser-login callback ports in order; 0 binds any free port. Default 1455, 1457. */
  oauthCallbackPorts?: readonly number[];
  oauthBindRetries?: number;
  oauthBindRetryDelayMs?: number;
  /** Overrides the interval the device-code endpoint asks for. */
  devicePollIntervalMs?: number;
  usagePollIntervalMs?: number;
  usagePollInitialDelayMs?: number;
  usageRetryDelaysMs?: readonly number[];
  /** How often writes the disk refused are retried (default 5 s). */
  storageRetryMs?: number;
  /** False turns the background usage poller and token sweep off (tests drive them by hand). */
  backgroundPolling?: boolean;
}
