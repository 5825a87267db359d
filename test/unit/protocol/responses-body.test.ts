import { describe, expect, it } from 'vitest';
import { prepareCompactBody, prepareResponsesBody, toOpenAiModelList } from '../../../main/core/protocol';

describe('prepareResponsesBody (§5)', () => {
  it('forces store/stream, strips fields, filters include, maps service tier and web_search_preview', () => {
    const r = prepareResponsesBody({
      model: 'gpt-5.5',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      store: true,
      stream: false,
      max_output_tokens: 100,
      max_completion_tokens: 5,
      metadata: { a: 1 },
      prompt_cache_retention: '24h',
      safety_identifier: 'x',
      temperature: 0.2,
      top_p: 1,
      truncation: 'auto',
      user: 'u',
      include: ['reasoning.encrypted_content', 'bogus.field', 'web_search_call.action.sources'],
      service_tier: 'fast',
      tools: [{ type: 'web_search_preview' }, { type: 'function', name: 'f' }],
      prompt_cache_key: 'conv-1',
      previous_response_id: 'resp_0',
    });
    expect(r).toEqual({
      ok: true,
      model: 'gpt-5.5',
      stream: false,
      rewritten: true,
      previousResponseId: 'resp_0',
      body: {
        model: 'gpt-5.5',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
        instructions: '',
        store: false,
        stream: true,
        include: ['reasoning.encrypted_content', 'web_search_call.action.sources'],
        service_tier: 'priority',
        tools: [{ type: 'web_search' }, { type: 'function', name: 'f' }],
        prompt_cache_key: 'conv-1',
        previous_response_id: 'resp_0',
      },
    });
  });

  // Codex's own bodies follow every rule: their bytes go upstream untouched (issue 14).
  const codexBody = {
    model: 'gpt-5.5',
    instructions: 'You are Codex.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    tools: [{ type: 'function', name: 'shell' }],
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: 'conv-1',
  };
  it('says a body that follows every rule needs no rewrite', () => {
    const r = prepareResponsesBody(codexBody);
    expect(r).toMatchObject({ ok: true, rewritten: false, body: codexBody });
  });

  it.each<[string, Record<string, unknown>]>([
    ['store true', { store: true }],
    ['no stream', { stream: undefined }],
    ['no instructions', { instructions: undefined }],
    ['a stripped field', { temperature: 0.2 }],
    ['an include upstream refuses', { include: ['reasoning.encrypted_content', 'bogus'] }],
    ['an empty include', { include: [] }],
    ['service tier fast', { service_tier: 'fast' }],
    ['web_search_preview', { tools: [{ type: 'web_search_preview_2025' }] }],
    ['background', { background: false }],
    ['a null previous_response_id', { previous_response_id: null }],
  ])('says a body with %s needs a rewrite', (_name, change) => {
    const body: Record<string, unknown> = { ...codexBody, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k];
    expect(prepareResponsesBody(body)).toMatchObject({ ok: true, rewritten: true });
  });

  it('keeps instructions, accepts string input, reports the client stream flag, drops an empty include', () => {
    const r = prepareResponsesBody({
      model: 'm',
      input: 'hi',
      instructions: 'be brief',
      stream: true,
      include: ['x'],
    });
    expect(r).toMatchObject({ ok: true, stream: true, body: { instructions: 'be brief', input: 'hi' } });
    expect(r.ok && 'include' in r.body).toBe(false);
  });

  it.each([
    [[], 'Request body must be a JSON object', undefined],
    [{ input: 'x' }, 'model is required', 'model'],
    [{ model: '', input: 'x' }, 'model is required', 'model'],
    [{ model: 5, input: 'x' }, 'model must be a string', 'model'],
    [{ model: 'm' }, 'input is required', 'input'],
    [{ model: 'm', input: 5 }, 'input must be a string or an array of items', 'input'],
    [{ model: 'm', input: 'x', instructions: 3 }, 'instructions must be a string', 'instructions'],
  ])('%j → 400 %s', (body, message, param) => {
    const r = prepareResponsesBody(body);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(400);
      expect(r.message).toBe(message);
      expect(r.param).toBe(param);
    }
  });

  it('uses missing_required_parameter for missing fields and invalid_type for wrong ones', () => {
    expect(prepareResponsesBody({ input: 'x' })).toMatchObject({ code: 'missing_required_parameter' });
    expect(prepareResponsesBody({ model: 'm', input: 5 })).toMatchObject({ code: 'invalid_type' });
  });
});

describe('prepareCompactBody', () => {
  it('keeps model/input/instructions and drops streaming fields', () => {
    expect(
      prepareCompactBody({
        model: 'm',
        input: [],
        store: true,
        stream: true,
        include: ['x'],
        temperature: 1,
      }),
    ).toEqual({ ok: true, model: 'm', body: { model: 'm', input: [], instructions: '' } });
    expect(prepareCompactBody({ model: 'm' })).toMatchObject({
      ok: false,
      status: 400,
      message: 'input is required',
    });
  });
});

describe('toOpenAiModelList (§12)', () => {
  it('maps the catalog', () => {
    const catalog = {
      models: [
        { slug: 'gpt-5.5', display_name: 'GPT-5.5' },
        { slug: 'gpt-5.3-codex-spark' },
        { slug: 'gpt-5.5' },
        {},
      ],
    };
    expect(toOpenAiModelList(catalog, 1700000000)).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-5.5', object: 'model', created: 1700000000, owned_by: 'openai' },
        { id: 'gpt-5.3-codex-spark', object: 'model', created: 1700000000, owned_by: 'openai' },
      ],
    });
    expect(toOpenAiModelList('junk', 1)).toEqual({ object: 'list', data: [] });
  });
});
