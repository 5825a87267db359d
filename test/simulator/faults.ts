import type { AccountRef } from './types';

/**
 * Which endpoint a fault applies to; `responses` covers `/backend-api/codex/responses` and `/v1/responses`
 * over HTTP and each `response.create` over WebSocket; `websocket_handshake` refuses the upgrade itself
 * with the fault's HTTP answer.
 */
export type FaultRoute =
  'responses' | 'compact' | 'models' | 'usage' | 'token' | 'websocket_handshake' | 'any';

/** Faults answered with an HTTP error before any byte of a stream (PROTOCOL.md §10). */
export type HttpFaultKind =
  | 'server_error'
  | 'server_is_overloaded'
  | 'token_invalidated'
  | 'token_expired'
  | 'rate_limit_exceeded'
  | 'usage_limit_reached'
  | 'insufficient_quota'
  | 'usage_not_included'
  | 'account_deactivated'
  | 'account_suspended'
  | 'account_deleted'
  | 'model_not_supported'
  /** 400 for a `previous_response_id` upstream does not hold (over WebSocket: not the connection's last response). */
  | 'previous_response_not_found'
  /** 400 with a FastAPI-style `{"detail": "…"}` body, as upstream answers an unknown model slug. */
  | 'detail_error'
  | 'invalid_grant'
  /** Any status and code: `{ kind: 'error', status: 401, code: 'app_session_terminated' }`. */
  | 'error';

/** Faults that shape the timing or the stream itself. */
export type StreamFaultKind =
  'delay' | 'slow_first_byte' | 'response_failed' | 'reset_before_headers' | 'reset_mid_stream' | 'stall';

export type FaultKind = HttpFaultKind | StreamFaultKind;

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests served by this account; any account when absent. */
  account?: AccountRef;
  /** How many matching requests it hits (default 1; `Infinity` for a permanent fault). */
  times?: number;
  /** Default: `token` for `invalid_grant`, else `responses`. */
  route?: FaultRoute;
  /** `delay`, `slow_first_byte`: milliseconds. */
  ms?: number;
  /** `reset_mid_stream`, `stall`: events written before the cut (default 3). */
  afterEvents?: number;
  /** `error`, or to override a preset's status. */
  status?: number;
  /** `error`, `response_failed`: error code. */
  code?: string;
  /** Override the error message. */
  message?: string;
  /** `rate_limit_exceeded`: seconds in the hint and `retry-after` (default 20). */
  retryAfterSeconds?: number;
}

/** A fault in the queue; `hits` lets tests see it fired. */
export interface FaultHandle {
  readonly spec: FaultSpec;
  remaining: number;
  hits: number;
}

export interface HttpFault {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const err = (status: number, code: string | null, type: string, message: string): HttpFault => ({
  status,
  body: { error: { message, type, code, param: null } },
});

/** The error answer of an HTTP fault, in the shapes upstream uses. */
export function httpFault(
  spec: FaultSpec,
  ctx: { model: string; planType: string; now: number; previousResponseId?: string },
): HttpFault {
  const s = (fallback: number) => spec.status ?? fallback;
  const m = (fallback: string) => spec.message ?? fallback;
  switch (spec.kind) {
    case 'server_error':
      return err(
        s(500),
        'server_error',
        'server_error',
        m('An error occurred while processing your request.'),
      );
    case 'server_is_overloaded':
      return err(
        s(503),
        'server_is_overloaded',
        'server_error',
        m('Our servers are currently overloaded. Please try again later.'),
      );
    case 'token_invalidated':
      return err(
        s(401),
        'token_invalidated',
        'invalid_request_error',
        m('Your authentication token has been invalidated. Please try signing in again.'),
      );
    case 'token_expired':
      return err(
        s(401),
        'token_expired',
        'invalid_request_error',
        m('Provided authentication token is expired. Please try signing in again.'),
      );
    case 'rate_limit_exceeded': {
      const secs = spec.retryAfterSeconds ?? 20;
      const f = err(
        s(429),
        'rate_limit_exceeded',
        'requests',
        m(`Rate limit reached for requests. Please try again in ${secs}s.`),
      );
      return { ...f, headers: { 'retry-after': String(secs) } };
    }
    case 'usage_limit_reached': {
      const resetsIn = 3600;
      return {
        status: s(429),
        body: {
          error: {
            type: 'usage_limit_reached',
            message: m('The usage limit has been reached'),
            plan_type: ctx.planType,
            resets_at: ctx.now + resetsIn,
            resets_in_seconds: resetsIn,
          },
        },
        headers: { 'x-codex-active-limit': 'codex' },
      };
    }
    case 'insufficient_quota':
      return err(
        s(429),
        'insufficient_quota',
        'insufficient_quota',
        m('You exceeded your current quota, please check your plan and billing details.'),
      );
    case 'usage_not_included':
      return err(
        s(429),
        'usage_not_included',
        'usage_not_included',
        m('Codex is not included in your plan.'),
      );
    case 'account_deactivated':
    case 'account_suspended':
    case 'account_deleted':
      return err(
        s(403),
        spec.kind,
        'invalid_request_error',
        m(`This account has been ${spec.kind.slice('account_'.length)}.`),
      );
    case 'model_not_supported':
      return err(
        s(400),
        null,
        'invalid_request_error',
        m(`The '${ctx.model}' model is not supported when using Codex with a ChatGPT account.`),
      );
    case 'previous_response_not_found':
      return {
        status: s(400),
        body: {
          error: {
            message: m(`Previous response with id '${ctx.previousResponseId ?? 'resp_unknown'}' not found.`),
            type: 'invalid_request_error',
            code: 'previous_response_not_found',
            param: 'previous_response_id',
          },
        },
      };
    case 'detail_error':
      return { status: s(400), body: { detail: m(`Unsupported model: ${ctx.model}`) } };
    case 'invalid_grant':
      return {
        status: s(400),
        body: { error: 'invalid_grant', error_description: m('Invalid refresh token') },
      };
    case 'error':
      return err(s(500), spec.code ?? 'server_error', 'server_error', m('Simulated upstream error.'));
    default:
      throw new Error(`${spec.kind} is not an HTTP fault`);
  }
}

const defaultRoute = (spec: FaultSpec): FaultRoute =>
  spec.route ?? (spec.kind === 'invalid_grant' ? 'token' : 'responses');

/** A queue of scripted faults, consumed in insertion order by the requests they match. */
export class FaultQueue {
  private faults: FaultHandle[] = [];

  add(spec: FaultSpec): FaultHandle {
    const handle: FaultHandle = { spec, remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(handle);
    return handle;
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The next fault for this request, consumed. `matches` says whether the fault's account filter
   * covers the request's account (the handlers resolve refs, this class stays state-free).
   */
  take(route: FaultRoute, matches: (spec: FaultSpec) => boolean): FaultSpec | undefined {
    if (this.faults.length === 0) return undefined;
    const i = this.faults.findIndex((f) => {
      const r = defaultRoute(f.spec);
      return (r === route || r === 'any') && matches(f.spec);
    });
    const handle = this.faults[i];
    if (!handle) return undefined;
    handle.hits += 1;
    handle.remaining -= 1;
    if (handle.remaining <= 0) this.faults.splice(i, 1);
    return handle.spec;
  }
}
