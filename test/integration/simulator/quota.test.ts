import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUsage, postResponses } from '../../helpers/sim-client';
import { collectSse } from '../../helpers/sse';
import { createSimulator } from '../../simulator/index';
import type { Simulator } from '../../simulator/index';

describe('simulator quotas', () => {
  let sim: Simulator;
  let clock = 1_800_000_000;
  beforeAll(async () => {
    sim = await createSimulator({ now: () => clock });
  });
  afterAll(() => sim.close());

  it('streams the full §6 sequence with rate-limit headers', async () => {
    const a = sim.addAccount({
      email: 'seq@example.com',
      credits: { hasCredits: true, unlimited: false, balance: '9.99' },
    });
    const res = await postResponses(sim.upstreamBaseUrl, a);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(res.headers.get('x-codex-secondary-window-minutes')).toBe('10080');
    expect(res.headers.get('x-codex-primary-reset-at')).toBe(String(clock + 300 * 60));
    expect(res.headers.get('x-codex-credits-balance')).toBe('9.99');
    const events = await collectSse(res.body!);
    const types = events.map((e) => e.event);
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.every((e) => e.event === e.data['type'])).toBe(true);
    const deltas = events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data['delta']);
    expect(deltas.join('')).toBe('Hello from seq@example.com');
  });

  it('raises usage with each completed response, then answers 429 usage_limit_reached', async () => {
    const a = sim.addAccount({
      email: 'fill@example.com',
      planType: 'pro',
      costPerRequest: { primary: 40, secondary: 5 },
    });
    for (let i = 0; i < 3; i += 1) await collectSse((await postResponses(sim.upstreamBaseUrl, a)).body!);
    const usage = await getUsage(sim.upstreamBaseUrl, a);
    expect(usage.plan_type).toBe('pro');
    expect(usage.rate_limit.primary_window.used_percent).toBe(100);
    expect(usage.rate_limit.secondary_window.used_percent).toBe(15);
    expect(usage.rate_limit.limit_reached).toBe(true);

    const res = await postResponses(sim.upstreamBaseUrl, a);
    expect(res.status).toBe(429);
    expect(res.headers.get('x-codex-active-limit')).toBe('codex');
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('100');
    const resetAt = clock + 300 * 60;
    expect(await res.json()).toEqual({
      error: {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: 'pro',
        resets_at: resetAt,
        resets_in_seconds: resetAt - clock,
      },
    });

    // Time passes: the 5 h window resets, the weekly one keeps its usage.
    clock = resetAt;
    const again = await postResponses(sim.upstreamBaseUrl, a);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-codex-primary-used-percent')).toBe('0');
    expect(again.headers.get('x-codex-primary-reset-at')).toBe(String(resetAt + 300 * 60));
    await collectSse(again.body!);
    expect((await getUsage(sim.upstreamBaseUrl, a)).rate_limit.primary_window.used_percent).toBe(40);
  });

  it('charges Spark to the codex_other family and reports it in headers and /wham/usage', async () => {
    const a = sim.addAccount({
      email: 'spark@example.com',
      planType: 'pro',
      families: { codex_other: { primary: 90 } },
      costPerRequest: { primary: 10, secondary: 1 },
    });
    const ok = await postResponses(sim.upstreamBaseUrl, a, { model: 'gpt-5.3-codex-spark' });
    expect(ok.headers.get('x-codex-other-primary-used-percent')).toBe('90');
    expect(ok.headers.get('x-codex-other-limit-name')).toBe('GPT-5.3-Codex-Spark');
    await collectSse(ok.body!);
    const usage = await getUsage(sim.upstreamBaseUrl, a);
    expect(usage.rate_limit.primary_window.used_percent).toBe(0);
    expect(usage.additional_rate_limits).toEqual([
      expect.objectContaining({ limit_name: 'codex_other', metered_feature: 'codex_bengalfox' }),
    ]);
    expect(usage.additional_rate_limits[0]?.rate_limit.primary_window.used_percent).toBe(100);

    const full = await postResponses(sim.upstreamBaseUrl, a, { model: 'gpt-5.3-codex-spark' });
    expect(full.status).toBe(429);
    expect(full.headers.get('x-codex-active-limit')).toBe('codex_other');
    // The standard family is untouched, so normal models still work.
    expect((await postResponses(sim.upstreamBaseUrl, a)).status).toBe(200);

    const plain = sim.addAccount({ email: 'nospark@example.com' });
    const refused = await postResponses(sim.upstreamBaseUrl, plain, { model: 'gpt-5.3-codex-spark' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain(
      'not supported when using Codex with a ChatGPT account',
    );
  });

  it('emits codex.rate_limits when asked', async () => {
    const a = sim.addAccount({ email: 'rl-event@example.com', usage: { primary: 12 } });
    sim.setRateLimitsEvent(true);
    const events = await collectSse((await postResponses(sim.upstreamBaseUrl, a)).body!);
    sim.setRateLimitsEvent(false);
    expect(events[1]?.data).toMatchObject({
      type: 'codex.rate_limits',
      rate_limits: { primary: { used_percent: 12, window_minutes: 300 } },
    });
  });

  it('enforces the upstream body rules our proxy must satisfy', async () => {
    const a = sim.addAccount({ email: 'rules@example.com' });
    expect((await postResponses(sim.upstreamBaseUrl, a, { stream: false })).status).toBe(400);
    expect((await postResponses(sim.upstreamBaseUrl, a, { store: true })).status).toBe(400);
    const wrongAccount = await postResponses(sim.upstreamBaseUrl, {
      tokens: a.tokens,
      chatgptAccountId: 'other',
    });
    expect(wrongAccount.status).toBe(403);
  });
});
