import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// Whatever a client sends, the proxy answers with a status and a well-formed body, and keeps serving.
let pool: PoolHarness;
beforeAll(async () => {
  pool = await startPool({
    accounts: [{ email: 'fuzz@example.com', planType: 'pro', costPerRequest: { primary: 0, secondary: 0 } }],
  });
});
afterAll(() => pool.close());

const ROUTES = [
  '/backend-api/codex/responses',
  '/v1/responses',
  '/v1/chat/completions',
  '/backend-api/codex/responses/compact',
];

/** Bodies shaped like real requests with arbitrary values in every field, plus arbitrary JSON. */
const bodies = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      model: fc.oneof(fc.constant('gpt-5.5'), fc.jsonValue()),
      input: fc.oneof(fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.jsonValue()),
      messages: fc.oneof(
        fc.array(
          fc.record({
            role: fc.constantFrom('user', 'system', 'assistant', 'tool', 'x'),
            content: fc.jsonValue(),
          }),
          { maxLength: 3 },
        ),
        fc.jsonValue(),
      ),
      stream: fc.jsonValue(),
      tools: fc.oneof(
        fc.array(
          fc.record({
            type: fc.constantFrom('function', 'file_search', 'web_search_preview'),
            function: fc.jsonValue(),
          }),
          { maxLength: 2 },
        ),
        fc.jsonValue(),
      ),
      instructions: fc.jsonValue(),
      previous_response_id: fc.oneof(fc.string(), fc.jsonValue()),
      n: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

describe('any client body', () => {
  it('gets a 2xx or 4xx with a JSON error envelope or a stream, never a crash', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), bodies, async (route, body) => {
        const res = await pool.fetch(route, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        seen.add(res.status);
        expect([200, 400, 404, 413, 503].includes(res.status), `${res.status} ${text}`).toBe(true);
        if (res.status !== 200) {
          const parsed = JSON.parse(text) as { error: { message: string; code: string } };
          expect(typeof parsed.error.message).toBe('string');
          expect(typeof parsed.error.code).toBe('string');
        }
      }),
      { numRuns: 150, seed: 20261126 },
    );
    // Both sides were exercised: well-formed bodies served, malformed ones refused.
    expect(seen.has(200) && seen.has(400)).toBe(true);
    const health = await pool.fetch('/api/health');
    expect(health.status).toBe(200);
  });
});
