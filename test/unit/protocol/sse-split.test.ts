import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createSseParser,
  createSseSplitter,
  parseSseBlock,
  peekBlockType,
} from '../../../main/core/protocol';

/** Feeds `input` in pieces cut at `cuts` and returns every block. */
function split(input: Buffer, cuts: number[]): Buffer[] {
  const s = createSseSplitter();
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < input.length)].sort((a, b) => a - b)) {
    out.push(...s.push(input.subarray(at, cut)));
    at = cut;
  }
  out.push(...s.push(input.subarray(at)), ...s.end());
  return out;
}

/** The full WHATWG parser's blocks, fed whole. */
function reference(input: Buffer): Buffer[] {
  const p = createSseParser();
  return [...p.push(input), ...p.end()].map((e) => e.raw);
}

const text = (blocks: Buffer[]) => blocks.map((b) => b.toString('latin1'));

describe('createSseSplitter', () => {
  it('cuts a Codex stream into its events, however the bytes arrive', () => {
    const input = Buffer.from(
      'event: response.created\ndata: {"type":"response.created"}\n\n' +
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"hé"}\n\n' +
        ': keep-alive\n\n\n' +
        'data: {"type":"response.completed"}\n\n',
    );
    const expected = text(reference(input));
    expect(expected).toHaveLength(4);
    for (let cut = 0; cut <= input.length; cut++) expect(text(split(input, [cut]))).toEqual(expected);
  });

  it('returns an unterminated last block at the end', () => {
    expect(text(split(Buffer.from('data: a\n\ndata: b\n'), []))).toEqual(['data: a\n\n', 'data: b\n']);
  });

  it('agrees with the full parser on any bytes and any chunking, CR line ends included', () => {
    const piece = fc.constantFrom(
      'data: x',
      'event: e',
      ': c',
      '\n',
      '\n',
      '\r',
      '\r\n',
      'data: {"type":"t"}',
      'é',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.array(fc.nat(200), { maxLength: 6 }),
        (parts, cuts) => {
          const input = Buffer.from(parts.join(''));
          const blocks = split(input, cuts);
          expect(Buffer.concat(blocks).equals(input)).toBe(true);
          expect(text(blocks)).toEqual(text(reference(input)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('peekBlockType', () => {
  it.each([
    ['event: response.completed\ndata: {}\n\n', 'response.completed'],
    ['data: {"type":"response.output_text.delta","delta":"x"}\n\n', 'response.output_text.delta'],
    ['data:{ "type" : "error"}\n\n', 'error'],
    ['\nevent: codex.rate_limits\ndata: {}\n\n', 'codex.rate_limits'],
    ['event: message\ndata: {"type":"x"}\n\n', undefined],
    [': comment\ndata: {"type":"x"}\n\n', undefined],
    ['id: 1\ndata: {"type":"x"}\n\n', undefined],
  ])('%j → %s', (raw, type) => {
    expect(peekBlockType(Buffer.from(raw))).toBe(type);
  });
});

describe('peekBlockType, fast paths', () => {
  /** The rule, stated once as a regular expression. */
  const reference = (raw: Buffer): string | undefined => {
    const head = raw.toString('latin1').replace(/^[\r\n]+/, '');
    const m = /^(?:event: ?([^\r\n]+)[\r\n]|data: ?\{\s*"type"\s*:\s*"([^"\\]+)")/.exec(head);
    const type = m?.[1] ?? m?.[2];
    return type === undefined || type === '' || type === 'message' ? undefined : type;
  };
  it('agrees with the rule on any first line', () => {
    const first = fc.constantFrom(
      'event: ',
      'event:',
      'data: {"type":"',
      'data:{"type": "',
      'data: {"type":"a\\',
      ': x',
    );
    const type = fc.constantFrom('response.completed', 'message', '', 'a"b', 'x\r', 'é');
    const rest = fc.constantFrom('\n', '"}\n\n', '\r\n', '');
    fc.assert(
      fc.property(fc.constantFrom('', '\n'), first, type, rest, (lead, f, t, r) => {
        const raw = Buffer.from(lead + f + t + r);
        expect(peekBlockType(raw)).toBe(reference(raw));
      }),
      { numRuns: 400 },
    );
  });
});

describe('parseSseBlock', () => {
  it('decodes one block with the full parser', () => {
    const ev = parseSseBlock(Buffer.from('event: a\ndata: {"x":1}\ndata: 2\n\n'));
    expect(ev).toMatchObject({ event: 'a', data: '{"x":1}\n2', hasData: true });
  });

  it('decodes any block exactly as the full parser does (its fast path included)', () => {
    const line = fc.constantFrom(
      'event: e',
      'event:x',
      'data: {"type":"t","é":1}',
      'data:{}',
      'data:',
      ': c',
      'id: 1',
      'retry: 5',
    );
    const end = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, end), { minLength: 1, maxLength: 4 }), (lines) => {
        const raw = Buffer.from(lines.map(([l, e]) => l + e).join('') + '\n');
        const parser = createSseParser();
        const [expected] = [...parser.push(raw), ...parser.end()];
        const { raw: _r, ...got } = parseSseBlock(raw);
        const { raw: _e, ...want } = expected ?? { raw, data: '', hasData: false };
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
