/**
 * The relay's SSE splitter: cuts an upstream byte stream into event blocks without decoding them
 * (PROTOCOL.md §6). The proxy forwards upstream's bytes unchanged and reads only a handful of events per
 * response, so on the hot path a block is found with native `indexOf` and decoded only when it must be read.
 *
 * The blocks are exactly the `raw` blocks of {@link createSseParser}: every input byte lands in one block,
 * blank lines before a block belong to it, and trailing bytes with no blank line come out of `end()`. Upstream
 * ends lines with LF; a stream that ever shows a CR is handed to the full WHATWG parser from that block on.
 */
import { createSseParser, type SseEvent, type SseParser } from './sse';

const LF = 0x0a;
const CR = 0x0d;
const BLANK_LINE = Buffer.from('\n\n');
const EVENT_FIELD = Buffer.from('event:');
const EVENT_LINE = Buffer.from('event: ');
const DATA_TYPE = Buffer.from('data: {"type":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function startsWith(buf: Buffer, prefix: Buffer, at: number): boolean {
  return (
    buf.length - at >= prefix.length && buf.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0
  );
}

/** Incremental splitter; see {@link createSseSplitter}. */
export interface SseSplitter {
  /** Feeds the next chunk; returns the blocks it completed (possibly none), as views into the input. */
  push(chunk: Uint8Array): Buffer[];
  /** End of stream: the unterminated last block, if any. The splitter is then reset. */
  end(): Buffer[];
}

/** Creates a splitter for one stream. */
export function createSseSplitter(): SseSplitter {
  /** Bytes of the current, unfinished block (blank lines before it included). */
  let pending: Buffer[] = [];
  /** The pending block has a non-blank line and its last byte ends that line: a LF next ends the block. */
  let lineJustEnded = false;
  /** The pending bytes are blank lines only: they join the next block. */
  let onlyBlank = true;
  /** Set once a CR is seen: the full parser (which knows CR and CRLF) takes over. */
  let full: SseParser | undefined;

  const fromFull = (events: SseEvent[]): Buffer[] => events.map((e) => e.raw);

  const takePending = (tail: Buffer): Buffer => {
    if (pending.length === 0) return tail;
    const parts = [...pending, tail];
    pending = [];
    return Buffer.concat(parts);
  };

  return {
    push(chunk) {
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (full) return fromFull(full.push(buf));
      if (buf.indexOf(CR) !== -1) {
        full = createSseParser();
        const carried = pending;
        pending = [];
        const out: Buffer[] = [];
        for (const part of carried) out.push(...fromFull(full.push(part)));
        out.push(...fromFull(full.push(buf)));
        return out;
      }
      const out: Buffer[] = [];
      let start = 0;
      // A block whose last line ended in the previous chunk ends at this chunk's first LF.
      if (lineJustEnded && buf.length > 0 && buf[0] === LF) {
        out.push(takePending(buf.subarray(0, 1)));
        start = 1;
        onlyBlank = true;
      }
      lineJustEnded = false;
      while (start < buf.length) {
        let content = start;
        if (onlyBlank) {
          while (content < buf.length && buf[content] === LF) content++;
          if (content === buf.length) break; // blank lines only: they wait for the next block
          onlyBlank = false;
        }
        const blank = buf.indexOf(BLANK_LINE, content);
        if (blank === -1) break;
        out.push(takePending(buf.subarray(start, blank + 2)));
        start = blank + 2;
        onlyBlank = true;
      }
      if (start < buf.length) {
        pending.push(buf.subarray(start));
        lineJustEnded = !onlyBlank && buf[buf.length - 1] === LF;
      }
      return out;
    },
    end() {
      if (full) {
        const out = fromFull(full.end());
        full = undefined;
        return out;
      }
      const out = pending.length === 0 ? [] : [takePending(Buffer.alloc(0))];
      pending = [];
      lineJustEnded = false;
      onlyBlank = true;
      return out;
    },
  };
}

/**
 * The type of a block without decoding it, when its first line says it: `event: <type>`, or
 * `data: {"type":"<type>"`. Anything else (comments, ids, a BOM, other spacing) is `undefined`: decode it.
 */
export function peekBlockType(raw: Buffer): string | undefined {
  let i = 0;
  while (i < raw.length && (raw[i] === LF || raw[i] === CR)) i++;
  // Upstream's own forms, read straight from the bytes: only the type itself becomes a string.
  if (startsWith(raw, EVENT_LINE, i)) {
    const start = i + EVENT_LINE.length;
    const end = raw.indexOf(LF, start);
    const cr = raw.indexOf(CR, start);
    if (end > start && (cr === -1 || cr > end)) {
      const type = raw.toString('latin1', start, end);
      if (type !== 'message') return type;
    }
  } else if (startsWith(raw, DATA_TYPE, i)) {
    const start = i + DATA_TYPE.length;
    const end = raw.indexOf(QUOTE, start);
    if (end > start && raw.lastIndexOf(BACKSLASH, end) < start) {
      const type = raw.toString('latin1', start, end);
      if (type !== 'message') return type;
    }
  }
  const head = raw.toString('latin1', i, Math.min(raw.length, i + 160));
  const m = /^(?:event: ?([^\r\n]+)[\r\n]|data: ?\{\s*"type"\s*:\s*"([^"\\]+)")/.exec(head);
  if (!m) return undefined;
  const type = m[1] ?? m[2];
  // An `event:` line naming nothing or the default type leaves the type to the JSON.
  return type === '' || type === 'message' ? undefined : type;
}

const DATA_FIELD = Buffer.from('data:');

/**
 * The common block `[event: <type>\n]data: <json>\n\n`, decoded without a parser: one field line, one data line,
 * LF line ends. Anything else is `undefined`, for the full parser.
 */
function decodeSimpleBlock(raw: Buffer): SseEvent | undefined {
  if (raw.indexOf(CR) !== -1) return undefined;
  let at = 0;
  let event: string | undefined;
  if (startsWith(raw, EVENT_FIELD, 0)) {
    const lf = raw.indexOf(LF);
    if (lf < 0) return undefined;
    const start = raw[EVENT_FIELD.length] === 0x20 ? EVENT_FIELD.length + 1 : EVENT_FIELD.length;
    event = raw.toString('utf8', start, lf);
    at = lf + 1;
  }
  if (!startsWith(raw, DATA_FIELD, at)) return undefined;
  const start = raw[at + DATA_FIELD.length] === 0x20 ? at + DATA_FIELD.length + 1 : at + DATA_FIELD.length;
  const lf = raw.indexOf(LF, start);
  if (lf !== raw.length - 2 || raw[lf + 1] !== LF) return undefined;
  const ev: SseEvent = { data: raw.toString('utf8', start, lf), hasData: true, raw };
  if (event !== undefined) ev.event = event;
  return ev;
}

/** Decodes one complete block (from the splitter) into its fields, with the full parser's rules. */
export function parseSseBlock(raw: Buffer): SseEvent {
  const simple = decodeSimpleBlock(raw);
  if (simple) return simple;
  const parser = createSseParser();
  const events = [...parser.push(raw), ...parser.end()];
  return events[0] ?? { data: '', hasData: false, raw };
}
