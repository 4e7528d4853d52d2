import { describe, expect, test } from 'vitest';
import { lexZone } from '../src/zonefile/lexer.js';
import { MAX_LINE_LENGTH } from '../src/zonefile/limits.js';

interface Lexed {
  entries: { blank: boolean; line: number; tokens: string[] }[];
  errors: string[];
}

/** Tokens written as text@line:column, quoted ones in double quotes. */
function lex(text: string): Lexed {
  const errors: string[] = [];
  const entries = [...lexZone(text, (code, _reason, line, column) => errors.push(`${code}@${line}:${column}`))].map((e) => ({
    blank: e.blankOwner,
    line: e.line,
    tokens: e.tokens.map((t) => `${t.quoted ? `"${t.text}"` : t.text}@${t.line}:${t.column}`),
  }));
  return { entries, errors };
}

describe('master-file lexer (RFC 1035 §5.1)', () => {
  test.each([
    ['blanks separate tokens', 'www  IN\tA 192.0.2.1', [{ blank: false, line: 1, tokens: ['www@1:1', 'IN@1:6', 'A@1:9', '192.0.2.1@1:11'] }]],
    ['a leading blank marks a continued owner', '  A 192.0.2.1', [{ blank: true, line: 1, tokens: ['A@1:3', '192.0.2.1@1:5'] }]],
    ['a leading tab too', '\tA 192.0.2.1', [{ blank: true, line: 1, tokens: ['A@1:2', '192.0.2.1@1:4'] }]],
    ['comments end a line', 'a A 192.0.2.1 ; note ( " \\', [{ blank: false, line: 1, tokens: ['a@1:1', 'A@1:3', '192.0.2.1@1:5'] }]],
    ['comment-only and empty lines give nothing', '; just a comment\n\n   \n', []],
    ['CRLF line ends', 'a A 1\r\nb A 2\r\n', [
      { blank: false, line: 1, tokens: ['a@1:1', 'A@1:3', '1@1:5'] },
      { blank: false, line: 2, tokens: ['b@2:1', 'A@2:3', '2@2:5'] },
    ]],
    ['parentheses join lines, comments inside', '@ SOA ns h (\n 1 ; serial\n 2 3\n 4 5 )\nx A 1', [
      { blank: false, line: 1, tokens: ['@@1:1', 'SOA@1:3', 'ns@1:7', 'h@1:10', '1@2:2', '2@3:2', '3@3:4', '4@4:2', '5@4:4'] },
      { blank: false, line: 5, tokens: ['x@5:1', 'A@5:3', '1@5:5'] },
    ]],
    ['parentheses need no blanks around them', 'a TXT ("x")(y)', [{ blank: false, line: 1, tokens: ['a@1:1', 'TXT@1:3', '"x"@1:8', 'y@1:13'] }]],
    ['quoted strings keep blanks, ; and parentheses', 'a TXT "b c;(d)" e', [{ blank: false, line: 1, tokens: ['a@1:1', 'TXT@1:3', '"b c;(d)"@1:7', 'e@1:17'] }]],
    ['escapes are kept as written', 'a TXT "say \\"hi\\" \\\\" b\\ c \\059', [
      { blank: false, line: 1, tokens: ['a@1:1', 'TXT@1:3', '"say \\"hi\\" \\\\"@1:7', 'b\\ c@1:23', '\\059@1:28'] },
    ]],
    ['an empty quoted string is a token', 'a TXT ""', [{ blank: false, line: 1, tokens: ['a@1:1', 'TXT@1:3', '""@1:7'] }]],
    ['a quote ends an unquoted token', 'a TXT x"y"', [{ blank: false, line: 1, tokens: ['a@1:1', 'TXT@1:3', 'x@1:7', '"y"@1:8'] }]],
    ['a byte order mark is ignored', '\ufeffa A 1', [{ blank: false, line: 1, tokens: ['a@1:1', 'A@1:3', '1@1:5'] }]],
    ['a blank owner is decided by the first line of a group', 'a A (\n  1 )', [{ blank: false, line: 1, tokens: ['a@1:1', 'A@1:3', '1@2:3'] }]],
  ])('%s', (_name, text, entries) => {
    expect(lex(text)).toEqual({ entries, errors: [] });
  });

  test.each([
    ['a ) without (', 'a A 1\nb A 2 )\nc A 3', ['UNBALANCED_PARENS@2:7'], ['a', 'c']],
    ['a ( never closed', 'a A 1\nb SOA (\n1 2\n', ['UNBALANCED_PARENS@2:7'], ['a']],
    ['a second ( inside parentheses', 'a SOA ( 1\n ( 2 )\nc A 3', ['NESTED_PARENS@2:2'], ['c']],
    ['a quoted string left open', 'a TXT "abc\nb A 2', ['UNTERMINATED_STRING@1:7'], ['b']],
    ['an escaped quote does not close', 'a TXT "abc\\"\nb A 2', ['UNTERMINATED_STRING@1:7'], ['b']],
    ['a line over the limit', `a A 1\nb TXT "${'x'.repeat(MAX_LINE_LENGTH)}"\nc A 3`, ['LINE_TOO_LONG@2:1'], ['a', 'c']],
  ])('%s is reported and its entry dropped', (_name, text, errors, owners) => {
    const result = lex(text);
    expect(result.errors).toEqual(errors);
    expect(result.entries.map((e) => e.tokens[0].split('@')[0])).toEqual(owners);
  });
});
