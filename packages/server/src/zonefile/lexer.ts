import type { Token } from '@port53/wire';
import { MAX_LINE_LENGTH } from './limits.js';
import type { ZoneErrorCode } from './errors.js';

/** A token of a master file with its place (1-based line and column of its first character). */
export interface ZoneToken extends Token {
  line: number;
  column: number;
}

/** One logical line: the tokens of a physical line, or of several joined by parentheses. */
export interface Entry {
  tokens: ZoneToken[];
  /** RFC 1035 §5.1: a line starting with a blank has no owner; it continues the previous one. */
  blankOwner: boolean;
  line: number;
}

export type LexReport = (code: ZoneErrorCode, reason: string, line: number, column: number) => void;

/** The tokens of one entry read by index: the scanner's current entry, or an array of tokens. */
export interface EntryTokens {
  readonly length: number;
  text(i: number): string;
  quoted(i: number): boolean;
  line(i: number): number;
  column(i: number): number;
  /** The code of the token's first character (NaN when it is empty). */
  firstCode(i: number): number;
  /** True when the token's text is `text`, compared without slicing it out. */
  is(i: number, text: string): boolean;
  /** Tokens i.. as rdata; valid until the next call (the scanner reuses them). */
  rest(i: number): readonly Token[];
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const SEMICOLON = 0x3b;
const OPEN = 0x28;
const CLOSE = 0x29;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** 1 for the characters that end an unquoted token: blank, CR, ; ( ) " */
const DELIMITER = Uint8Array.from({ length: 128 }, (_, c) => (' \t\r;()"'.includes(String.fromCharCode(c)) ? 1 : 0));

/**
 * Splits master-file text (RFC 1035 §5.1) into entries, one at a time: `next()` moves to the
 * next entry and its tokens are read by index, as offsets into the text, so a million records
 * make no token objects. Problems are reported and the entry they occur in is dropped, so the
 * caller sees each broken line once and carries on with the next.
 */
export class ZoneScanner implements EntryTokens {
  /** Tokens in the current entry. */
  length = 0;
  /** RFC 1035 §5.1: the entry's first line starts with a blank (no owner). */
  blankOwner = false;
  /** The line the entry starts on. */
  entryLine = 0;
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);
  private lines = new Int32Array(16);
  private columns = new Int32Array(16);
  private quotes = new Uint8Array(16);
  /** The one-token rdata `rest` hands out, reused from entry to entry. */
  private readonly single: [Token] = [{ text: '', quoted: false }];
  private lineNo = 0;
  private start: number;
  private broken = false;
  /** The '(' currently open, if any. */
  private open: { line: number; column: number } | undefined;

  constructor(
    private readonly source: string,
    private readonly report: LexReport,
  ) {
    this.start = source.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte order mark
  }

  /** Moves to the next well-formed entry; false at the end of the text. */
  next(): boolean {
    const text = this.source;
    while (this.start <= text.length) {
      const start = this.start;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.lineNo++;
      if (!this.open) {
        this.length = 0;
        this.broken = false;
        const first = text.charCodeAt(start);
        this.blankOwner = start < end && (first === SPACE || first === TAB);
        this.entryLine = this.lineNo;
      }
      if (end - start > MAX_LINE_LENGTH) {
        this.report('LINE_TOO_LONG', `line of ${end - start} characters (max ${MAX_LINE_LENGTH})`, this.lineNo, 1);
        this.broken = true;
      } else if (this.lexLine(start, end)) {
        this.broken = true;
      }
      this.start = end + 1;
      if (!this.open) {
        if (this.length > 0 && !this.broken) return true;
        this.length = 0;
      }
    }
    if (this.open) {
      this.report('UNBALANCED_PARENS', "'(' is never closed", this.open.line, this.open.column);
      this.open = undefined;
    }
    this.length = 0;
    return false;
  }

  text(i: number): string {
    return this.source.slice(this.starts[i], this.ends[i]);
  }

  quoted(i: number): boolean {
    return this.quotes[i] === 1;
  }

  line(i: number): number {
    return this.lines[i];
  }

  column(i: number): number {
    return this.columns[i];
  }

  firstCode(i: number): number {
    return this.starts[i] < this.ends[i] ? this.source.charCodeAt(this.starts[i]) : NaN;
  }

  is(i: number, text: string): boolean {
    const start = this.starts[i];
    if (this.ends[i] - start !== text.length) return false;
    for (let k = 0; k < text.length; k++) if (this.source.charCodeAt(start + k) !== text.charCodeAt(k)) return false;
    return true;
  }

