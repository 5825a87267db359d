/**
 * The request log as CSV (issue 9). Pure: one header line, one line per entry. Text cells are quoted when they
 * hold a comma, quote or line break, and a cell a spreadsheet would run as a formula gets a leading `'`.
 */
import type { RequestLogEntry } from '../store';

const COLUMNS: readonly [string, (e: RequestLogEntry) => string | number | boolean | null | undefined][] = [
  ['id', (e) => e.id],
  ['time', (e) => new Date(e.startedAt).toISOString()],
  ['account_id', (e) => e.accountId],
  ['route', (e) => e.route],
  ['model', (e) => e.model],
  ['status', (e) => e.status],
  ['latency_ms', (e) => e.latencyMs],
  ['ttfb_ms', (e) => e.ttfbMs],
  ['input_tokens', (e) => e.inputTokens],
  ['cached_tokens', (e) => e.cachedTokens],
  ['output_tokens', (e) => e.outputTokens],
  ['reasoning_tokens', (e) => e.reasoningTokens],
  ['error_code', (e) => e.errorCode],
  ['response_id', (e) => e.responseId],
  ['conversation', (e) => e.conversation],
  ['affinity', (e) => e.affinity],
  ['attempts', (e) => e.attempts],
  ['stream', (e) => e.stream],
  ['transport', (e) => e.transport ?? 'http'],
  ['reason', (e) => e.reason],
];

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The header line, with its line break. */
export const CSV_HEADER = `${COLUMNS.map(([name]) => name).join(',')}\r\n`;

/** The lines of `entries`, each ending in CRLF (RFC 4180). */
export function csvLines(entries: readonly RequestLogEntry[]): string {
  let text = '';
  for (const e of entries) text += `${COLUMNS.map(([, get]) => cell(get(e))).join(',')}\r\n`;
  return text;
}
