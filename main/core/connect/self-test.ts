import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConnectTestResult } from '../../../shared/api';

/** How long the test request may take before the user is told to look at the Requests view. */
const TEST_TIMEOUT_MS = 60_000;
/** How long to wait for the request log after the answer arrived. */
const LOG_WAIT_MS = 5_000;

/**
 * The dashboard's "Test" button: one tiny request sent to this server's own proxy, exactly like a client's, so
 * it exercises the balancer, an account's token and the upstream. It authenticates with a secret that exists
 * only in this process (never stored, never shown), so it works when proxy keys are required without creating
 * one. The request's own async context carries a marker so the request log tells which account answered,
 * even with other traffic in flight.
 */
export class SelfTest {
  private readonly secret = `cp-selftest-${randomBytes(24).toString('base64url')}`;
  private readonly context = new AsyncLocalStorage<string>();
  private readonly pending = new Map<string, (accountId: string | null) => void>();
  private runs = 0;

  /** True when a proxy request carries the self-test secret; marks the request's async context with its run. */
  recognise(bearer: string): boolean {
    const dot = bearer.lastIndexOf('.');
    if (dot < 0) return false;
    const a = Buffer.from(bearer.slice(0, dot));
    const b = Buffer.from(this.secret);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
    this.context.enterWith(bearer.slice(dot + 1));
    return true;
  }

  /** Called for every logged request: reports the account when the request is a self-test's. */
  observe(accountId: string | null): void {
    const run = this.context.getStore();
    if (run !== undefined) this.pending.get(run)?.(accountId);
  }

  /** Sends the request and reports the model's short answer and the account that gave it. */
  async run(
    origin: string,
    model: string,
    accountEmail: (id: string) => string | null,
    nowMs: () => number,
  ): Promise<ConnectTestResult> {
    const started = nowMs();
    const run = String((this.runs += 1));
    let answered: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    // The proxy logs a request just after its last byte, so the answer can arrive a moment before the log.
    const logged = new Promise<void>((resolve) => {
      this.pending.set(run, (id) => {
        answered = id;
        resolve();
      });
    });
    const loggedOrLate = (): Promise<void> =>
      Promise.race([logged, new Promise<void>((resolve) => (timer = setTimeout(resolve, LOG_WAIT_MS)))]);
    try {
      const res = await fetch(`${origin}/v1/responses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.secret}.${run}`,
          'content-type': 'application/json',
          'user-agent': 'codex-pool-self-test',
        },
        body: JSON.stringify({ model, input: 'Reply with the single word: ok', stream: false }),
        signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
      });
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      const latencyMs = nowMs() - started;
      await loggedOrLate();
      const email = answered === null ? null : accountEmail(answered);
      if (!res.ok) {
        const error = (body['error'] ?? {}) as { message?: string };
        return {
          ok: false,
          accountId: answered,
          accountEmail: email,
          model,
          message: error.message ?? `The pool answered ${res.status}.`,
          latencyMs,
        };
      }
      return {
        ok: true,
        accountId: answered,
        accountEmail: email,
        model,
        message: outputText(body),
        latencyMs,
      };
    } catch (err) {
      return {
        ok: false,
        accountId: null,
        accountEmail: null,
        model,
        message: `The test request did not complete (${err instanceof Error ? err.message : String(err)}). Check the Requests view, then try again.`,
        latencyMs: nowMs() - started,
      };
    } finally {
      this.pending.delete(run);
      clearTimeout(timer);
      // Async context tracking costs every promise a little (Node 20 builds it on async_hooks): keep it on
      // only while a test is in flight, so the proxy's hot path pays nothing the rest of the time.
      if (this.pending.size === 0) this.context.disable();
    }
  }
}

/** The text of a Responses API result, cut short for display. */
function outputText(body: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const item of (body['output'] as { content?: { type?: string; text?: string }[] }[] | undefined) ??
    []) {
    for (const c of item.content ?? []) if (c.type === 'output_text' && c.text) parts.push(c.text);
  }
  const text = parts.join(' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(an empty answer)';
}
