/**
 * Client-visible selection errors (BALANCER.md §8, §5.3, §6.3, §3.8): one place builds every code, HTTP status,
 * message, `resets_at` and `Retry-After`, and the OpenAI error envelope.
 */
import type { AccountStatus } from '../../../shared/domain';
import { formatDuration } from '../../../shared/format';
import { RETRY_AFTER_CAP } from './constants';

/** Every selection error code we keep (§8 table). */
export type SelectionErrorCode =
  | 'usage_limit_reached'
  | 'no_accounts'
  | 'no_plan_support_for_model'
  | 'additional_quota_data_unavailable'
  | 'quota_exhausted'
  | 'no_additional_quota_eligible_accounts'
  | 'previous_response_owner_unavailable'
  | 'single_account_not_configured'
  | 'single_account_unavailable';

/** A typed selection error. */
export interface BalancerError {
  readonly status: 429 | 503;
  readonly code: SelectionErrorCode;
  /** `server_error` unless stated; `usage_limit_reached` for the pool-exhausted 429. */
  readonly type: 'server_error' | 'usage_limit_reached';
  readonly message: string;
  /** Epoch s, only on the pool-exhausted 429 when known. */
  readonly resetsAt?: number;
  /** Seconds for the `Retry-After` header, when known. */
  readonly retryAfter?: number;
}

/** The OpenAI error envelope of a {@link BalancerError}. */
export interface ErrorEnvelope {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly code: string;
    readonly resets_at?: number;
  };
}

/** Body `{"error":{message,type,code,resets_at?}}` (§8). */
export function errorEnvelope(e: BalancerError): ErrorEnvelope {
  return {
    error: {
      message: e.message,
      type: e.type,
      code: e.code,
      ...(e.resetsAt !== undefined ? { resets_at: e.resetsAt } : {}),
    },
  };
}

/** Response headers of a {@link BalancerError}: `Retry-After` when known. */
export function errorHeaders(e: BalancerError): Record<string, string> {
  return e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {};
}

function unavailable(code: SelectionErrorCode, message: string, retryAfter?: number): BalancerError {
  return retryAfter === undefined
    ? { status: 503, code, type: 'server_error', message }
    : { status: 503, code, type: 'server_error', message, retryAfter };
}

/** Seconds until `until`, rounded up, capped at 300 (§8). */
export function waitSeconds(until: number, now: number): number {
  return Math.min(RETRY_AFTER_CAP, Math.max(0, Math.ceil(until - now)));
}

