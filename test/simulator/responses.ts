import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimAccountView } from './types';

/** What the simulated model answers. */
export type Reply =
  | {
      type: 'text';
      text: string;
      /** number of output_text.delta events (default: one per word, max 8) */ chunks?: number;
    }
  | {
      type: 'tool_call';
      name: string;
      /** JSON string or object (serialised). */
      arguments: string | Record<string, unknown>;
      callId?: string;
    }
  /** Escape hatch: these events verbatim (no terminal event added). */
  | { type: 'events'; events: Record<string, unknown>[] };

export interface ReplyContext {
  account: SimAccountView;
  model: string;
  body: Record<string, unknown>;
  /** Text of the request's last input item when it is a `function_call_output`. */
  toolOutput: string | undefined;
}

export type ReplyScript = Reply | ((ctx: ReplyContext) => Reply);

/** Echo-ish default: greet as the serving account, or acknowledge a tool result to end the turn. */
export function defaultReply(ctx: ReplyContext): Reply {
  if (ctx.toolOutput !== undefined)
    return { type: 'text', text: `Tool output received: ${ctx.toolOutput.trim()}` };
  return { type: 'text', text: `Hello from ${ctx.account.email}` };
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('');
  }
  if (output && typeof output === 'object' && 'content' in output) return outputText(output.content);
  return JSON.stringify(output ?? '');
}

/** The text of the last input item when it is a tool result (what a turn's follow-up call carries). */
export function lastToolOutput(body: Record<string, unknown>): string | undefined {
  const input = body['input'];
  if (!Array.isArray(input)) return undefined;
  const last: unknown = input[input.length - 1];
  if (!last || typeof last !== 'object') return undefined;
  const item = last as Record<string, unknown>;
  return item['type'] === 'function_call_output' || item['type'] === 'custom_tool_call_output'
    ? outputText(item['output'])
    : undefined;
}

/** Deltas that concatenate to the text: `chunks` equal slices, else up to 8 groups of words. */
function splitText(text: string, chunks: number | undefined): string[] {
  if (text === '') return [];
  if (chunks !== undefined) {
    const step = Math.ceil(text.length / Math.max(1, chunks));
    const out: string[] = [];
    for (let i = 0; i < text.length; i += step) out.push(text.slice(i, i + step));
    return out;
  }
  const words = text.split(/(?<=\s)(?=\S)/);
  const size = Math.ceil(words.length / 8);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

export interface BuiltStream {
  events: Record<string, unknown>[];
  /** The `response.completed` response, for non-streaming answers. */
  response: Record<string, unknown>;
}

/** The full §6 event sequence for one reply. */
export function buildEvents(
  reply: Reply,
  meta: { seq: number; model: string; now: number; inputTokens: number; cachedTokens?: number },
): BuiltStream {
  const id = `resp_sim_${meta.seq}`;
  const base = { id, object: 'response', created_at: meta.now, model: meta.model };
  const pending = {
    ...base,
    status: 'in_progress',
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
  };
  const events: Record<string, unknown>[] = [
    { type: 'response.created', response: pending },
    { type: 'response.in_progress', response: pending },
  ];
  let item: Record<string, unknown>;
  let outTokens: number;
  if (reply.type === 'events') {
    return { events: reply.events, response: { ...pending, status: 'completed' } };
  }
  if (reply.type === 'text') {
    const msgId = `msg_sim_${meta.seq}`;
    const loc = { item_id: msgId, output_index: 0, content_index: 0 };
    const part = { type: 'output_text', text: reply.text, annotations: [], logprobs: [] };
    item = { id: msgId, type: 'message', role: 'assistant', status: 'completed', content: [part] };
    events.push(
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, status: 'in_progress', content: [] },
      },
      { type: 'response.content_part.added', ...loc, part: { ...part, text: '' } },
      ...splitText(reply.text, reply.chunks).map((delta) => ({
        type: 'response.output_text.delta',
        ...loc,
        delta,
        logprobs: [],
      })),
      { type: 'response.output_text.done', ...loc, text: reply.text, logprobs: [] },
      { type: 'response.content_part.done', ...loc, part },
    );
    outTokens = Math.ceil(reply.text.length / 4);
  } else {
    const args = typeof reply.arguments === 'string' ? reply.arguments : JSON.stringify(reply.arguments);
    const fcId = `fc_sim_${meta.seq}`;
    const callId = reply.callId ?? `call_sim_${meta.seq}`;
    item = {
      id: fcId,
      type: 'function_call',
      status: 'completed',
      call_id: callId,
      name: reply.name,
      arguments: args,
    };
    events.push(
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, status: 'in_progress', arguments: '' },
      },
      { type: 'response.function_call_arguments.delta', item_id: fcId, output_index: 0, delta: args },
      {
        type: 'response.function_call_arguments.done',
        item_id: fcId,
        output_index: 0,
        call_id: callId,
        name: reply.name,
        arguments: args,
      },
    );
    outTokens = Math.ceil(args.length / 4);
  }
  events.push({ type: 'response.output_item.done', output_index: 0, item });
  const response = {
    ...base,
    status: 'completed',
    output: [item],
    error: null,
    incomplete_details: null,
    usage: {
      input_tokens: meta.inputTokens,
      input_tokens_details: { cached_tokens: meta.cachedTokens ?? 0 },
      output_tokens: outTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: meta.inputTokens + outTokens,
    },
  };
  events.push({ type: 'response.completed', response });
  return { events, response };
}

