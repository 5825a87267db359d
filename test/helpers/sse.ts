/** One server-sent event: the `event:` name (if any) and the parsed `data:` JSON. */
export interface SseEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

/**
 * Parse an SSE body (a fetch Response body) into events as they arrive. Errors of the underlying
 * stream (a reset mid-stream) propagate to the consumer, which is what tests of cut streams assert.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0 && data.join('\n') !== '[DONE]') {
        yield { event, data: JSON.parse(data.join('\n')) as Record<string, unknown> };
      }
    }
  }
}

/** Every event of a complete stream. */
export async function collectSse(body: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(body)) out.push(e);
  return out;
}
