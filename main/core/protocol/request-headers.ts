/**
 * Upstream request headers (PROTOCOL.md §4): header hygiene for `/codex/responses`, the Codex persona for
 * non-native clients, control-endpoint headers, and the sticky (prompt-cache affinity) key.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isRecord, nonEmptyString } from './json';

/** How we present ourselves upstream (§4.1). */
export interface CodexPersona {
  /** e.g. `codex_cli_rs`. */
  originator: string;
  /** The CLI version string, e.g. `0.144.0`. */
  version: string;
  /** e.g. `codex_cli_rs/0.144.0 (Mac OS 26.5.0; arm64) iTerm.app/3.6.10`. */
  userAgent: string;
}

/** Inputs of {@link buildUpstreamHeaders}. */
export interface UpstreamHeaderInput {
  inbound: IncomingHttpHeaders;
  /** The selected account's access token. */
  accessToken: string;
  /** The selected account's `chatgpt_account_id`. */
  chatgptAccountId: string;
  persona: CodexPersona;
  /** Request-id generator, used when the client sent neither `x-request-id` nor `request-id`. */
  newRequestId: () => string;
}

/** Originators of native Codex clients, which keep their own user-agent/originator/version (§4.1). */
export const NATIVE_CODEX_ORIGINATORS = [
  'codex_cli_rs',
  'codex_exec',
  'codex_vscode',
  'codex_sdk_ts',
  'codex_chatgpt_desktop',
  'codex_atlas',
  'Codex Desktop',
] as const;

/**
 * Headers dropped before forwarding (§4.2). The client's own `authorization` and `chatgpt-account-id` must
 * never reach upstream. Pool also drops `accept-encoding` (the upstream client negotiates compression) and
 * `cookie` / `x-api-key` / `api-key`, which could carry our own dashboard session or proxy key.
 */
const DROPPED = new Set([
  'authorization',
  'chatgpt-account-id',
  'host',
  'content-length',
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'x-codex-installation-id',
  'x-openai-internal-codex-responses-lite',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'accept-encoding',
  'cookie',
  'x-api-key',
  'api-key',
  // Set by us below.
  'accept',
  'content-type',
]);

/** Client fingerprint headers replaced by the Codex persona for non-native clients (§4.1). */
const FINGERPRINT = new Set(['user-agent', 'originator', 'version']);

/** True when the inbound headers come from a native Codex client (§4.1). */
export function isNativeCodexClient(inbound: IncomingHttpHeaders): boolean {
  return isNative(headerValue(inbound, 'originator'), headerValue(inbound, 'user-agent'));
}

function isNative(originator: string | undefined, ua: string | undefined): boolean {
  return NATIVE_CODEX_ORIGINATORS.some((o) => originator === o || (ua !== undefined && ua.startsWith(o)));
}

const first = (v: string | string[] | undefined): string | undefined =>
  v === undefined || typeof v === 'string' ? v : v[0];

/**
 * A header's value (first of a repeated header), looked up case-insensitively. node:http lower-cases every
 * name it parses, so the direct lookup answers on the request path; the scan is for hand-built header bags.
 */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  if (name in headers) return first(headers[name]);
  for (const k in headers) if (k.toLowerCase() === name) return first(headers[k]);
  return undefined;
}

/** Header names listed in `Connection:`, which are hop-by-hop for this message (RFC 9110 §7.6.1). */
function connectionListed(value: string | undefined): ReadonlySet<string> | undefined {
  if (value === undefined || value === 'keep-alive' || value === 'close') return undefined;
  return new Set(
    value
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ''),
  );
}

/** A header of the drop list (§4.2), by its lower-cased name. */
function dropped(name: string): boolean {
  return (
    DROPPED.has(name) ||
    name.startsWith('x-forwarded-') ||
    name.startsWith('cf-') ||
    name.startsWith('proxy-')
  );
}

/** A client fingerprint header (§4.1), by its lower-cased name. */
function fingerprint(name: string): boolean {
  return FINGERPRINT.has(name) || name.startsWith('x-stainless-') || name.startsWith('x-openai-client-');
}

/**
 * The headers for `POST /codex/responses` (§4.1–4.2): inbound headers minus the drop list, the Codex persona
 * for non-native clients, the selected account's credentials, SSE accept / JSON content-type, and an
 * `x-request-id` when the client sent none. Names are lower-case. One pass over the inbound names: this runs
 * on every request (issue 14).
 */
export function buildUpstreamHeaders(input: UpstreamHeaderInput): Record<string, string> {
  const { inbound } = input;
  const native = isNativeCodexClient(inbound);
  const hopByHop = connectionListed(headerValue(inbound, 'connection'));
  const out: Record<string, string> = {};
  let hasRequestId = false;
  for (const rawName in inbound) {
    const rawValue = inbound[rawName];
    if (rawValue === undefined) continue;
    const name = rawName.toLowerCase();
    if (dropped(name) || hopByHop?.has(name) === true) continue;
    if (!native && fingerprint(name)) continue;
    let value = typeof rawValue === 'string' ? rawValue : rawValue.join(', ');
    if (name === 'openai-beta') {
      // The WebSocket beta token is only for the upgrade (§4.1); over HTTP only `responses=experimental`-style
      // values make sense.
      value = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && !s.startsWith('responses_websockets='))
        .join(', ');
      if (value === '') continue;
    }
    if (name === 'x-request-id' || name === 'request-id') hasRequestId = true;
    out[name] = value;
  }
  if (!native) {
    out['originator'] = input.persona.originator;
    out['user-agent'] = input.persona.userAgent;
    out['version'] = input.persona.version;
  }
  out['authorization'] = `Bearer ${input.accessToken}`;
  out['chatgpt-account-id'] = input.chatgptAccountId;
  out['accept'] = 'text/event-stream';
  out['content-type'] = 'application/json';
  if (!hasRequestId) out['x-request-id'] = input.newRequestId();
  return out;
}

/** Options of {@link controlHeaders}. */
export interface ControlHeaderOptions {
  /** The Codex CLI's usage client also sends its user-agent. */
  userAgent?: string;
  /** FedRAMP accounts: `x-openai-fedramp: true`. */
  fedramp?: boolean;
}

/** Headers for the usage and models endpoints (§4.3). */
export function controlHeaders(
  accessToken: string,
  chatgptAccountId: string,
  options: ControlHeaderOptions = {},
): Record<string, string> {
  const out: Record<string, string> = {
    authorization: `Bearer ${accessToken}`,
    accept: 'application/json',
    'chatgpt-account-id': chatgptAccountId,
  };
  if (options.userAgent !== undefined) out['user-agent'] = options.userAgent;
  if (options.fedramp === true) out['x-openai-fedramp'] = 'true';
  return out;
}

/**
 * The soft-affinity key (BALANCER.md §6.1): the first non-empty of body `prompt_cache_key` (alias
 * `promptCacheKey`), header `session_id`, `session-id`, `thread-id`. The caller hashes it before storing.
 */
export function extractStickyKey(body: unknown, headers: IncomingHttpHeaders): string | undefined {
  const candidates: Array<string | undefined> = [];
  if (isRecord(body))
    candidates.push(nonEmptyString(body.prompt_cache_key), nonEmptyString(body.promptCacheKey));
  for (const name of ['session_id', 'session-id', 'thread-id']) candidates.push(headerValue(headers, name));
  return candidates.find((c) => c !== undefined && c.trim() !== '')?.trim();
}
