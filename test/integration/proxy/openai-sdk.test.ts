import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// The official `openai` npm SDK pointed at Codex Pool's /v1 routes, as an OpenCode or SDK user would.
describe('openai SDK through Codex Pool', () => {
  let pool: PoolHarness;
  let client: OpenAI;
  beforeAll(async () => {
    pool = await startPool({
      accounts: [
        { email: 'sdk-1@example.com', planType: 'plus' },
        { email: 'sdk-2@example.com', planType: 'pro' },
      ],
      deps: { random: () => 0.5 },
    });
    pool.sim.setRateLimitsEvent(true); // upstream sends codex.rate_limits; SDK clients must not see it
    client = new OpenAI({ baseURL: `${pool.core.url}/v1`, apiKey: 'anything', maxRetries: 0 });
  });
  afterAll(() => pool.close());

  const shellTool = {
    type: 'function' as const,
    function: { name: 'shell', description: 'run a command', parameters: { type: 'object', properties: {} } },
  };

  it('chat.completions.create returns one completion', async () => {
    pool.sim.queueReply({ type: 'text', text: 'Plain chat answer' });
    const res = await client.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe('Plain chat answer');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('chat.completions.stream() completes with text deltas', async () => {
    pool.sim.queueReply({ type: 'text', text: 'Streamed through the pool', chunks: 4 });
    const stream = client.chat.completions.stream({
      model: 'gpt-5.5',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on('content.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalChatCompletion();
    expect(deltas.join('')).toBe('Streamed through the pool');
    expect(final.choices[0]?.message.content).toBe('Streamed through the pool');
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('chat.completions.stream() completes a tool call, and the follow-up turn with the tool result', async () => {
    pool.sim.queueReply({
      type: 'tool_call',
      name: 'shell',
      arguments: { command: 'ls' },
      callId: 'call_chat',
    });
    const first = await client.chat.completions
      .stream({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'list files' }], tools: [shellTool] })
      .finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ id: 'call_chat', type: 'function', function: { name: 'shell' } });
    expect(JSON.parse(call!.type === 'function' ? call!.function.arguments : '{}')).toEqual({
      command: 'ls',
    });

    pool.sim.queueReply(({ toolOutput }) => ({ type: 'text', text: `saw ${toolOutput}` }));
    const second = await client.chat.completions
      .stream({
        model: 'gpt-5.5',
        tools: [shellTool],
        messages: [
          { role: 'user', content: 'list files' },
          { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls! },
          { role: 'tool', tool_call_id: 'call_chat', content: 'a.txt b.txt' },
        ],
      })
      .finalChatCompletion();
    expect(second.choices[0]?.message.content).toBe('saw a.txt b.txt');
  });

  it('responses.stream() completes with text and with a function call', async () => {
    pool.sim.queueReply({ type: 'text', text: 'Responses stream via pool', chunks: 3 });
    const text = await client.responses.stream({ model: 'gpt-5.5', input: 'hi' }).finalResponse();
    expect(text.output_text).toBe('Responses stream via pool');

    pool.sim.queueReply({
      type: 'tool_call',
      name: 'shell',
      arguments: { command: 'pwd' },
      callId: 'call_resp',
    });
    const tool = await client.responses
      .stream({
        model: 'gpt-5.5',
        input: 'where am I',
        tools: [{ type: 'function', name: 'shell', parameters: {}, strict: false }],
      })
      .finalResponse();
    expect(tool.output[0]).toMatchObject({ type: 'function_call', name: 'shell', call_id: 'call_resp' });
  });

  it('responses.create without streaming returns the completed response', async () => {
    pool.sim.queueReply({ type: 'text', text: 'Collected for you' });
    const res = await client.responses.create({ model: 'gpt-5.5', input: 'hi' });
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Collected for you');
  });

  it('lists models in the OpenAI shape', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-5.5');
  });

  it('surfaces a bad request as a 400 the SDK understands', async () => {
    await expect(
      client.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'x' }], n: 2 }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
