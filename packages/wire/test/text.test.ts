import { describe, expect, test } from 'vitest';
import { TextError, formatRdata, formatRecord, parseRdata, parseTtl, tokenize, type ResourceRecord, type TypeName } from '@port53/wire';
import { expectTextError } from './wire-fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const origin = 'example.test';

// type, text as written, typed data, text as printed back (dig/NSD style)
const rows: [TypeName, string, unknown, string][] = [
  ['A', '192.0.2.1', '192.0.2.1', '192.0.2.1'],
  ['AAAA', '2001:DB8:0:0::1', '2001:db8::1', '2001:db8::1'],
  ['AAAA', '::ffff:192.0.2.1', '::ffff:192.0.2.1', '::ffff:192.0.2.1'], // RFC 5952 §5
  ['AAAA', '::ffff:c000:201', '::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['NS', 'ns1', 'ns1.example.test', 'ns1.example.test.'],
  ['CNAME', 'host.other.test.', 'host.other.test', 'host.other.test.'],
  ['PTR', '@', 'example.test', 'example.test.'],
  [
    'SOA',
    'ns1 hostmaster.example.test. 2026112701 1h 15m 1w 300',
    { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2026112701, refresh: 3600, retry: 900, expire: 604800, minimum: 300 },
    'ns1.example.test. hostmaster.example.test. 2026112701 3600 900 604800 300',
  ],
  ['MX', '10 mail', { preference: 10, exchange: 'mail.example.test' }, '10 mail.example.test.'],
  ['TXT', '"hello world" plain', [enc('hello world'), enc('plain')], '"hello world" "plain"'],
  ['TXT', '"say \\"hi\\"" "a\\\\b" "\\000\\255"', [enc('say "hi"'), enc('a\\b'), Uint8Array.from([0, 255])], '"say \\"hi\\"" "a\\\\b" "\\000\\255"'],
  ['TXT', '""', [new Uint8Array(0)], '""'],
  ['TXT', '"semi;colon" ', [enc('semi;colon')], '"semi;colon"'],
  ['SRV', '0 5 5060 sip', { priority: 0, weight: 5, port: 5060, target: 'sip.example.test' }, '0 5 5060 sip.example.test.'],
  ['CAA', '0 issue "ca.example.net"', { flags: 0, tag: 'issue', value: enc('ca.example.net') }, '0 issue "ca.example.net"'],
  ['CAA', '128 iodef "mailto:sec@example.test"', { flags: 128, tag: 'iodef', value: enc('mailto:sec@example.test') }, '128 iodef "mailto:sec@example.test"'],
  ['HINFO', '"PDP-11" UNIX', { cpu: enc('PDP-11'), os: enc('UNIX') }, '"PDP-11" "UNIX"'],
  ['TYPE65280', '\\# 4 0A000001', Uint8Array.from([10, 0, 0, 1]), '\\# 4 0A000001'],
  ['TYPE65280', '\\# 0', new Uint8Array(0), '\\# 0'],
  // Octets that are no valid DS (no digest) still load, and print in the generic form.
  ['DS', '\\# 4 ( 0A00 0001 )', Uint8Array.from([10, 0, 0, 1]), '\\# 4 0A000001'],
];

describe('rdata text round trips', () => {
  test.each(rows)('%s %s', (type, text, data, printed) => {
    const parsed = parseRdata(type, tokenize(text), origin);
    expect(parsed).toEqual(data);
    expect(formatRdata({ type, data: parsed } as ResourceRecord)).toBe(printed);
    // What we print parses back to the same data (absolute names need no origin).
    expect(parseRdata(type, tokenize(printed))).toEqual(data);
  });
});

describe('rdata text errors name the token', () => {
  test.each([
    ['A', '192.0.2.256', 'BAD_ADDRESS', 0],
    ['A', '192.0.2.1 extra', 'EXTRA_FIELD', 1],
    ['AAAA', '2001:db8::g', 'BAD_ADDRESS', 0],
    ['AAAA', '192.0.2.1', 'BAD_ADDRESS', 0],
    ['MX', '10', 'MISSING_FIELD', 1],
    ['MX', '65536 mail', 'BAD_NUMBER', 0],
    ['MX', '10 a..b', 'BAD_NAME', 1],
    ['SOA', 'ns1 host 1 2 3 4', 'MISSING_FIELD', 6],
    ['SOA', 'ns1 host 1 2 3 4 5x', 'BAD_TTL', 6],
    ['TXT', `"${'x'.repeat(256)}"`, 'STRING_TOO_LONG', 0],
    ['TXT', '"bad \\25 escape"', 'BAD_ESCAPE', 0],
    ['NS', `${'x'.repeat(64)}.test.`, 'LABEL_TOO_LONG', 0],
    ['CAA', '0 is-sue "x"', 'BAD_RDATA', 1],
    ['NSEC3', '1 0 10 - A', 'BAD_RDATA', 4], // one base32hex digit is no octet
    ['TYPE65280', '\\# 3 0A0000', undefined, undefined],
    ['TYPE65280', '\\# 4 0A0000', 'BAD_RDATA', 1],
    ['TYPE65280', '\\# 2 0A0', 'BAD_RDATA', 2],
    ['TYPE65280', '\\# 2 zz', 'BAD_RDATA', 2],
  ] as const)('%s %s → %s', (type, text, code, token) => {
    if (code === undefined) {
      expect(() => parseRdata(type, tokenize(text), origin)).not.toThrow();
      return;
    }
    expectTextError(() => parseRdata(type, tokenize(text), origin), code, token);
  });
});

describe('parseTtl', () => {
  test.each([
    ['0', 0],
    ['3600', 3600],
    ['1h', 3600],
    ['1W2d3H4m5S', 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['2147483647', 2147483647],
    ['2147483648', undefined],
    ['1x', undefined],
    ['h', undefined],
    ['-1', undefined],
    ['', undefined],
  ])('%s → %s', (text, ttl) => {
    expect(parseTtl(text)).toBe(ttl);
  });
});

test('tokenize keeps escapes, strips quotes, stops at comments', () => {
  expect(tokenize('a\\ b "c d" e;comment "x"')).toEqual([
    { text: 'a\\ b', quoted: false },
    { text: 'c d', quoted: true },
    { text: 'e', quoted: false },
  ]);
  expect(tokenize('"un\\"closed')).toEqual([{ text: 'un\\"closed', quoted: true }]);
});

test('formatRecord prints like dig', () => {
  expect(formatRecord({ name: 'www.example.test', ttl: 300, class: 'IN', type: 'A', data: '192.0.2.1' })).toBe(
    'www.example.test.\t300\tIN\tA\t192.0.2.1',
  );
});

test('RFC 3597 generic form of a typed type gives the typed data (RFC 3597 §5)', () => {
  expect(parseRdata('A', tokenize('\\# 4 C0000201'))).toBe('192.0.2.1');
  expect(parseRdata('MX', tokenize('\\# 6 000A 026D7800'))).toEqual({ preference: 10, exchange: 'mx' });
  expect(() => parseRdata('A', tokenize('\\# 3 C00002'))).toThrow(TextError);
});
