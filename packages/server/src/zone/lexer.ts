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

interface LexState {
  open?: { line: number; column: number };
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
 * Splits master-file text (RFC 1035 §5.1) into entries. Problems are reported and the entry they
 * occur in is dropped, so the caller sees each broken line once and carries on with the next.
 */
export function* lexZone(text: string, report: LexReport): Generator<Entry> {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
  let tokens: ZoneToken[] = [];
  let blankOwner = false;
  let entryLine = 0;
  let broken = false;
  const state: LexState = {}; // the '(' currently open, if any
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    if (!state.open) {
      tokens = [];
      broken = false;
      const first = text.charCodeAt(start);
      blankOwner = start < end && (first === SPACE || first === TAB);
      entryLine = lineNo;
    }
    if (end - start > MAX_LINE_LENGTH) {
      report('LINE_TOO_LONG', `line of ${end - start} characters (max ${MAX_LINE_LENGTH})`, lineNo, 1);
      broken = true;
    } else {
      broken = lexLine(text, start, end, lineNo, tokens, state, report) || broken;
    }
    if (!state.open) {
      if (tokens.length > 0 && !broken) yield { tokens, blankOwner, line: entryLine };
      tokens = [];
    }
    start = end + 1;
  }
  if (state.open) report('UNBALANCED_PARENS', "'(' is never closed", state.open.line, state.open.column);
}

/**
 * Appends the tokens of one physical line, text[start, end); returns true when the line had a
 * lexical error. Scans character codes and slices each token once.
 */
function lexLine(
  text: string,
  start: number,
  end: number,
  lineNo: number,
  tokens: ZoneToken[],
  state: LexState,
  report: LexReport,
): boolean {
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
      if (state.open) {
        report('NESTED_PARENS', "'(' inside parentheses (they do not nest)", lineNo, column);
        broken = true;
      } else {
        state.open = { line: lineNo, column };
      }
      i++;
    } else if (c === CLOSE) {
      if (!state.open) {
        report('UNBALANCED_PARENS', "')' without '('", lineNo, column);
        broken = true;
      }
      state.open = undefined;
      i++;
    } else if (c === QUOTE) {
      let j = i + 1;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d === QUOTE) break;
        j += d === BACKSLASH ? 2 : 1;
      }
      if (j >= end) {
        report('UNTERMINATED_STRING', 'quoted string not closed on its line', lineNo, column);
        return true;
      }
      tokens.push({ text: text.slice(i + 1, j), quoted: true, line: lineNo, column });
      i = j + 1;
    } else {
      let j = i;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d < 128 && DELIMITER[d] === 1) break;
        j += d === BACKSLASH ? 2 : 1;
      }
      if (j > end) j = end;
      tokens.push({ text: text.slice(i, j), quoted: false, line: lineNo, column });
      i = j;
    }
  }
  return broken;
}
