import type { IncomingMessage } from 'node:http';
import { isAllowedHost, isCrossSite, type GuardOptions } from '../admin/guard';
import { HttpError } from '../http/http-error';
import type { ApiKeyService } from './api-keys';

/** What decides whether a client may use the proxy. */
export interface ClientGateDeps {
  hostGuard: Pick<GuardOptions, 'boundHost' | 'port'>;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  /** Proxy API keys are required (turned on, or the server is reachable from the network). */
  keyRequired: () => boolean;
  /** The dashboard's own test request, recognised by its one-time bearer. */
  isSelfTest: (bearer: string) => boolean;
  /** Notes the client's User-Agent / originator ("last request from this client"). */
  noteClient: (userAgent: string | undefined, originator: string | undefined) => void;
}

/**
 * The proxy's door: throws an {@link HttpError} unless the request may spend the pool's quota. Any web page can
 * send requests to 127.0.0.1, so a page on another site (or a DNS-rebound name pointing here) is refused before
 * anything else; then the proxy API key, when one is required.
 */
export function createClientGate(deps: ClientGateDeps): (req: IncomingMessage) => void {
  return (req) => {
    if (!isAllowedHost(req.headers.host, deps.hostGuard)) {
      throw new HttpError(421, 'misdirected_request', 'This server does not answer to that host name.');
    }
    if (isCrossSite(req, deps.hostGuard)) {
      throw new HttpError(403, 'cross_site_request', 'Requests from web pages on other sites are refused.');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (match && deps.isSelfTest(match[1]!)) return;
    const originator = req.headers['originator'];
    deps.noteClient(req.headers['user-agent'], typeof originator === 'string' ? originator : undefined);
    if (!deps.keyRequired()) return;
    if (match && deps.apiKeys.verify(match[1]!)) return;
    throw new HttpError(
      401,
      'invalid_api_key',
      match
        ? 'The proxy API key is not valid.'
        : 'This proxy requires an API key: send Authorization: Bearer cp-….',
    );
  };
}