/** `response.failed` as the first event (PROTOCOL.md §6). */
export function failedEvent(seq: number, code: string, message: string): Record<string, unknown> {
  return {
    type: 'response.failed',
    response: {
      id: `resp_sim_${seq}`,
      object: 'response',
      status: 'failed',
      output: [],
      error: { code, message },
      incomplete_details: null,
    },
  };
}

/** `event:` + `data:` framing, with the `sequence_number` the OpenAI SDK tolerates and upstream sends. */
export function frame(event: Record<string, unknown>, sequence: number): string {
  const type = typeof event['type'] === 'string' ? event['type'] : 'message';
  return `event: ${type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence })}\n\n`;
}

export interface StreamPlan {
  /** Wait after the headers before the first event. */
  firstByteDelayMs?: number;
  /** Destroy the socket after this many events (no terminal event). */
  cutAfter?: number;
  /** Stop writing after this many events and keep the connection open until the client leaves. */
  stallAfter?: number;
  /** Write events one at a time, waiting a random time in [min, max] ms between them (a real model's pace). */
  gapMs?: readonly [number, number];
}

export type StreamOutcome = 'completed' | 'cut' | 'stalled' | 'aborted';

const write = (res: ServerResponse, chunk: string): Promise<void> =>
  new Promise((resolve, reject) => res.write(chunk, (e) => (e ? reject(e) : resolve())));

/** Write the frames per the plan. `signal` aborts when the client disconnects or the simulator closes. */
export async function writeStream(
  res: ServerResponse,
  frames: string[],
  plan: StreamPlan,
  signal: AbortSignal,
): Promise<StreamOutcome> {
  try {
    if (plan.firstByteDelayMs) {
      res.flushHeaders();
      await sleep(plan.firstByteDelayMs, undefined, { signal });
    }
    const limit = plan.cutAfter ?? plan.stallAfter;
    if (plan.gapMs && limit === undefined) {
      const [min, max] = plan.gapMs;
      for (let i = 0; i < frames.length; i++) {
        if (i > 0) await sleep(min + Math.random() * (max - min), undefined, { signal });
        if (i === frames.length - 1) res.end(frames[i]);
        else res.write(frames[i]!);
      }
      return 'completed';
    }
    if (limit === undefined) {
      // Hot path: one write for the whole stream.
      res.end(frames.join(''));
      return 'completed';
    }
    const head = frames.slice(0, limit).join('');
    if (head) await write(res, head);
    else res.flushHeaders();
    if (plan.cutAfter !== undefined) {
      res.socket?.destroy();
      return 'cut';
    }
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 'stalled';
  } catch {
    return 'aborted';
  }
}
