import { describe, expect, it } from 'vitest';
import {
  createSseParser,
  formatSseData,
  formatSseEvent,
  normalizeEventType,
  parseSsePayload,
  type SseEvent,
} from '../../../main/core/protocol';
import { MINIMAL_STREAM } from './fixtures';

function feed(chunks: Buffer[]): SseEvent[] {
  const p = createSseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

const summary = (events: SseEvent[]) =>
  events.map((e) => ({ event: e.event, data: e.data, hasData: e.hasData }));

describe('createSseParser', () => {
  const input = Buffer.from(MINIMAL_STREAM, 'utf8');
  const whole = feed([input]);

  it('parses the §6 minimal stream into its ten events', () => {
    expect(whole).toHaveLength(10);
    expect(whole[0]?.event).toBe('response.created');
    expect(JSON.parse(whole[4]!.data)).toMatchObject({ type: 'response.output_text.delta', delta: 'Hel' });
    expect(whole[9]?.event).toBe('response.completed');
    expect(Buffer.concat(whole.map((e) => e.raw)).equals(input)).toBe(true);
  });

  it('yields identical events and raw bytes when split at every byte offset', () => {
    for (let i = 0; i <= input.length; i++) {
      const events = feed([input.subarray(0, i), input.subarray(i)]);
      expect(summary(events)).toEqual(summary(whole));
      expect(events.map((e) => e.raw.toString('hex'))).toEqual(whole.map((e) => e.raw.toString('hex')));
    }
  });

  it('decodes multi-byte UTF-8 split inside a character, with CRLF line endings', () => {
    const text = 'data: {"delta":"héllo — 你好 🎉"}\r\n\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i <= bytes.length; i++) {
      const events = feed([bytes.subarray(0, i), bytes.subarray(i)]);
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.data)).toEqual({ delta: 'héllo — 你好 🎉' });
      expect(events[0]!.raw.equals(bytes)).toBe(true);
    }
  });

  it('handles lone CR line endings, even when the CR ends a chunk', () => {
    const bytes = Buffer.from('event: a\rdata: 1\r\rdata: 2\r\r');
    const events = feed([...bytes].map((b) => Buffer.from([b])));
    expect(summary(events)).toEqual([
      { event: 'a', data: '1', hasData: true },
      { event: undefined, data: '2', hasData: true },
    ]);
    expect(Buffer.concat(events.map((e) => e.raw)).equals(bytes)).toBe(true);
  });

  it('joins multi-line data, keeps comments, tolerates missing event lines and a missing space', () => {
    const events = feed([Buffer.from(': keep-alive\n\ndata: line1\ndata:line2\nid: 7\nretry: 10\n\n')]);
    expect(events[0]).toMatchObject({ hasData: false, data: '', comments: ['keep-alive'] });
    expect(events[1]).toMatchObject({ data: 'line1\nline2', id: '7', hasData: true });
    expect(events[1]?.event).toBeUndefined();
  });

  it('flushes an unterminated last event at end of stream and keeps stray blank lines in raw', () => {
    const bytes = Buffer.from('\n\ndata: {"type":"a"}\n\ndata: {"type":"b"}');
    const events = feed([bytes]);
    expect(events.map((e) => e.data)).toEqual(['{"type":"a"}', '{"type":"b"}']);
    expect(Buffer.concat(events.map((e) => e.raw)).equals(bytes)).toBe(true);
  });

  it('strips a UTF-8 BOM at the start of the stream only', () => {
    const events = feed([Buffer.from('\uFEFFdata: x\n\n', 'utf8')]);
    expect(events[0]?.data).toBe('x');
  });

  it('parses a 1 MB stream fed one byte at a time (linear in bytes)', () => {
    const block = `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', delta: 'x'.repeat(200) + 'é' })}\n\n`;
    const count = Math.ceil((1024 * 1024) / Buffer.byteLength(block));
    const bytes = Buffer.from(block.repeat(count), 'utf8');
    const p = createSseParser();
    let n = 0;
    let rawBytes = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const e of p.push(bytes.subarray(i, i + 1))) {
        n++;
        rawBytes += e.raw.length;
        if (n === count) expect(JSON.parse(e.data).delta).toMatch(/xé$/);
      }
    }
    expect(p.end()).toEqual([]);
    expect(n).toBe(count);
    expect(rawBytes).toBe(bytes.length);
  });
});

describe('SSE payload helpers', () => {
  it.each([
    ['response.text.delta', 'response.output_text.delta'],
    ['response.text.done', 'response.output_text.done'],
    ['response.audio.delta', 'response.output_audio.delta'],
    ['response.audio_transcript.delta', 'response.output_audio_transcript.delta'],
    ['response.output_text.delta', 'response.output_text.delta'],
  ])('normalizeEventType(%s) = %s', (from, to) => {
    expect(normalizeEventType(from)).toBe(to);
  });

  it('reads the type from the JSON, else the event line, else error for a typeless error payload', () => {
    expect(parseSsePayload({ event: 'x', data: '{"type":"response.text.delta"}' })?.type).toBe(
      'response.output_text.delta',
    );
    expect(parseSsePayload({ event: 'response.completed', data: '{"response":{}}' })?.type).toBe(
      'response.completed',
    );
    expect(parseSsePayload({ data: '{"error":{"code":"x"}}' })?.type).toBe('error');
    expect(parseSsePayload({ data: '[DONE]' })).toBeUndefined();
    expect(parseSsePayload({ data: '' })).toBeUndefined();
  });

  it('formats events that the parser reads back', () => {
    const text =
      formatSseEvent('response.completed', { type: 'response.completed', a: 'multi\nline' }) +
      formatSseData({ b: 1 });
    const events = feed([Buffer.from(text)]);
    expect(events.map((e) => [e.event, JSON.parse(e.data)])).toEqual([
      ['response.completed', { type: 'response.completed', a: 'multi\nline' }],
      [undefined, { b: 1 }],
    ]);
  });
});
