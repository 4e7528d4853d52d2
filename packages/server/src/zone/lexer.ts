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

const DELIMITERS = ' \t\r;()"';

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
    const line = text.slice(start, end);
    lineNo++;
    if (!state.open) {
      tokens = [];
      broken = false;
      blankOwner = line.startsWith(' ') || line.startsWith('\t');
      entryLine = lineNo;
    }
    if (line.length > MAX_LINE_LENGTH) {
      report('LINE_TOO_LONG', `line of ${line.length} characters (max ${MAX_LINE_LENGTH})`, lineNo, 1);
      broken = true;
    } else {
      broken = lexLine(line, lineNo, tokens, state, report) || broken;
    }
    if (!state.open) {
      if (tokens.length > 0 && !broken) yield { tokens, blankOwner, line: entryLine };
      tokens = [];
    }
    start = end + 1;
  }
  if (state.open) report('UNBALANCED_PARENS', "'(' is never closed", state.open.line, state.open.column);
}

/** Appends the tokens of one physical line; returns true when the line had a lexical error. */
function lexLine(
  line: string,
  lineNo: number,
  tokens: ZoneToken[],
  state: LexState,
  report: LexReport,
): boolean {
  let broken = false;
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line[i];
    const column = i + 1;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === ';') {
      break;
    } else if (c === '(') {
      if (state.open) {
        report('NESTED_PARENS', "'(' inside parentheses (they do not nest)", lineNo, column);
        broken = true;
      } else {
        state.open = { line: lineNo, column };
      }
      i++;
    } else if (c === ')') {
      if (!state.open) {
        report('UNBALANCED_PARENS', "')' without '('", lineNo, column);
        broken = true;
      }
      state.open = undefined;
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= n) {
        report('UNTERMINATED_STRING', 'quoted string not closed on its line', lineNo, column);
        return true;
      }
      tokens.push({ text: line.slice(i + 1, j), quoted: true, line: lineNo, column });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && !DELIMITERS.includes(line[j])) j += line[j] === '\\' ? 2 : 1;
      j = Math.min(j, n);
      tokens.push({ text: line.slice(i, j), quoted: false, line: lineNo, column });
      i = j;
    }
  }
  return broken;
}
