import { describe, expect, it } from 'vitest';
import {
  MAX_WS_CREATE_BYTES,
  isConnectionLimitError,
  isPreviousResponseNotFound,
  oversizeFrameError,
  parseWsClientMessage,
  responseCreateFrame,
  wrappedErrorEvent,
} from '../../../main/core/protocol';
import { ConversationContext, OutputCollector } from '../../../main/core/proxy/ws-context';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

describe('parseWsClientMessage (PROTOCOL.md §7)', () => {
  it('prepares a response.create by the §5 rules and keeps its chain', () => {
    const m = parseWsClientMessage(
      JSON.stringify({
        type: 'response.create',
        model: 'gpt-5.5',
        input: [user('hi')],
        temperature: 0.2,
        previous_response_id: 'resp_1',
      }),
    );
    expect(m).toMatchObject({
      kind: 'create',
      model: 'gpt-5.5',
      previousResponseId: 'resp_1',
      rewritten: true,
    });
    if (m.kind !== 'create') throw new Error('not a create');
    expect(m.body).toMatchObject({ store: false, instructions: '', input: [user('hi')] });
    expect(m.body).not.toHaveProperty('temperature');
    expect(m.body).not.toHaveProperty('type');
    expect(JSON.parse(responseCreateFrame(m.body))).toMatchObject({
      type: 'response.create',
      model: 'gpt-5.5',
    });
  });

  it('passes response.processed on, and refuses bad JSON, other types and invalid bodies with a 400', () => {
    expect(parseWsClientMessage('{"type":"response.processed","response_id":"r"}')).toEqual({
      kind: 'ack',
      type: 'response.processed',
    });
    expect(parseWsClientMessage('nope')).toMatchObject({
      kind: 'invalid',
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
    expect(parseWsClientMessage('{"type":"session.update"}')).toMatchObject({
      kind: 'invalid',
      body: { error: { code: 'unsupported_value' } },
    });
    expect(parseWsClientMessage('{"type":"response.create","input":[]}')).toMatchObject({
      kind: 'invalid',
      status: 400,
      body: { error: { param: 'model' } },
    });
  });
});

describe('wrapped error events', () => {
  it('carry status, error and headers as upstream wraps them, headers only when there are some', () => {
    const body = { error: { message: 'm', type: 'usage_limit_reached', code: 'usage_limit_reached' } };
    expect(JSON.parse(wrappedErrorEvent(429, body, { 'retry-after': '30' }))).toEqual({
      type: 'error',
      status: 429,
      error: body.error,
      headers: { 'retry-after': '30' },
    });
    expect(JSON.parse(wrappedErrorEvent(502, body))).not.toHaveProperty('headers');
  });

  it('say how big an oversize frame was and what the cap is', () => {
    const e = oversizeFrameError(MAX_WS_CREATE_BYTES + 1024 * 1024);
    expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request_error' });
    expect(e.error.message).toContain('16.0 MiB');
    expect(e.error.message).toContain('at most 15.0 MiB');
  });

  it('recognise the connection limit and a lost previous response, in either error shape', () => {
    expect(
      isConnectionLimitError({ type: 'error', error: { code: 'websocket_connection_limit_reached' } }),
    ).toBe(true);
    expect(
      isConnectionLimitError({ type: 'error', status: 429, error: { code: 'usage_limit_reached' } }),
    ).toBe(false);
    expect(
      isPreviousResponseNotFound({
        type: 'response.failed',
        response: { error: { code: 'previous_response_not_found' } },
      }),
    ).toBe(true);
  });
});

describe('ConversationContext', () => {
  it('expands a chained body to input + output + new items and drops the chain', () => {
    const ctx = new ConversationContext();
    const out = new OutputCollector();
    out.observe('response.output_item.done', { output_index: 1, item: { id: 'b' } });
    out.observe('response.output_item.done', { output_index: 0, item: { id: 'a' } });
    ctx.remember('resp_1', [user('one')], out.output());
    const full = ctx.fullBody({ model: 'm', previous_response_id: 'resp_1', input: [user('two')] });
    expect(full).toEqual({ model: 'm', input: [user('one'), { id: 'a' }, { id: 'b' }, user('two')] });
  });

  it('leaves an unchained body alone and knows nothing of another response id', () => {
    const ctx = new ConversationContext();
    const body = { model: 'm', input: 'hi' };
    expect(ctx.fullBody(body)).toBe(body);
    ctx.remember('resp_1', [], []);
    expect(ctx.fullBody({ model: 'm', previous_response_id: 'resp_0', input: [] })).toBeUndefined();
    ctx.forget();
    expect(ctx.fullBody({ model: 'm', previous_response_id: 'resp_1', input: [] })).toBeUndefined();
  });

  it('prefers the completed response output when upstream sends one', () => {
    const out = new OutputCollector();
    out.observe('response.output_item.done', { output_index: 0, item: { id: 'partial' } });
    out.observe('response.completed', { response: { output: [{ id: 'final' }] } });
    expect(out.output()).toEqual([{ id: 'final' }]);
  });
});
