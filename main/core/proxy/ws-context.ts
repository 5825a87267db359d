/**
 * What one client WebSocket connection remembers of its conversation, so a turn that sent only new items with
 * `previous_response_id` can be resent in full to another account or a new upstream connection. Upstream keeps
 * previous responses per connection only (`store:false`): a new socket does not know the id. Pure.
 */
import { isRecord, type JsonObject } from '../protocol/json';

/** The last completed response of the connection: the full input it answered and the items it produced. */
interface LastResponse {
  responseId: string;
  input: readonly unknown[];
  output: readonly unknown[];
}

/** A body's `input` as an item list (a bare string is one user message, as upstream reads it). */
export function inputItems(body: JsonObject): unknown[] {
  const input = body.input;
  if (Array.isArray(input)) return input;
  if (typeof input === 'string')
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  return [];
}

/**
 * Collects a response's output items from its events: `response.output_item.done` by `output_index`, or the
 * completed response's own `output` when it carries one.
 */
export class OutputCollector {
  private readonly items = new Map<number, unknown>();
  private completed: unknown[] | undefined;

  observe(type: string | undefined, payload: JsonObject): void {
    if (type === 'response.output_item.done' && isRecord(payload.item)) {
      const index = typeof payload.output_index === 'number' ? payload.output_index : this.items.size;
      this.items.set(index, payload.item);
    } else if (type === 'response.completed' && isRecord(payload.response)) {
      const output = payload.response.output;
      if (Array.isArray(output) && output.length > 0) this.completed = output;
    }
  }

  output(): unknown[] {
    if (this.completed) return this.completed;
    return [...this.items.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  }
}

/** The conversation state of one client connection. */
export class ConversationContext {
  private last: LastResponse | undefined;

  /**
   * The body with its whole context: `previous_response_id` replaced by the input and output it refers to.
   * Undefined when the body refers to a response this connection did not complete (nothing to expand with).
   */
  fullBody(body: JsonObject): JsonObject | undefined {
    const previous = body.previous_response_id;
    if (typeof previous !== 'string' || previous === '') return body;
    if (this.last?.responseId !== previous) return undefined;
    const { previous_response_id: _dropped, ...rest } = body;
    return { ...rest, input: [...this.last.input, ...this.last.output, ...inputItems(body)] };
  }

  /** Remembers a completed response; `fullInput` is the input it answered, context included. */
  remember(responseId: string, fullInput: readonly unknown[], output: readonly unknown[]): void {
    this.last = { responseId, input: fullInput, output };
  }

  /** Forgets everything (the conversation left this connection's knowledge, e.g. after a failed turn). */
  forget(): void {
    this.last = undefined;
  }
}
