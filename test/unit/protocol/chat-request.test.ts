import { describe, expect, it } from 'vitest';
import { chatToResponsesRequest } from '../../../main/core/protocol';

describe('chatToResponsesRequest (§11)', () => {
  it('translates a tool-call conversation', () => {
    const r = chatToResponsesRequest({
      model: 'gpt-5.5',
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
      store: true,
      max_tokens: 100,
      max_completion_tokens: 100,
      n: 1,
      temperature: 0.3,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: 'List files' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"cmd":"ls"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a.txt\nb.txt' },
        { role: 'assistant', content: 'Two files.' },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'shell', description: 'Run', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'shell' } },
      parallel_tool_calls: false,
      reasoning_effort: 'high',
    });
    expect(r).toEqual({
      ok: true,
      model: 'gpt-5.5',
      stream: true,
      includeUsage: true,
      body: {
        model: 'gpt-5.5',
        stream: true,
        store: false,
        parallel_tool_calls: false,
        instructions: 'You are terse.\nUse tools.',
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List files' }] },
          { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"cmd":"ls"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'a.txt\nb.txt' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Two files.' }] },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks' }] },
        ],
        tools: [
          {
            type: 'function',
            name: 'shell',
            description: 'Run',
            parameters: { type: 'object' },
            strict: true,
          },
        ],
        tool_choice: { type: 'function', name: 'shell' },
        reasoning: { effort: 'high' },
        stream_options: { include_obfuscation: false },
      },
    });
  });

  it('maps images, audio and files, and response_format json_schema', () => {
    const r = chatToResponsesRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA', detail: 'high' } },
            { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
            { type: 'file', file: { file_url: 'https://example.com/a.pdf' } },
          ],
        },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
    });
    expect(r.ok && r.body.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'data:image/png;base64,AAA', detail: 'high' },
          { type: 'input_file', file_data: 'data:audio/wav;base64,UklG', filename: 'audio.wav' },
          { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
          { type: 'input_file', file_url: 'https://example.com/a.pdf' },
        ],
      },
    ]);
    expect(r.ok && r.body.text).toEqual({
      format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
    });
    expect(r.ok && r.stream).toBe(false);
  });

  it('keeps system messages as input with response_format json_object', () => {
    const r = chatToResponsesRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'hi' },
      ],
      response_format: { type: 'json_object' },
    });
    expect(r.ok && r.body.instructions).toBe('');
    expect(r.ok && r.body.input).toEqual([
      { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Answer in JSON.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    ]);
    expect(r.ok && r.body.text).toEqual({ format: { type: 'json_object' } });
  });

  it('treats a body with input and no messages as Responses-shaped', () => {
    const r = chatToResponsesRequest({ model: 'm', input: 'hi', temperature: 1, stream: true });
    expect(r).toEqual({
      ok: true,
      model: 'm',
      stream: true,
      includeUsage: false,
      body: { model: 'm', input: 'hi', instructions: '', store: false, stream: true },
    });
  });

  const rejected: Array<[unknown, string, RegExp]> = [
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n', /n must be 1/],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] },
      'messages[0].content[0]',
      /file_id is not supported/,
    ],
    [{ model: 'm', messages: [] }, 'messages', /messages must be a non-empty array/],
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model', /model is required/],
    [
      { model: 'm', messages: [{ role: 'wizard', content: 'x' }] },
      'messages[0]',
      /role 'wizard' is not supported/,
    ],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0]', /tool_call_id is required/],
    // Issue 8: a number is not content.
    [
      { model: 'm', messages: [{ role: 'user', content: 42 }] },
      'messages[0].content',
      /must be a string or an array of content parts/,
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 7 }] }] },
      'messages[0].content[0].text',
      /text must be a string/,
    ],
    ...['file_search', 'code_interpreter', 'computer_use', 'computer_use_preview', 'image_generation'].map(
      (type): [unknown, string, RegExp] => [
        { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type }] },
        'tools',
        new RegExp(`Tool type '${type}' is not supported`),
      ],
    ),
  ];
  it.each(rejected)('rejects %j with 400', (body, param, message) => {
    const r = chatToResponsesRequest(body);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(400);
      expect(r.param).toBe(param);
      expect(r.message).toMatch(message);
    }
  });

  it('maps web_search_preview tools to web_search', () => {
    const r = chatToResponsesRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'web_search_preview' }],
    });
    expect(r.ok && r.body.tools).toEqual([{ type: 'web_search' }]);
  });
});
