/**
 * Incremental Server-Sent Events parser for the relay hot path (PROTOCOL.md §6).
 *
 * Bytes go in as they arrive from upstream; complete event blocks come out, each with the exact bytes that
 * made it up so the relay can forward upstream's bytes unchanged. Every input byte ends up in exactly one
 * yielded event's `raw` (stray blank lines and comment-only keep-alive blocks included), so concatenating
 * the `raw` of all yielded events reproduces the input.
 *
 * Cost is linear in the bytes fed: each byte is looked at once, and a line is decoded once when it is
 * complete, so multi-byte UTF-8 characters split across chunks decode correctly.
 */

/** One SSE event block. */
export interface SseEvent {
  /** The `event:` field, when the block had one (upstream's are optional; the type is also in the JSON). */
  event?: string;
  /** The `data:` lines joined with `\n`; `""` when the block had none. */
  data: string;
  /** True when the block had at least one `data:` line. Blocks without one (comments, keep-alives) are still
   * yielded so their bytes can be forwarded; consumers that want payloads skip them. */
  hasData: boolean;
  /** The `id:` field, when present. */
  id?: string;
  /** Comment lines (`:` prefix) without the colon, when present. */
  comments?: string[];
  /** The exact bytes of the block, including its terminating blank line (and any blank lines before it). */
  raw: Buffer;
}

/** Incremental parser; see {@link createSseParser}. */
export interface SseParser {
  /** Feeds the next chunk; returns the events it completed (possibly none). */
  push(chunk: Uint8Array): SseEvent[];
  /**
   * End of stream: returns the last block if it was not terminated by a blank line (upstream sometimes omits
   * the final blank line), or trailing bytes that formed no event. The parser is then reset.
   */
  end(): SseEvent[];
}

const LF = 0x0a;
const CR = 0x0d;

interface BlockState {
  event: string | undefined;
  id: string | undefined;
  dataLines: string[];
  comments: string[];
  /** True once the block has a non-blank line. */
  hasLines: boolean;
}

function emptyBlock(): BlockState {
  return { event: undefined, id: undefined, dataLines: [], comments: [], hasLines: false };
}

/** Creates an incremental SSE parser (LF, CRLF and lone CR line endings, per the WHATWG SSE grammar). */
export function createSseParser(): SseParser {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Byte slices of the current block that precede the current line. */
  let rawParts: Buffer[] = [];
  /** Byte slices of the current, unterminated line (without its terminator). */
  let lineParts: Buffer[] = [];
  let block = emptyBlock();
  /** A CR ended the previous chunk's line; a following LF belongs to the same terminator. */
  let pendingCr = false;
  let atStreamStart = true;

  const takeLine = (): string => {
    const bytes = lineParts.length === 1 ? lineParts[0]! : Buffer.concat(lineParts);
    lineParts = [];
    let line = decoder.decode(bytes);
    if (atStreamStart) {
      // A UTF-8 BOM is ignored only at the very start of the stream (WHATWG SSE).
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      atStreamStart = false;
    }
    return line;
  };

  const dispatch = (out: SseEvent[]): void => {
    const raw = rawParts.length === 1 ? rawParts[0]! : Buffer.concat(rawParts);
    rawParts = [];
    const ev: SseEvent = { data: block.dataLines.join('\n'), hasData: block.dataLines.length > 0, raw };
    if (block.event !== undefined) ev.event = block.event;
    if (block.id !== undefined) ev.id = block.id;
    if (block.comments.length > 0) ev.comments = block.comments;
    block = emptyBlock();
    out.push(ev);
  };

  /** Processes the line collected in lineParts (its bytes are already in rawParts). */
  const endLine = (out: SseEvent[]): void => {
    const line = takeLine();
    if (line === '') {
      // A blank line ends the block. Blank lines with no block before them stay in rawParts and are
      // carried into the next event's raw bytes.
      if (block.hasLines) dispatch(out);
      return;
    }
    block.hasLines = true;
    const colon = line.indexOf(':');
    if (colon === 0) {
      block.comments.push(line.slice(1).replace(/^ /, ''));
      return;
    }
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') block.dataLines.push(value);
    else if (field === 'event') block.event = value;
    else if (field === 'id' && !value.includes('\0')) block.id = value;
    // `retry` and unknown fields are ignored.
  };

  return {
    push(chunk) {
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const out: SseEvent[] = [];
      let start = 0; // start of the not-yet-accounted part of buf
      let i = 0;
      if (pendingCr && buf.length > 0) {
        pendingCr = false;
        if (buf[0] === LF) {
          // The LF completes the CRLF whose CR ended the previous chunk.
          rawParts.push(buf.subarray(0, 1));
          start = i = 1;
        }
        endLine(out);
      }
      for (; i < buf.length; i++) {
        const b = buf[i];
        if (b !== LF && b !== CR) continue;
        lineParts.push(buf.subarray(start, i));
        if (b === CR) {
          if (i + 1 >= buf.length) {
            // Cannot tell CR from CRLF yet: wait for the next byte (or end()).
            rawParts.push(buf.subarray(start, i + 1));
            start = i + 1;
            pendingCr = true;
            break;
          }
          if (buf[i + 1] === LF) i++;
        }
        rawParts.push(buf.subarray(start, i + 1));
        start = i + 1;
        endLine(out);
      }
      if (start < buf.length) {
        const rest = buf.subarray(start);
        lineParts.push(rest);
        rawParts.push(rest);
      }
      return out;
    },
    end() {
      const out: SseEvent[] = [];
      if (pendingCr) {
        pendingCr = false;
        endLine(out);
      }
      if (lineParts.length > 0) {
        // rawParts already holds these bytes; only the parse state needs the line.
        endLine(out);
      }
      if (block.hasLines || rawParts.length > 0) dispatch(out);
      rawParts = [];
      lineParts = [];
      block = emptyBlock();
      atStreamStart = true;
      return out;
    },
  };
}
