import { formatRecord } from '@port53/wire';
import { describe, expect, test } from 'vitest';
import { parseZone, type ParseOptions } from '../src/zonefile/parser.js';

const base: ParseOptions = { file: 'test.zone', origin: 'example.test', readInclude: () => '' };

function records(text: string, options: Partial<ParseOptions> = {}): string[] {
  const result = parseZone(text, { ...base, ...options });
  expect(result.errors.filter((e) => e.severity === 'error').map((e) => e.message)).toEqual([]);
  return result.records.map((r) => formatRecord(r.rr).replaceAll('\t', ' '));
}

function errors(text: string, options: Partial<ParseOptions> = {}): string[] {
  return parseZone(text, { ...base, ...options }).errors.map((e) => `${e.severity === 'warning' ? 'warning ' : ''}${e.code}@${e.line}:${e.column}`);
}

describe('master-file syntax (RFC 1035 §5)', () => {
  test.each([
    ['an absolute owner', 'www.example.test. 300 IN A 192.0.2.1', ['www.example.test. 300 IN A 192.0.2.1']],
    ['a relative owner', 'www 300 IN A 192.0.2.1', ['www.example.test. 300 IN A 192.0.2.1']],
    ['@ is the origin', '@ 300 IN A 192.0.2.1', ['example.test. 300 IN A 192.0.2.1']],
    ['a wildcard owner', '*.wild 300 IN A 192.0.2.1', ['*.wild.example.test. 300 IN A 192.0.2.1']],
    ['an escaped dot stays inside a label', 'a\\.b 300 IN A 192.0.2.1', ['a\\.b.example.test. 300 IN A 192.0.2.1']],
    ['\\DDD escapes in owners', 'caf\\195\\169 300 IN A 192.0.2.1', ['caf\\195\\169.example.test. 300 IN A 192.0.2.1']],
    ['case is kept as written', 'WWW.Example.TEST. 300 IN A 192.0.2.1', ['WWW.Example.TEST. 300 IN A 192.0.2.1']],
    ['TTL then class', 'a 300 IN A 192.0.2.1', ['a.example.test. 300 IN A 192.0.2.1']],
    ['class then TTL', 'a IN 300 A 192.0.2.1', ['a.example.test. 300 IN A 192.0.2.1']],
    ['class omitted', 'a 300 A 192.0.2.1', ['a.example.test. 300 IN A 192.0.2.1']],
    ['class and type in any case', 'a 300 in aaaa 2001:DB8::1', ['a.example.test. 300 IN AAAA 2001:db8::1']],
    ['CLASS1 is IN (RFC 3597)', 'a 300 CLASS1 A 192.0.2.1', ['a.example.test. 300 IN A 192.0.2.1']],
    ['TYPEn for a known type', 'a 300 IN TYPE1 192.0.2.1', ['a.example.test. 300 IN A 192.0.2.1']],
    ['TTL units', 'a 1w2d3h4m5s A 192.0.2.1', ['a.example.test. 788645 IN A 192.0.2.1']],
    ['TTL units in upper case', 'a 1H30M A 192.0.2.1', ['a.example.test. 5400 IN A 192.0.2.1']],
    ['the largest TTL (RFC 2181 §8)', 'a 2147483647 A 192.0.2.1', ['a.example.test. 2147483647 IN A 192.0.2.1']],
    ['$TTL gives the default', '$TTL 1d\na A 192.0.2.1\nb 60 A 192.0.2.2\nc A 192.0.2.3', [
      'a.example.test. 86400 IN A 192.0.2.1', 'b.example.test. 60 IN A 192.0.2.2', 'c.example.test. 86400 IN A 192.0.2.3',
    ]],
    ['without $TTL, the previous record gives the TTL (RFC 1035 §5.1)', 'a 60 A 192.0.2.1\nb A 192.0.2.2\nc 30 A 192.0.2.3\nd A 192.0.2.4', [
      'a.example.test. 60 IN A 192.0.2.1', 'b.example.test. 60 IN A 192.0.2.2', 'c.example.test. 30 IN A 192.0.2.3', 'd.example.test. 30 IN A 192.0.2.4',
    ]],
    ['a blank owner continues the previous owner', 'a 60 A 192.0.2.1\n  60 AAAA 2001:db8::1\n\tTXT "x"', [
      'a.example.test. 60 IN A 192.0.2.1', 'a.example.test. 60 IN AAAA 2001:db8::1', 'a.example.test. 60 IN TXT "x"',
    ]],
    ['a continued owner survives $ORIGIN', 'a 60 A 192.0.2.1\n$ORIGIN other.example.test.\n  A 192.0.2.2\nb A 192.0.2.3', [
      'a.example.test. 60 IN A 192.0.2.1', 'a.example.test. 60 IN A 192.0.2.2', 'b.other.example.test. 60 IN A 192.0.2.3',
    ]],
    ['$ORIGIN completes relative names in owners and rdata', '$ORIGIN sub.example.test.\nwww 60 CNAME web\n', ['www.sub.example.test. 60 IN CNAME web.sub.example.test.']],
    ['a relative $ORIGIN is relative to the current one', '$ORIGIN sub\nwww 60 A 192.0.2.1', ['www.sub.example.test. 60 IN A 192.0.2.1']],
    ['directives in any case', '$ttl 60\n$origin sub.example.test.\na A 192.0.2.1', ['a.sub.example.test. 60 IN A 192.0.2.1']],
    ['SOA over several lines with comments and units', '@ 3600 IN SOA ns1 hostmaster (\n  2024061501 ; serial\n  2h ; refresh\n  15m 2w\n  5m ) ; minimum', [
      'example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2024061501 7200 900 1209600 300',
    ]],
    ['a SOA without any TTL takes its MINIMUM', '@ SOA ns1 hostmaster 1 2 3 4 300\nwww A 192.0.2.1', [
      'example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 2 3 4 300', 'www.example.test. 300 IN A 192.0.2.1',
    ]],
    ['MX and SRV with relative and absolute targets', 'a 60 MX 10 mail\na 60 MX 20 mx.example.net.\n_s._tcp 60 SRV 1 2 443 a', [
      'a.example.test. 60 IN MX 10 mail.example.test.', 'a.example.test. 60 IN MX 20 mx.example.net.', '_s._tcp.example.test. 60 IN SRV 1 2 443 a.example.test.',
    ]],
    ['TXT with several strings, escapes and an unquoted word', 'a 60 TXT "one two" three "say \\"hi\\"" "\\065\\\\"', [
      'a.example.test. 60 IN TXT "one two" "three" "say \\"hi\\"" "A\\\\"',
    ]],
    ['TXT over lines', 'a 60 TXT ( "first"\n  "second" )', ['a.example.test. 60 IN TXT "first" "second"']],
    ['CAA, HINFO, PTR', 'a 60 CAA 0 issue "ca.example.net"\na 60 HINFO "PC" "Linux"\np 60 PTR a', [
      'a.example.test. 60 IN CAA 0 issue "ca.example.net"', 'a.example.test. 60 IN HINFO "PC" "Linux"', 'p.example.test. 60 IN PTR a.example.test.',
    ]],
    ['RFC 3597 unknown type', 'a 60 TYPE65280 \\# 3 abcdef', ['a.example.test. 60 IN TYPE65280 \\# 3 ABCDEF']],
    ['RFC 3597 empty rdata', 'a 60 TYPE65280 \\# 0', ['a.example.test. 60 IN TYPE65280 \\# 0']],
    ['RFC 3597 hex in several groups', 'a 60 TYPE65280 \\# 4 0a00 ( 00 01 )', ['a.example.test. 60 IN TYPE65280 \\# 4 0A000001']],
    ['a type with no text form but RFC 3597 \\# (NULL)', 'a 60 NULL \\# 2 0001', ['a.example.test. 60 IN NULL \\# 2 0001']],
    ['the root zone', '. 60 NS a.root-servers.net.', ['. 60 IN NS a.root-servers.net.']],
  ])('%s', (_name, text, expected) => {
    const origin = _name === 'the root zone' ? '.' : 'example.test';
    expect(records(text, { origin })).toEqual(expected);
  });

  test('records keep file order and their place', () => {
    const result = parseZone('a 60 A 192.0.2.1\n\n  A 192.0.2.2\nb A 192.0.2.3', base);
    expect(result.records.map((r) => `${r.file}:${r.line}:${r.column}`)).toEqual(['test.zone:1:1', 'test.zone:3:1', 'test.zone:4:1']);
  });
});