  rest(i: number): readonly Token[] {
    // Most records have one rdata token (A, AAAA, NS, CNAME...): one array and token, reused.
    if (this.length - i === 1) {
      const t = this.single[0];
      t.text = this.text(i);
      t.quoted = this.quotes[i] === 1;
      return this.single;
    }
    const out: Token[] = [];
    for (let k = i; k < this.length; k++) out.push({ text: this.text(k), quoted: this.quotes[k] === 1 });
    return out;
  }

  /** The current entry's tokens from `i` on as objects of their own. */
  tokens(i = 0): ZoneToken[] {
    const out: ZoneToken[] = [];
    for (let k = i; k < this.length; k++) out.push({ text: this.text(k), quoted: this.quotes[k] === 1, line: this.lines[k], column: this.columns[k] });
    return out;
  }

  /**
   * Appends the tokens of one physical line, text[start, end); returns true when the line had a
   * lexical error. Scans character codes and records where each token starts and ends.
   */
  private lexLine(start: number, end: number): boolean {
    const text = this.source;
    const lineNo = this.lineNo;
    let broken = false;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      const column = i - start + 1;
      if (c === SPACE || c === TAB || c === CR) {
        i++;
      } else if (c === SEMICOLON) {
        break;
      } else if (c === OPEN) {
        if (this.open) {
          this.report('NESTED_PARENS', "'(' inside parentheses (they do not nest)", lineNo, column);
          broken = true;
        } else {
          this.open = { line: lineNo, column };
        }
        i++;
      } else if (c === CLOSE) {
        if (!this.open) {
          this.report('UNBALANCED_PARENS', "')' without '('", lineNo, column);
          broken = true;
        }
        this.open = undefined;
        i++;
      } else if (c === QUOTE) {
        let j = i + 1;
        while (j < end) {
          const d = text.charCodeAt(j);
          if (d === QUOTE) break;
          j += d === BACKSLASH ? 2 : 1;
        }
        if (j >= end) {
          this.report('UNTERMINATED_STRING', 'quoted string not closed on its line', lineNo, column);
          return true;
        }
        this.push(i + 1, j, true, lineNo, column);
        i = j + 1;
      } else {
        let j = i;
        while (j < end) {
          const d = text.charCodeAt(j);
          if (d < 128 && DELIMITER[d] === 1) break;
          j += d === BACKSLASH ? 2 : 1;
        }
        if (j > end) j = end;
        this.push(i, j, false, lineNo, column);
        i = j;
      }
    }
    return broken;
  }

  private push(start: number, end: number, quoted: boolean, line: number, column: number): void {
    const n = this.length++;
    if (n === this.starts.length) this.grow();
    this.starts[n] = start;
    this.ends[n] = end;
    this.quotes[n] = quoted ? 1 : 0;
    this.lines[n] = line;
    this.columns[n] = column;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const widen = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.starts = widen(this.starts, new Int32Array(size));
    this.ends = widen(this.ends, new Int32Array(size));
    this.lines = widen(this.lines, new Int32Array(size));
    this.columns = widen(this.columns, new Int32Array(size));
    this.quotes = widen(this.quotes, new Uint8Array(size));
  }
}

/** An array of tokens read through EntryTokens ($GENERATE's substituted ones, directives). */
export class TokenArray implements EntryTokens {
  constructor(private readonly tokens: readonly ZoneToken[]) {}

  get length(): number {
    return this.tokens.length;
  }

  text(i: number): string {
    return this.tokens[i].text;
  }

  quoted(i: number): boolean {
    return this.tokens[i].quoted;
  }

  line(i: number): number {
    return this.tokens[i].line;
  }

  column(i: number): number {
    return this.tokens[i].column;
  }

  firstCode(i: number): number {
    return this.tokens[i].text.charCodeAt(0);
  }

  is(i: number, text: string): boolean {
    return this.tokens[i].text === text;
  }

  rest(i: number): readonly Token[] {
    return this.tokens.slice(i);
  }
}

/** The entries of master-file text as objects (the scanner's entries, each with its tokens). */
export function* lexZone(text: string, report: LexReport): Generator<Entry> {
  const scanner = new ZoneScanner(text, report);
  while (scanner.next()) yield { tokens: scanner.tokens(), blankOwner: scanner.blankOwner, line: scanner.entryLine };
}
