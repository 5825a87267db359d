import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultQueue, FaultRoute, FaultSpec } from './faults';
import { httpFault } from './faults';
import { bearer, sendJson, str } from './http-util';
import { MODELS_BODY, MODELS_ETAG, MODEL_SLUGS, OPENAI_MODELS_BODY } from './models';
import type { Reply, ReplyScript, StreamOutcome, StreamPlan } from './responses';
import { buildEvents, defaultReply, failedEvent, frame, lastToolOutput, writeStream } from './responses';
import type { Account, SimState } from './state';
import { KNOWN_FAMILIES } from './state';
import type { AccountRef } from './types';
import {
  STANDARD_FAMILY,
  blockedUntil,
  rateLimitHeaders,
  rateLimitsEvent,
  rollFamily,
  usageBody,
} from './usage';

/** What a handler knows about one request; the server records it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  body: Record<string, unknown> | undefined;
  rawLength: number;
  /** Aborted when the client goes away or the simulator closes. */
  signal: AbortSignal;
  /** Filled once the bearer identifies an account. */
  account?: Account;
  outcome?: StreamOutcome;
}

interface QueuedReply {
  script: ReplyScript;
  account: AccountRef | undefined;
}

/** Model → limit family for gated models (BALANCER.md §5): Spark spends `codex_other`, not `codex`. */
const GATED_MODELS = new Map(
  Object.entries(KNOWN_FAMILIES).flatMap(([fid, f]) => f.models.map((m) => [m, fid] as const)),
);

/** Cached input of a request: what its key's last request on this account left in the cache. */
function readPromptCache(account: Account, key: string | undefined, inputTokens: number): number {
  if (key === undefined) return 0;
  const cached = Math.min(account.promptCache.get(key) ?? 0, inputTokens);
  account.promptCache.set(key, inputTokens);
  return cached;
}

/** Who a request's credentials name, or the error upstream answers instead. */
export interface Identity {
  /** Set whenever the bearer names an account, also when the answer is an error (for the request log). */
  account?: Account;
  error?: { status: number; body: unknown };
}

/** What one `response.create` / `POST …/responses` turns into, whichever transport carries it. */
export type PlannedResponse =
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> }
  /** Drop the connection before answering anything. */
  | { kind: 'reset' }
  | {
      kind: 'stream';
      events: Record<string, unknown>[];
      /** The completed response, for non-streaming answers. */
      response: Record<string, unknown>;
      plan: StreamPlan;
      /** Wait this long before answering at all (before HTTP headers). */
      delayMs?: number;
      /** The family a completed stream spends; absent for a scripted failure. */
      familyId?: string;
      /** The account's `codex.rate_limits` event for that family. */
      rateLimits?: Record<string, unknown>;
    };

export interface PlanInput {
  body: Record<string, unknown>;
  /** Bytes of the request as it arrived (input tokens are estimated from it). */
  rawLength: number;
  /** Prompt-cache key: `prompt_cache_key`, else the `session_id` header. */
  cacheKey: string | undefined;
}

/** The chatgpt.com side: responses, compact, models, usage and the small side APIs Codex calls. */
export class Backend {
  private readonly replies: QueuedReply[] = [];
  defaultReply: ReplyScript = defaultReply;
  /** Pace of streamed events (benchmarks); all at once when unset. */
  streamGapMs: readonly [number, number] | undefined;
  /** Streams being written now, and the most at once since the last reset (benchmarks). */
  readonly streams = { open: 0, peak: 0 };
  emitRateLimitsEvent = false;
  private seq = 0;

  constructor(
    private readonly state: SimState,
    private readonly faults: FaultQueue,
  ) {}

  queueReply(script: ReplyScript, account?: AccountRef): void {
    this.replies.push({ script, account });
  }

  private takeReply(account: Account): ReplyScript {
    const i = this.replies.findIndex((r) => !r.account || this.state.find(r.account) === account);
    const queued = this.replies[i];
    if (!queued) return this.defaultReply;
    this.replies.splice(i, 1);
    return queued.script;
  }

  takeFault(route: FaultRoute, account: Account): FaultSpec | undefined {
    return this.faults.take(route, (f) => !f.account || this.state.find(f.account) === account);
  }

