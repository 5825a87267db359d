/** Fixtures taken from PROTOCOL.md (§6 minimal stream, §9 usage JSON, §10 error bodies) plus a tool-call stream. */

/** §6: the minimal complete stream, verbatim. */
export const MINIMAL_STREAM = `event: response.created
data: {"type":"response.created","response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","model":"gpt-5.5","output":[]}}

event: response.in_progress
data: {"type":"response.in_progress","response":{"id":"resp_1","object":"response","status":"in_progress"}}

event: response.output_item.added
data: {"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]}}

event: response.content_part.added
data: {"type":"response.content_part.added","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":""}}

event: response.output_text.delta
data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}

event: response.output_text.delta
data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo"}

event: response.output_text.done
data: {"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"}

event: response.content_part.done
data: {"type":"response.content_part.done","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello"}}

event: response.output_item.done
data: {"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello"}]}}

event: response.completed
data: {"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":14}}}

`;

/** The §6 minimal stream as parsed event payloads. */
export function minimalEvents(): Array<Record<string, unknown>> {
  return MINIMAL_STREAM.split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
}

/** A tool-call stream (§6 "A tool call instead uses …"). */
export function toolCallEvents(): Array<Record<string, unknown>> {
  return [
    {
      type: 'response.created',
      response: { id: 'resp_2', object: 'response', status: 'in_progress', output: [] },
    },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'shell', arguments: '' },
    },
    { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"cmd":' },
    { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '"ls"}' },
    {
      type: 'response.function_call_arguments.done',
      item_id: 'fc_1',
      output_index: 0,
      call_id: 'call_1',
      name: 'shell',
      arguments: '{"cmd":"ls"}',
    },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        type: 'function_call',
        id: 'fc_1',
        call_id: 'call_1',
        name: 'shell',
        arguments: '{"cmd":"ls"}',
        status: 'completed',
      },
    },
    {
      type: 'response.completed',
      response: {
        id: 'resp_2',
        object: 'response',
        status: 'completed',
        output: [],
        usage: {
          input_tokens: 30,
          output_tokens: 8,
          total_tokens: 38,
          input_tokens_details: { cached_tokens: 10 },
        },
      },
    },
  ];
}

/** §9: the usage endpoint response. */
export const USAGE_JSON = {
  plan_type: 'pro',
  workspace_id: 'ws_1',
  workspace_label: 'Personal',
  seat_type: 'default',
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: {
      used_percent: 45,
      limit_window_seconds: 18000,
      reset_after_seconds: 3600,
      reset_at: 1741500000,
    },
    secondary_window: {
      used_percent: 12,
      limit_window_seconds: 604800,
      reset_after_seconds: 400000,
      reset_at: 1741900000,
    },
  },
  credits: { has_credits: true, unlimited: false, balance: '9.99' },
  rate_limit_reached_type: { kind: 'rate_limit_reached' },
  rate_limit_reset_credits: { available_count: 0 },
  additional_rate_limits: [
    {
      limit_name: 'codex_other',
      metered_feature: 'codex_bengalfox',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: {
          used_percent: 20,
          limit_window_seconds: 18000,
          reset_after_seconds: 900,
          reset_at: 1741497300,
        },
        secondary_window: null,
      },
    },
  ],
};
