/**
 * The `why` of a selection: structured data plus a short human string for the request log and the UI.
 */
import type { SkipReason, SkippedAccount } from './types';

/** How many skipped accounts the human summary names before "and N more". */
const SUMMARY_SKIP_LIMIT = 5;

/** Human text for one skip reason, e.g. "cooldown until 1700000060". */
export function describeSkip(reason: SkipReason): string {
  switch (reason.kind) {
    case 'paused':
    case 'reauth_required':
    case 'deactivated':
      return reason.kind;
    case 'tried':
      return 'already tried';
    case 'model':
      return 'filtered by model';
    case 'gate':
      return `gate: ${reason.gate}`;
    case 'rate_limited':
      return `rate_limited${reason.rateLimitKind !== null ? ` (${reason.rateLimitKind})` : ''}${until(reason.until)}`;
    case 'quota_exceeded':
      return `quota_exceeded${until(reason.until)}`;
    case 'cooldown':
      return `cooldown${until(reason.until)}`;
    case 'backoff':
      return `backoff${until(reason.until)}`;
    case 'cap':
      return `usage cap ${reason.capPercent} % of the ${reason.window === 'short' ? '5 h' : 'weekly'} window${until(reason.until)}`;
  }
}

function until(t: number | null): string {
  return t === null ? '' : ` until ${Math.ceil(t)}`;
}

/** "skipped 3: a cooldown until …; b paused; …" or an empty string. */
export function describeSkipped(skipped: readonly SkippedAccount[]): string {
  if (skipped.length === 0) return '';
  const named = skipped
    .slice(0, SUMMARY_SKIP_LIMIT)
    .map((s) => `${s.id} ${describeSkip(s.reason)}`)
    .join('; ');
  const more = skipped.length > SUMMARY_SKIP_LIMIT ? `; and ${skipped.length - SUMMARY_SKIP_LIMIT} more` : '';
  return `skipped ${skipped.length}: ${named}${more}`;
}
