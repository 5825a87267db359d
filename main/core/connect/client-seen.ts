/** The kinds of client the Connect view reports on. */
export type SeenClient = 'codex' | 'opencode' | 'other';

/**
 * Which client sent a request, from its User-Agent and `originator` headers. Codex sends
 * `codex_exec/0.169.0 (…)`, `codex_cli_rs/…` or `codex_vscode/…` and an `originator` of the same family;
 * OpenCode's user agent names it. Anything else counts as another SDK client.
 */
export function classifyClient(userAgent: string | undefined, originator: string | undefined): SeenClient {
  const ua = (userAgent ?? '').toLowerCase();
  if (/^codex[_-]/.test(ua) || /^codex[_-]/.test((originator ?? '').toLowerCase())) return 'codex';
  if (ua.includes('opencode')) return 'opencode';
  return 'other';
}

/** When each kind of client last sent a request (epoch seconds), since the server started. O(1) per request. */
export class ClientsSeen {
  private readonly last: Record<SeenClient, number | null> = { codex: null, opencode: null, other: null };

  constructor(private readonly now: () => number) {}

  /** Records one request; called where the proxy authorises a client. */
  note(userAgent: string | undefined, originator: string | undefined): void {
    this.last[classifyClient(userAgent, originator)] = this.now();
  }

  /** Epoch seconds of the last request from that kind of client, or null. */
  lastAt(client: SeenClient): number | null {
    return this.last[client];
  }
}