describe('the zone name', () => {
  test.each([
    ['given by the caller', { origin: 'given.test' }, 'www 60 A 192.0.2.1', 'given.test', 'www.given.test.'],
    ['from a $ORIGIN before the first record', { origin: undefined }, '$TTL 60\n$ORIGIN top.test.\nwww A 192.0.2.1', 'top.test', 'www.top.test.'],
    ['from the file name', { origin: undefined, file: 'zones/file.test.zone' }, 'www 60 A 192.0.2.1', 'file.test', 'www.file.test.'],
    ['from the file name, not from a later $ORIGIN', { origin: undefined, file: 'zones/file.test.zone' }, 'www 60 A 192.0.2.1\n$ORIGIN sub.file.test.\nx A 192.0.2.2', 'file.test', 'www.file.test.'],
  ])('%s', (_name, options, text, origin, first) => {
    const result = parseZone(text, { ...base, ...options });
    expect(result.errors).toEqual([]);
    expect(result.origin).toBe(origin);
    expect(fqdnOf(result.records[0].rr.name)).toBe(first);
  });
});

function fqdnOf(name: string): string {
  return name === '.' ? '.' : `${name}.`;
}

describe('syntax errors name file:line:column and parsing carries on', () => {
  test.each([
    ['a bad TTL', 'a 60 A 192.0.2.1\nb 1x A 192.0.2.2', ['BAD_TTL@2:3']],
    ['a TTL over 2^31-1', 'a 2147483648 A 192.0.2.1', ['BAD_TTL@1:3']],
    ['a bad $TTL', '$TTL forever\na 60 A 192.0.2.1', ['BAD_TTL@1:6']],
    ['two TTLs', 'a 60 60 A 192.0.2.1', ['BAD_TYPE@1:6']],
    ['a label over 63 octets', `${'x'.repeat(64)} 60 A 192.0.2.1`, ['LABEL_TOO_LONG@1:1']],
    ['a name over 255 octets', `${Array(5).fill('x'.repeat(63)).join('.')} 60 A 192.0.2.1`, ['NAME_TOO_LONG@1:1']],
    ['a name over 255 octets in rdata', `a 60 CNAME ${Array(4).fill('x'.repeat(63)).join('.')}`, ['NAME_TOO_LONG@1:12']],
    ['a bad escape in an owner', 'a\\2 60 A 192.0.2.1', ['BAD_ESCAPE@1:1']],
    ['a \\DDD over 255', 'a\\256 60 A 192.0.2.1', ['BAD_ESCAPE@1:1']],
    ['an empty label', 'a..b 60 A 192.0.2.1', ['BAD_NAME@1:1']],
    ['a bad IPv6 address', 'a 60 AAAA 2001:db8::1::2', ['BAD_ADDRESS@1:11']],
    ['a bad IPv4 address', 'a 60 A 192.0.2.256', ['BAD_ADDRESS@1:8']],
    ['an unknown type', 'a 60 FOO 1', ['BAD_TYPE@1:6']],
    ['an unknown type without \\#', 'a 60 TYPE65280 01020304', ['BAD_RDATA@1:16']],
    ['a \\# length that does not match', 'a 60 TYPE65280 \\# 3 0102', ['BAD_RDATA@1:19']],
    ['a query type in zone data', 'a 60 IN ANY 1', ['BAD_TYPE@1:9']],
    ['a meta type in zone data', 'a 60 AXFR 1', ['BAD_TYPE@1:6']],
    ['OPT in zone data', 'a 60 OPT \\# 0', ['BAD_TYPE@1:6']],
    ['another class (NSD and Knot serve IN only)', 'a 60 CH TXT "x"', ['WRONG_CLASS@1:6']],
    ['no type at all', 'a 60 IN', ['MISSING_FIELD@1:6']],
    ['missing rdata', 'a 60 MX 10', ['MISSING_FIELD@1:9']],
    ['extra rdata', 'a 60 A 192.0.2.1 192.0.2.2', ['EXTRA_FIELD@1:18']],
    ['a blank owner before any record', '  60 A 192.0.2.1', ['NO_OWNER@1:3']],
    ['no TTL anywhere', 'a A 192.0.2.1', ['NO_TTL@1:3']],
    ['an unknown directive', '$FOO bar', ['UNKNOWN_DIRECTIVE@1:1']],
    ['$ORIGIN without an argument', '$ORIGIN', ['BAD_DIRECTIVE@1:1']],
    ['$TTL with two arguments', '$TTL 1 2', ['BAD_DIRECTIVE@1:1']],
    ['unbalanced parentheses', 'a 60 A 192.0.2.1 )\nb 60 TXT ( "x"\n', ['UNBALANCED_PARENS@1:18', 'UNBALANCED_PARENS@2:10']],
    ['nested parentheses', 'a 60 TXT ( "x" (\n "y" ) )', ['NESTED_PARENS@1:16', 'UNBALANCED_PARENS@2:8']],
    ['a quoted owner', '"a" 60 A 192.0.2.1', ['BAD_NAME@1:1']],
    ['all errors of a file, in order', 'a 1x A 192.0.2.1\nb 60 A 1.2.3\nc 60 A 192.0.2.3\nd 60 BOGUS x', ['BAD_TTL@1:3', 'BAD_ADDRESS@2:8', 'BAD_TYPE@4:6']],
    ['lines continuing a bad owner are not reported again', 'a..b 60 A 192.0.2.1\n  A 192.0.2.2\nc 60 A 1', ['BAD_NAME@1:1', 'BAD_ADDRESS@3:8']],
  ])('%s', (_name, text, expected) => {
    expect(errors(text)).toEqual(expected);
  });

  test('a SOA without a TTL warns that it takes its MINIMUM', () => {
    expect(errors('@ SOA ns1 hostmaster 1 2 3 4 300')).toEqual(['warning NO_TTL@1:3']);
  });

  test('a file name that is not a zone name, without any origin', () => {
    expect(errors('www 60 A 192.0.2.1', { origin: undefined, file: 'bad..name.zone' })).toEqual(['NO_ORIGIN@1:1']);
  });

  test('parsing stops after 100 errors', () => {
    const text = Array.from({ length: 150 }, (_, i) => `h${i} 1x A 192.0.2.1`).join('\n');
    const found = errors(text);
    expect(found).toHaveLength(101);
    expect(found.at(-1)).toBe('TOO_MANY_ERRORS@100:5');
  });

  test('the record limit', () => {
    const text = Array.from({ length: 20 }, (_, i) => `h${i} 60 A 192.0.2.1`).join('\n');
    expect(errors(text, { maxRecords: 10 })).toEqual(['TOO_MANY_RECORDS@11:1']);
  });
});
