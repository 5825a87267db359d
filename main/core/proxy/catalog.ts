import { controlHeaders, toOpenAiModelList } from '../protocol';
import { HttpError } from '../http/http-error';
import type { PoolState } from '../pool/pool-state';
import type { TokenService } from '../accounts/token-service';
import type { UpstreamClient } from '../upstream/client';

/** The Codex CLI version we present when fetching the catalog (codex-lb pins one too). */
export const CATALOG_CLIENT_VERSION = '0.169.0';
const TTL_S = 300;

/**
 * The upstream model catalog, fetched through any routable account and cached for five minutes. Concurrent
 * callers share one fetch; a failed refresh serves the last good catalog rather than an error.
 */
export class ModelCatalog {
  private cached: { at: number; body: unknown } | undefined;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly deps: {
      pool: PoolState;
      tokens: TokenService;
      upstream: UpstreamClient;
      now: () => number;
    },
  ) {}

  /** The catalog in upstream's shape (`{"models":[…]}`). */
  async get(): Promise<unknown> {
    if (this.cached && this.cached.at + TTL_S > this.deps.now()) return this.cached.body;
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    try {
      return await this.inFlight;
    } catch (err) {
      if (this.cached) return this.cached.body;
      throw err;
    }
  }

  /** The catalog as an OpenAI model list. */
  async openAi(): Promise<unknown> {
    return toOpenAiModelList(await this.get(), this.deps.now());
  }

  private async fetch(): Promise<unknown> {
    const account =
      this.deps.pool.accounts().find((a) => a.status === 'active') ??
      this.deps.pool.accounts().find((a) => a.status === 'rate_limited' || a.status === 'quota_exceeded');
    const record = account && this.deps.pool.record(account.id);
    if (!account || !record) {
      throw new HttpError(503, 'no_accounts', 'No accounts configured. Add a ChatGPT account to Codex Pool.');
    }
    const token = await this.deps.tokens.accessToken(account.id);
    const res = await this.deps.upstream.send(
      'GET',
      `/codex/models?client_version=${CATALOG_CLIENT_VERSION}`,
      controlHeaders(token, record.chatgptAccountId),
    );
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new HttpError(
        502,
        'upstream_error',
        `The model catalog could not be fetched (upstream answered ${res.statusCode}).`,
      );
    }
    const body = JSON.parse(text) as unknown;
    this.cached = { at: this.deps.now(), body };
    return body;
  }
}