/** When `at` (epoch s) is on the server's clock: `14:05`, or `Thu 14:05` when it is not within the next 20 h. */
export function formatClock(at: number, now: number): string {
  const d = new Date(at * 1000);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (at - now < 20 * 3600) return hm;
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]} ${hm}`;
}

/** "Try again at 14:05 (in 2 h 58 min)." — the reset itself, never a capped hint that contradicts it. */
function tryAgainAt(until: number, now: number): string {
  return `Try again at ${formatClock(until, now)} (in ${formatDuration(Math.ceil(until - now))}).`;
}

/** Seconds until `until`, rounded up, uncapped: the header agrees with `resets_at`. */
function secondsUntil(until: number, now: number): number {
  return Math.max(0, Math.ceil(until - now));
}

/** §8 step 1, nothing configured. */
export function noAccountsConfigured(): BalancerError {
  return unavailable('no_accounts', 'No accounts configured. Add a ChatGPT account to Codex Pool.');
}

/** §8 step 1, every account excluded by status; wording follows the statuses present (codex-lb). */
export function allAccountsExcluded(statuses: ReadonlySet<AccountStatus>): BalancerError {
  const paused = statuses.has('paused');
  const reauth = statuses.has('reauth_required');
  const dead = statuses.has('deactivated');
  let message: string;
  if (paused && reauth && dead)
    message = 'All accounts are paused, deactivated, or require re-authentication';
  else if (paused && reauth) message = 'All accounts are paused or require re-authentication';
  else if (paused && dead) message = 'All accounts are paused or deactivated';
  else if (reauth && dead) message = 'All accounts are deactivated or require re-authentication';
  else if (paused) message = 'All accounts are paused';
  else if (reauth) message = 'All accounts require re-authentication';
  else message = 'All accounts are deactivated';
  return unavailable('no_accounts', message);
}

/** §2 step 2. */
export function noPlanSupport(model: string): BalancerError {
  return unavailable('no_plan_support_for_model', `No accounts with a plan supporting model '${model}'`);
}

/** Gate failures collected over a gated request (§5.3). */
export interface GateTally {
  dataUnavailable: boolean;
  quotaExhausted: boolean;
}

/** §5.3: the first that applies of data unavailable → quota exhausted → no eligible accounts. */
export function gateError(tally: GateTally, model: string): BalancerError {
  if (tally.dataUnavailable) {
    return unavailable(
      'additional_quota_data_unavailable',
      `No fresh additional quota data available for model '${model}'`,
    );
  }
  if (tally.quotaExhausted)
    return unavailable('quota_exhausted', `Additional quota exhausted for model '${model}'`);
  return unavailable(
    'no_additional_quota_eligible_accounts',
    `No accounts with available additional quota for model '${model}'`,
  );
}

/** §6.3. */
export function previousOwnerUnavailable(): BalancerError {
  return unavailable(
    'previous_response_owner_unavailable',
    'Previous response owner account is unavailable; retry later.',
  );
}

/** §3.8: no pin, or the pinned account was deleted. */
export function singleAccountNotConfigured(): BalancerError {
  return unavailable(
    'single_account_not_configured',
    'Single account routing is enabled but no account is selected',
  );
}

/** §3.8: the pin exists but is not a candidate. */
export function singleAccountUnavailable(): BalancerError {
  return unavailable('single_account_unavailable', 'Selected single account is unavailable');
}

/** What §8 steps 2–5 need to know about one account of the pool that could not be used. */
export interface BlockedAccountFacts {
  /** Status after recovery. */
  readonly status: AccountStatus;
  /** Its standard status was bypassed for a gated request (§5.4). */
  readonly bypassed: boolean;
  readonly rawP: number;
  readonly rawS: number;
  readonly shortResetAt: number | null;
  readonly longResetAt: number | null;
  /** Status `reset_at` (valid), or null. */
  readonly resetAt: number | null;
  /** Active cooldown end (> T), or null. */
  readonly cooldownUntil: number | null;
  /** Past the user's usage cap, until that window resets (null = unknown); null when not capped. */
  readonly cap: { readonly until: number | null } | null;
}

/** §8 step 2: the latest reset among the account's exhausted windows; null when none is known. */
function exhaustedReset(a: BlockedAccountFacts): number | null {
  let latest: number | null = null;
  if (a.rawP >= 100 && a.shortResetAt !== null) latest = a.shortResetAt;
  if (a.rawS >= 100 && a.longResetAt !== null) latest = Math.max(latest ?? a.longResetAt, a.longResetAt);
  return latest;
}

function latestKnown(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

const isBlockedStatus = (s: AccountStatus): boolean => s === 'rate_limited' || s === 'quota_exceeded';

/** §8 steps 2–5 over the accounts that were candidates but could not be used. */
export function poolError(accounts: readonly BlockedAccountFacts[], now: number): BalancerError {
  // Step 2: pool exhausted.
  // Pool: an account past the user's cap counts as exhausted until its capped window resets.
  let exhausted = 0;
  let capped = 0;
  let allExhausted = true;
  let resetsAt: number | null = null;
  for (const a of accounts) {
    if (a.bypassed) continue;
    const upstream = isBlockedStatus(a.status) && (a.rawP >= 100 || a.rawS >= 100);
    if (upstream || a.cap !== null) {
      exhausted += 1;
      if (!upstream) capped += 1;
      const r = latestKnown(upstream ? exhaustedReset(a) : null, a.cap?.until ?? null);
      if (r !== null) resetsAt = resetsAt === null ? r : Math.min(resetsAt, r);
    } else {
      allExhausted = false;
    }
  }
  if (exhausted > 0 && allExhausted) {
    // Only our caps stand in the way: say so, since upstream would still serve.
    const allCapped = capped === exhausted;
    if (resetsAt === null) {
      return {
        status: 429,
        code: 'usage_limit_reached',
        type: 'usage_limit_reached',
        message: `Every account has reached its usage ${allCapped ? 'cap' : 'limit'}; when it resets is not known yet.`,
      };
    }
    return {
      status: 429,
      code: 'usage_limit_reached',
      type: 'usage_limit_reached',
      message: `Every account has reached its usage ${allCapped ? 'cap' : 'limit'}. ${tryAgainAt(resetsAt, now)}`,
      resetsAt,
      retryAfter: secondsUntil(resetsAt, now),
    };
  }
  // Step 3: a non-bypassed quota_exceeded account with a reset.
  let quotaReset: number | null = null;
  for (const a of accounts) {
    if (a.bypassed || a.status !== 'quota_exceeded' || a.resetAt === null) continue;
    quotaReset = quotaReset === null ? a.resetAt : Math.min(quotaReset, a.resetAt);
  }
  if (quotaReset !== null) {
    return unavailable(
      'no_accounts',
      `No account can take requests: the available ones are out of quota. ${tryAgainAt(quotaReset, now)}`,
      secondsUntil(quotaReset, now),
    );
  }
  // Step 4: a future cooldown (never bypassed, so bypassed accounts count).
  let cooldown: number | null = null;
  for (const a of accounts) {
    if (a.cooldownUntil === null) continue;
    cooldown = cooldown === null ? a.cooldownUntil : Math.min(cooldown, a.cooldownUntil);
  }
  if (cooldown !== null) {
    const n = waitSeconds(cooldown, now);
    return unavailable(
      'no_accounts',
      `No account can take requests: they are cooling down after errors. Try again in ${formatDuration(n)}.`,
      n,
    );
  }
  return unavailable(
    'no_accounts',
    'No available accounts: all upstream accounts are temporarily unavailable',
  );
}