  /**
   * Bearer = a current access token (401 `token_invalidated` / `token_expired` otherwise) and, when
   * sent or required, `chatgpt-account-id` equal to the token's workspace.
   */
  identify(req: IncomingMessage, requireAccountHeader: boolean): Identity {
    const token = bearer(req);
    const { session, error } = token
      ? this.state.authenticate(token)
      : { session: undefined, error: 'token_invalidated' };
    const account = session?.account;
    if (error === 'token_expired' || !session) {
      const expired = error === 'token_expired';
      const message = expired
        ? 'Provided authentication token is expired. Please try signing in again.'
        : 'Your authentication token has been invalidated. Please try signing in again.';
      const code = expired ? 'token_expired' : 'token_invalidated';
      return {
        ...(account ? { account } : {}),
        error: {
          status: 401,
          body: { error: { message, type: 'invalid_request_error', code, param: null } },
        },
      };
    }
    const header = req.headers['chatgpt-account-id'];
    if (
      (header === undefined && requireAccountHeader) ||
      (header !== undefined && header !== session.account.chatgptAccountId)
    ) {
      const message = 'chatgpt-account-id is missing or does not match the token.';
      return {
        account: session.account,
        error: {
          status: 403,
          body: { error: { message, type: 'invalid_request_error', code: 'account_mismatch', param: null } },
        },
      };
    }
    return { account: session.account };
  }

  /** `identify` for an HTTP exchange: answers the error itself. */
  authenticate(x: Exchange, requireAccountHeader: boolean): Account | undefined {
    const { account, error } = this.identify(x.req, requireAccountHeader);
    // An expired token still names its account, so the request is attributed to it in the log.
    if (account) x.account = account;
    if (error) {
      sendJson(x.res, error.status, error.body);
      return undefined;
    }
    return account;
  }

  /**
   * The answer to one response request from `account`, consuming a queued fault and reply: the
   * one decision both transports (SSE over HTTP, frames over a WebSocket) then carry out.
   */
  planResponse(account: Account, input: PlanInput): PlannedResponse {
    const { body } = input;
    const model = str(body['model']) ?? '';
    const now = this.state.now();
    const plan: StreamPlan = {};
    let delayMs: number | undefined;
    const fault = this.takeFault('responses', account);
    if (fault)
      switch (fault.kind) {
        case 'reset_before_headers':
          return { kind: 'reset' };
        case 'delay':
          delayMs = fault.ms ?? 1000;
          break;
        case 'slow_first_byte':
          plan.firstByteDelayMs = fault.ms ?? 1000;
          break;
        case 'reset_mid_stream':
          plan.cutAfter = fault.afterEvents ?? 3;
          break;
        case 'stall':
          plan.stallAfter = fault.afterEvents ?? 3;
          break;
        case 'response_failed': {
          const ev = failedEvent(
            ++this.seq,
            fault.code ?? 'server_error',
            fault.message ?? 'Simulated failure.',
          );
          return { kind: 'stream', events: [ev], response: ev['response'] as Record<string, unknown>, plan };
        }
        default: {
          const f = httpFault(fault, { model, planType: account.planType, now });
          const rl =
            fault.kind === 'usage_limit_reached'
              ? rateLimitHeaders(account.families.values(), account.credits, now)
              : {};
          return { kind: 'error', status: f.status, body: f.body, headers: { ...rl, ...f.headers } };
        }
      }
    const familyId = GATED_MODELS.get(model) ?? STANDARD_FAMILY;
    const family = account.families.get(familyId);
    if (!MODEL_SLUGS.has(model) || !family) {
      const f = httpFault({ kind: 'model_not_supported' }, { model, planType: account.planType, now });
      return { kind: 'error', ...f };
    }
    const until = blockedUntil(family, now);
    if (until !== null) {
      const error = {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: account.planType,
        resets_at: until,
        resets_in_seconds: until - now,
      };
      const headers = {
        ...rateLimitHeaders(account.families.values(), account.credits, now),
        'x-codex-active-limit': familyId,
      };
      return { kind: 'error', status: 429, body: { error }, headers };
    }
    const script = this.takeReply(account);
    const ctx = { account, model, body, toolOutput: lastToolOutput(body) };
    const reply: Reply = typeof script === 'function' ? script(ctx) : script;
    const inputTokens = Math.ceil(input.rawLength / 4);
    const built = buildEvents(reply, {
      seq: ++this.seq,
      model,
      now,
      inputTokens,
      cachedTokens: readPromptCache(account, input.cacheKey, inputTokens),
    });
    if (this.streamGapMs) plan.gapMs = this.streamGapMs;
    return {
      kind: 'stream',
      events: built.events,
      response: built.response,
      plan,
      ...(delayMs === undefined ? {} : { delayMs }),
      familyId,
      rateLimits: rateLimitsEvent(family, account.planType, account.credits),
    };
  }

