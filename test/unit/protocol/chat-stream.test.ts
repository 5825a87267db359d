import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  collectChatCompletion,
  collectResponse,
  createChatStreamTranslator,
  type ChatStreamOptions,
} from '../../../main/core/protocol';
import { minimalEvents, toolCallEvents } from './fixtures';

const NOW = 1_700_000_000;

function translate(events: unknown[], opts: Partial<ChatStreamOptions> = {}): string[] {
  const t = createChatStreamTranslator({ model: 'gpt-5.5', includeUsage: false, now: NOW, ...opts });
  return [...events.flatMap((e) => t.push(e)), ...t.end()];
}

const parse = (frames: string[]) =>
  frames.map((f) => {
    expect(f.startsWith('data: ') && f.endsWith('\n\n')).toBe(true);
    const body = f.slice(6, -2);
    return body === '[DONE]' ? '[DONE]' : (JSON.parse(body) as unknown);
  });

const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl_temp',
  object: 'chat.completion.chunk',
  created: NOW,
  model: 'gpt-5.5',
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});

/** Runs frames through the official SDK's `chat.completions.stream()` helper via a fake fetch. */
async function sdkFinal(frames: string[]) {
  const client = new OpenAI({
    apiKey: 'x',
    baseURL: 'http://pool.invalid/v1',
    maxRetries: 0,
    fetch: async () =>
      new Response(frames.join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.chat.completions.stream({
    model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'hi' }],
  });
  return stream.finalChatCompletion();
}

describe('createChatStreamTranslator (§11)', () => {
  it('produces the exact chunk sequence for a tool-call stream', () => {
    expect(parse(translate(toolCallEvents()))).toEqual([
      chunk({
        role: 'assistant',
        tool_calls: [
          { index: 0, type: 'function', function: { name: 'shell', arguments: '' }, id: 'call_1' },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"cmd":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"ls"}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]);
  });

  it('produces the exact sequence for the §6 minimal stream with include_usage', () => {
    const withUsage = (c: object) => ({ ...c, usage: null });
    expect(parse(translate(minimalEvents(), { includeUsage: true }))).toEqual([
      withUsage(chunk({ role: 'assistant', content: 'Hel' })),
      withUsage(chunk({ content: 'lo' })),
      withUsage(chunk({}, 'stop')),
      {
        id: 'chatcmpl_temp',
        object: 'chat.completion.chunk',
        created: NOW,
        model: 'gpt-5.5',
        choices: [],
        usage: {
          prompt_tokens: 12,
          completion_tokens: 2,
          total_tokens: 14,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
      '[DONE]',
    ]);
  });

  it('fills in text that only arrived in output_item.done, and handles refusals and alias types', () => {
    const frames = parse(
      translate([
        { type: 'response.text.delta', item_id: 'm', content_index: 0, delta: 'Hi' },
        {
          type: 'response.output_item.done',
          item: { id: 'm', type: 'message', content: [{ type: 'output_text', text: 'Hi there' }] },
        },
        { type: 'response.refusal.delta', item_id: 'm', delta: 'no' },
        { type: 'response.completed', response: {} },
      ]),
    );
    expect(frames.slice(0, 4)).toEqual([
      chunk({ role: 'assistant', content: 'Hi' }),
      chunk({ content: ' there' }),
      chunk({ refusal: 'no' }),
      chunk({}, 'stop'),
    ]);
  });

  it('holds back argument deltas until the call id and name are known', () => {
    const frames = parse(
      translate([
        { type: 'response.function_call_arguments.delta', item_id: 'fc_9', delta: '{"a":' },
        { type: 'response.function_call_arguments.delta', item_id: 'fc_9', delta: '1}' },
        {
          type: 'response.function_call_arguments.done',
          item_id: 'fc_9',
          call_id: 'call_9',
          name: 'f',
          arguments: '{"a":1}',
        },
        { type: 'response.completed', response: {} },
      ]),
    );
    expect(frames).toEqual([
      chunk({
        role: 'assistant',
        tool_calls: [
          { index: 0, type: 'function', function: { name: 'f', arguments: '{"a":1}' }, id: 'call_9' },
        ],
      }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]);
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
    [undefined, 'stop'],
  ])('response.incomplete (%s) → finish_reason %s', (reason, finish) => {
    const frames = parse(
      translate([
        { type: 'response.incomplete', response: { incomplete_details: reason ? { reason } : null } },
      ]),
    );
    expect(frames).toEqual([chunk({ role: 'assistant' }, finish), '[DONE]']);
  });

  it('turns response.failed into one error frame then [DONE], and ignores later events', () => {
    const t = createChatStreamTranslator({ model: 'gpt-5.5', includeUsage: false, now: NOW });
    const frames = t.push({
      type: 'response.failed',
      response: { error: { code: 'usage_limit_reached', message: 'limit', resets_at: NOW + 60 } },
    });
    expect(parse(frames)).toEqual([
      { error: { message: 'limit', type: 'server_error', code: 'usage_limit_reached', resets_at: NOW + 60 } },
      '[DONE]',
    ]);
    expect(t.finished).toBe(true);
    expect(t.push({ type: 'response.completed', response: {} })).toEqual([]);
    expect(t.end()).toEqual([]);
  });

  it('reports a stream without a terminal event as upstream_stream_truncated', () => {
    const frames = parse(translate(minimalEvents().slice(0, 5)));
    expect(frames.slice(-2)).toEqual([
      {
        error: {
          message: 'Upstream stream ended before the response completed',
          type: 'server_error',
          code: 'upstream_stream_truncated',
        },
      },
      '[DONE]',
    ]);
  });

  it('is accepted by the openai SDK chat.completions.stream() helper (text and tool calls)', async () => {
    const text = await sdkFinal(translate(minimalEvents(), { includeUsage: true }));
    expect(text.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello' });
    expect(text.choices[0]?.finish_reason).toBe('stop');
    expect(text.usage?.total_tokens).toBe(14);

    const tools = await sdkFinal(translate(toolCallEvents()));
    expect(tools.choices[0]?.finish_reason).toBe('tool_calls');
    expect(tools.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"cmd":"ls"}' } },
    ]);
  });

  it('surfaces an error frame through the SDK as an API error', async () => {
    const frames = translate([{ type: 'error', error: { code: 'server_error', message: 'boom' } }]);
    await expect(sdkFinal(frames)).rejects.toThrow(/boom/);
  });
});

describe('collectChatCompletion', () => {
  it('collects text with usage', () => {
    expect(collectChatCompletion(minimalEvents(), { model: 'gpt-5.5', now: NOW })).toEqual({
      ok: true,
      value: {
        id: 'chatcmpl_temp',
        object: 'chat.completion',
        created: NOW,
        model: 'gpt-5.5',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello', refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: 12,
          completion_tokens: 2,
          total_tokens: 14,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    });
  });

  it('collects tool calls', () => {
    const r = collectChatCompletion(toolCallEvents(), { model: 'gpt-5.5', now: NOW });
    expect(r.ok && r.value.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"cmd":"ls"}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
    expect(r.ok && r.value.usage).toEqual({
      prompt_tokens: 30,
      completion_tokens: 8,
      total_tokens: 38,
      prompt_tokens_details: { cached_tokens: 10 },
    });
  });

  it('returns upstream errors and truncation with a status', () => {
    expect(
      collectChatCompletion(
        [{ type: 'response.failed', response: { error: { code: 'usage_limit_reached', message: 'x' } } }],
        { model: 'm', now: NOW },
      ),
    ).toMatchObject({ ok: false, status: 429, body: { error: { code: 'usage_limit_reached' } } });
    expect(
      collectChatCompletion(
        [
          {
            type: 'error',
            error: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'long' },
          },
        ],
        { model: 'm', now: NOW },
      ),
    ).toMatchObject({ ok: false, status: 400 });
    expect(collectChatCompletion(minimalEvents().slice(0, 3), { model: 'm', now: NOW })).toMatchObject({
      ok: false,
      status: 502,
      body: { error: { code: 'upstream_stream_truncated' } },
    });
  });
});

describe('collectResponse', () => {
  it('returns response.completed.response, filling an empty output from output_item.done', () => {
    const r = collectResponse(toolCallEvents());
    expect(r.ok && r.value).toMatchObject({
      id: 'resp_2',
      status: 'completed',
      output: [{ type: 'function_call', call_id: 'call_1', arguments: '{"cmd":"ls"}' }],
    });
    const minimal = collectResponse(minimalEvents());
    expect(minimal.ok && minimal.value.output).toEqual([
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello' }],
      },
    ]);
  });

  it('keeps a non-empty output and orders filled items by output_index', () => {
    const kept = collectResponse([
      { type: 'response.completed', response: { id: 'r', output: [{ id: 'x' }] } },
    ]);
    expect(kept.ok && kept.value.output).toEqual([{ id: 'x' }]);
    const ordered = collectResponse([
      { type: 'response.output_item.done', output_index: 1, item: { id: 'b' } },
      { type: 'response.output_item.done', output_index: 0, item: { id: 'a' } },
      { type: 'response.completed', response: { id: 'r' } },
    ]);
    expect(ordered.ok && ordered.value.output).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('returns the error or upstream_stream_truncated', () => {
    expect(
      collectResponse([
        { type: 'response.failed', response: { error: { code: 'server_error', message: 'x' } } },
      ]),
    ).toMatchObject({ ok: false, status: 502, body: { error: { code: 'server_error', message: 'x' } } });
    expect(collectResponse(minimalEvents().slice(0, 4))).toMatchObject({
      ok: false,
      body: { error: { code: 'upstream_stream_truncated' } },
    });
  });
});
