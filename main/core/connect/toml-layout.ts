/**
 * The layout of a TOML document as line ranges: which lines hold which table header and which key/value
 * statement. It lets the Codex editor change a few statements and leave every other byte alone. It only reads
 * documents a real parser has already accepted (the caller parses with smol-toml first), so it can trust the
 * syntax and only needs to track strings, brackets and comments well enough to find where statements end.
 */

/** One statement of a TOML document, by line index (0-based, inclusive). */
export type TomlStatement =
  | { kind: 'table'; path: string[]; array: boolean; start: number; end: number }
  | {
      kind: 'key';
      path: string[];
      start: number;
      end: number;
      /** The line's leading whitespace, reused when the statement is rewritten. */
      indent: string;
      /** A trailing `# comment` on the statement's last line, kept when it is rewritten. */
      comment: string | null;
    };

/** A document split into lines (without their endings) and the statements found in them. */
export interface TomlLayout {
  lines: string[];
  /** `\r\n` when the document uses it, else `\n`. */
  eol: string;
  /** Whether the last line ended with a line break. */
  finalEol: boolean;
  statements: TomlStatement[];
}

/** Splits a parsed-valid TOML document into statements. Throws on input it cannot follow (never valid TOML). */
export function scanToml(text: string): TomlLayout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalEol = text.endsWith('\n');
  const lines = (finalEol ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text).split(/\r?\n/);
  if (text === '') lines.length = 0;
  const statements: TomlStatement[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i += 1;
      continue;
    }
    if (trimmed.startsWith('[')) {
      const array = trimmed.startsWith('[[');
      const cursor = { text: trimmed, pos: array ? 2 : 1 };
      const path = readKeyPath(cursor, ']');
      statements.push({ kind: 'table', path, array, start: i, end: i });
      i += 1;
      continue;
    }
    const indent = line.slice(0, line.length - trimmed.length);
    const cursor = { text: trimmed, pos: 0 };
    const path = readKeyPath(cursor, '=');
    cursor.pos += 1; // the '='
    const end = skipValue(lines, i, indent.length + cursor.pos);
    statements.push({ kind: 'key', path, start: i, end: end.line, indent, comment: end.comment });
    i = end.line + 1;
  }
  return { lines, eol, finalEol, statements };
}

/** Reads a dotted key up to `stop` (exclusive): bare, "basic" or 'literal' parts. */
function readKeyPath(c: { text: string; pos: number }, stop: string): string[] {
  const parts: string[] = [];
  for (;;) {
    skipSpaces(c);
    const ch = c.text[c.pos];
    if (ch === '"') {
      const close = findBasicStringEnd(c.text, c.pos + 1);
      parts.push(JSON.parse(c.text.slice(c.pos, close + 1)) as string);
      c.pos = close + 1;
    } else if (ch === "'") {
      const close = c.text.indexOf("'", c.pos + 1);
      if (close < 0) throw new Error('unterminated literal key');
      parts.push(c.text.slice(c.pos + 1, close));
      c.pos = close + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(c.text.slice(c.pos));
      if (!m) throw new Error(`unexpected character in a key: ${ch ?? 'end of line'}`);
      parts.push(m[0]);
      c.pos += m[0].length;
    }
    skipSpaces(c);
    if (c.text[c.pos] === '.') {
      c.pos += 1;
      continue;
    }
    if (c.text[c.pos] !== stop) throw new Error(`expected "${stop}" after a key`);
    return parts;
  }
}

function skipSpaces(c: { text: string; pos: number }): void {
  while (c.text[c.pos] === ' ' || c.text[c.pos] === '\t') c.pos += 1;
}

/** Index of the closing quote of a basic string whose content starts at `from`. */
function findBasicStringEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j += 1) {
    if (text[j] === '\\') j += 1;
    else if (text[j] === '"') return j;
  }
  throw new Error('unterminated string');
}

/**
 * Follows a value from (line, col) to the end of its statement: through multi-line strings and arrays or inline
 * tables spread over lines. Returns the last line and that line's trailing comment, if any.
 */
function skipValue(lines: string[], line: number, col: number): { line: number; comment: string | null } {
  let depth = 0;
  let inMulti: '"""' | "'''" | null = null;
  for (let l = line; l < lines.length; l += 1) {
    const text = lines[l]!;
    let j = l === line ? col : 0;
    let comment: string | null = null;
    while (j < text.length) {
      if (inMulti) {
        if (inMulti === '"""' && text[j] === '\\') {
          j += 2;
          continue;
        }
        if (text.startsWith(inMulti, j)) {
          j += 3;
          // A closing delimiter may be followed by up to two more quotes that belong to the content.
          while (text[j] === inMulti[0]) j += 1;
          inMulti = null;
          continue;
        }
        j += 1;
        continue;
      }
      const ch = text[j]!;
      if (text.startsWith('"""', j) || text.startsWith("'''", j)) {
        inMulti = text.slice(j, j + 3) as '"""' | "'''";
        j += 3;
      } else if (ch === '"') j = findBasicStringEnd(text, j + 1) + 1;
      else if (ch === "'") {
        const close = text.indexOf("'", j + 1);
        if (close < 0) throw new Error('unterminated literal string');
        j = close + 1;
      } else if (ch === '#') {
        comment = text.slice(j);
        break;
      } else {
        if (ch === '[' || ch === '{') depth += 1;
        else if (ch === ']' || ch === '}') depth -= 1;
        j += 1;
      }
    }
    if (!inMulti && depth === 0) return { line: l, comment };
  }
  throw new Error('a value runs past the end of the document');
}

/** Index of the first statement of the table `path` (its header), or -1. */
export function findTable(layout: TomlLayout, path: readonly string[]): number {
  return layout.statements.findIndex((s) => s.kind === 'table' && !s.array && samePath(s.path, path));
}

/** The statements of the table whose header is at statement `header` (or of the root when -1): its keys. */
export function tableBody(layout: TomlLayout, header: number): Extract<TomlStatement, { kind: 'key' }>[] {
  const body: Extract<TomlStatement, { kind: 'key' }>[] = [];
  for (let k = header + 1; k < layout.statements.length; k += 1) {
    const s = layout.statements[k]!;
    if (s.kind === 'table') break;
    body.push(s);
  }
  return body;
}

/** True when two key paths are equal. */
export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, idx) => part === b[idx]);
}