  /** `POST /codex/responses` (strict upstream) or `/v1/responses` (`openai` SDK alias, may be non-streaming). */
  async responses(x: Exchange, alias: boolean): Promise<void> {
    const account = this.authenticate(x, !alias);
    if (!account) return;
    const body = x.body ?? {};
    // The real backend refuses these; our proxy must force them (PROTOCOL.md §5).
    if (!alias && body['stream'] !== true)
      return sendJson(x.res, 400, { detail: 'Stream must be set to true' });
    if (!alias && body['store'] !== false)
      return sendJson(x.res, 400, { detail: 'Store must be set to false' });
    const header = x.req.headers['session_id'];
    const cacheKey = str(body['prompt_cache_key']) ?? (typeof header === 'string' ? header : undefined);
    const planned = this.planResponse(account, { body, rawLength: x.rawLength, cacheKey });
    if (planned.kind === 'reset') return void x.req.socket.destroy();
    if (planned.kind === 'error') return sendJson(x.res, planned.status, planned.body, planned.headers);
    if (planned.delayMs !== undefined) {
      try {
        await sleep(planned.delayMs, undefined, { signal: x.signal });
      } catch {
        return;
      }
    }
    const model = str(body['model']) ?? '';
    if (alias && body['stream'] !== true) {
      if (planned.familyId) this.consume(account, planned.familyId);
      return sendJson(x.res, 200, planned.response, { 'x-request-id': this.requestId(x) });
    }
    const events = planned.events;
    if (this.emitRateLimitsEvent && !alias && planned.rateLimits) {
      // Unknown event types make the openai SDK throw, so the alias route never carries this one.
      events.splice(1, 0, planned.rateLimits);
    }
    x.res.writeHead(200, this.sseHeaders(x, account, model));
    this.streams.peak = Math.max(this.streams.peak, ++this.streams.open);
    try {
      x.outcome = await writeStream(x.res, events.map(frame), planned.plan, x.signal);
    } finally {
      this.streams.open -= 1;
    }
    if (x.outcome === 'completed' && planned.familyId) this.consume(account, planned.familyId);
  }

  private requestId(x: Exchange): string {
    const sent = x.req.headers['x-request-id'];
    return typeof sent === 'string' ? sent : randomUUID();
  }

  private sseHeaders(x: Exchange, account: Account, model: string): Record<string, string> {
    return {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': this.requestId(x),
      'x-codex-turn-state': `ts_${this.seq}`,
      'x-models-etag': MODELS_ETAG,
      'openai-model': model,
      ...rateLimitHeaders(account.families.values(), account.credits, this.state.now()),
    };
  }

  /** Answer an HTTP fault in upstream's error shape. */
  private sendFault(x: Exchange, fault: FaultSpec, account: Account, model: string): void {
    const f = httpFault(fault, { model, planType: account.planType, now: this.state.now() });
    sendJson(x.res, f.status, f.body, f.headers);
  }

  /** A completed response spends the family's windows. */
  consume(account: Account, familyId: string): void {
    const f = account.families.get(familyId);
    if (!f) return;
    rollFamily(f, this.state.now());
    f.primary.usedPercent = Math.min(100, f.primary.usedPercent + account.costPerRequest.primary);
    f.secondary.usedPercent = Math.min(100, f.secondary.usedPercent + account.costPerRequest.secondary);
  }

  /** `POST /codex/responses/compact`: keeps the user messages and adds an opaque compaction item. */
  compact(x: Exchange): void {
    const account = this.authenticate(x, false);
    if (!account) return;
    const fault = this.takeFault('compact', account);
    const model = str(x.body?.['model']) ?? '';
    if (fault) return this.sendFault(x, fault, account, model);
    const input = Array.isArray(x.body?.['input']) ? (x.body['input'] as unknown[]) : [];
    const kept = input.filter(
      (i) =>
        !!i &&
        typeof i === 'object' &&
        (i as Record<string, unknown>)['type'] === 'message' &&
        (i as Record<string, unknown>)['role'] === 'user',
    );
    this.consume(account, GATED_MODELS.get(model) ?? STANDARD_FAMILY);
    const summary = Buffer.from(`simulated summary of ${input.length} items`).toString('base64');
    sendJson(x.res, 200, { output: [...kept, { type: 'compaction', encrypted_content: summary }] });
  }

  /** `GET /codex/models` with ETag revalidation (the CLI sends If-None-Match). */
  models(x: Exchange, openaiShape: boolean): void {
    const account = this.authenticate(x, false);
    if (!account) return;
    const fault = this.takeFault('models', account);
    if (fault) return this.sendFault(x, fault, account, '');
    if (openaiShape) return sendJson(x.res, 200, OPENAI_MODELS_BODY);
    if (x.req.headers['if-none-match'] === MODELS_ETAG) {
      x.res.writeHead(304, { etag: MODELS_ETAG });
      x.res.end();
      return;
    }
    sendJson(x.res, 200, MODELS_BODY, { etag: MODELS_ETAG, 'x-models-etag': MODELS_ETAG });
  }

  /** `GET /wham/usage` (PROTOCOL.md §9). */
  usage(x: Exchange): void {
    const account = this.authenticate(x, false);
    if (!account) return;
    const fault = this.takeFault('usage', account);
    if (fault) return this.sendFault(x, fault, account, '');
    sendJson(x.res, 200, usageBody(account, account.families, this.state.now()));
  }
}
