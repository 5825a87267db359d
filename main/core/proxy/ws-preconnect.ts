/**
 * Opens the connection's upstream socket during the client's own handshake, so the client's upgrade answer can
 * carry the headers the Codex CLI reads from it (PROTOCOL.md §7: `x-codex-turn-state`, `x-models-etag`,
 * `x-reasoning-included`, `openai-model`). Best effort: the account is the balancer's pick for the conversation
 * as far as the handshake tells (its session headers; no model yet). The first `response.create` is then
 * selected properly and keeps this socket when the balancer keeps the account; every failure here is left to
 * that first response, which retries and fails over under the usual rules.
 */
import { selectAccount } from '../balancer';
import { RELAYED_UPGRADE_HEADERS, extractStickyKey } from '../protocol';
import { hashStickyKey } from './affinity';
import { pick } from './upstream-attempt';
import { openBinding } from './ws-attempt';
import type { WsExchangeDeps } from './ws-exchange';
import type { WsConnection } from './ws-types';

/**
 * Longest wait for upstream's upgrade inside the client's handshake: well inside the Codex CLI's own 15 s
 * connect timeout (`websocket_connect_timeout_ms`), so a slow upstream never makes the client give up on us.
 */
export const PRECONNECT_TIMEOUT_MS = 5_000;

/** Binds `conn` to an upstream socket and returns the upgrade headers to relay ({} when that did not work). */
export async function preconnect(
  deps: WsExchangeDeps,
  conn: WsConnection,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  const settings = deps.settings();
  const stickyKey = extractStickyKey(undefined, conn.inbound);
  const mapped =
    stickyKey !== undefined && settings.stickySessions
      ? deps.affinity.mapped(hashStickyKey(stickyKey))
      : null;
  const selection = selectAccount({
    accounts: deps.pool.accounts(),
    settings,
    registry: deps.registry(),
    request: {
      model: '',
      excludedIds: [],
      isCompact: false,
      ...(mapped === null ? {} : { sticky: { mappedAccountId: mapped } }),
    },
    now: deps.now(),
    selectedAt: deps.selectionTime(),
    random: deps.random,
  });
  deps.pool.applyChanges(selection.changes);
  if (!selection.ok) return {};
  const accountId = selection.accountId;
  const timeout = AbortSignal.timeout(PRECONNECT_TIMEOUT_MS);
  try {
    const record = deps.pool.record(accountId);
    if (!record) return {};
    const accessToken = await deps.tokens.accessToken(accountId);
    const opened = await openBinding(deps, conn, accountId, accessToken, record.chatgptAccountId, {
      signal: AbortSignal.any([signal, timeout]),
      handshakeTimeoutMs: PRECONNECT_TIMEOUT_MS,
    });
    return opened.kind === 'open' ? pick(opened.headers, RELAYED_UPGRADE_HEADERS) : {};
  } catch (err) {
    // A token that cannot be had now is the first response's to report, with its own refresh and failover.
    deps.log.debug('websocket preconnect skipped', { err });
    return {};
  } finally {
    deps.pool.release(accountId);
  }
}
