import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index';
import type { SimAccountView, Simulator } from '../../simulator/index';

// The official `openai` npm SDK against the simulator's /v1 aliases, authenticated with an access token.
describe('openai SDK against the simulator', () => {
  let sim: Simulator;
  let account: SimAccountView;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await createSimulator();
    account = sim.addAccount({ email: 'sdk@example.com', planType: 'plus' });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: account.tokens.accessToken, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it('responses.create without streaming returns the completed response', async () => {
    const res = await client.responses.create({ model: 'gpt-5.5', input: 'Say hello', stream: false });
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Hello from sdk@example.com');
    expect(res.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('responses.stream emits deltas and finalResponse() has the text', async () => {
    sim.queueReply({ type: 'text', text: 'Streaming through the simulator works fine', chunks: 5 });
    const stream = client.responses.stream({ model: 'gpt-5.5', input: 'Stream please' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas).toHaveLength(5);
    expect(deltas.join('')).toBe('Streaming through the simulator works fine');
    expect(final.output_text).toBe('Streaming through the simulator works fine');
    expect(final.status).toBe('completed');
  });

  it('streams a function call the SDK can read back', async () => {
    sim.queueReply({
      type: 'tool_call',
      name: 'shell',
      arguments: { command: ['echo', 'hi'] },
      callId: 'call_x',
    });
    const final = await client.responses
      .stream({
        model: 'gpt-5.5',
        input: 'Use the tool',
        tools: [{ type: 'function', name: 'shell', parameters: {}, strict: false }],
      })
      .finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'shell', call_id: 'call_x' });
    expect(JSON.parse((final.output[0] as { arguments: string }).arguments)).toEqual({
      command: ['echo', 'hi'],
    });
  });

  it('lists models and maps a full window to a 429 the SDK surfaces', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-5.3-codex-spark');
    account.setUsage({ primary: 100 });
    const err = await client.responses.create({ model: 'gpt-5.5', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('x-codex-active-limit')).toBe(
      'codex',
    );
    account.setUsage({ primary: 0 });
  });

  it('rejects a bearer that is not a current access token', async () => {
    const bad = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-not-a-token', maxRetries: 0 });
    await expect(bad.responses.create({ model: 'gpt-5.5', input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });
});
