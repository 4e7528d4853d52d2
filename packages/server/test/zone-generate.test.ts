import { formatRecord } from '@port53/wire';
import { describe, expect, test } from 'vitest';
import { parseRange, rangeCount, substitute } from '../src/zonefile/generate.js';
import { parseZone } from '../src/zonefile/parser.js';

describe('$GENERATE range', () => {
  test.each([
    ['1-10', { start: 1, stop: 10, step: 1 }, 10],
    ['0-254/2', { start: 0, stop: 254, step: 2 }, 128],
    ['5-5', { start: 5, stop: 5, step: 1 }, 1],
    ['1-10/20', { start: 1, stop: 10, step: 20 }, 1],
  ])('%s', (text, range, count) => {
    expect(parseRange(text)).toEqual(range);
    expect(rangeCount(range)).toBe(count);
  });

  test.each(['10-1', '1-10/0', '1', '-1-5', 'a-b', '1-2/x', '1-99999999999', ''])('%s is refused', (text) => {
    expect(parseRange(text)).toBeUndefined();
  });
});

describe('$GENERATE substitution (BIND 9 ARM)', () => {
  test.each([
    ['host-$', 7, 'host-7'],
    ['$.$', 7, '7.7'],
    ['no-dollar', 7, 'no-dollar'],
    ['\\$literal', 7, '\\$literal'], // the escape stays for the name parser: a literal "$"
    ['a\\.b$', 7, 'a\\.b7'],
    ['${0}', 7, '7'],
    ['${10}', 7, '17'],
    ['${-2}', 7, '5'],
    ['${0,3}', 7, '007'],
    ['${0,3,d}', 7, '007'],
    ['${0,3,o}', 8, '010'],
    ['${0,4,x}', 255, '00ff'],
    ['${0,4,X}', 255, '00FF'],
    ['${0,0,n}', 0x12, '2.1'],
    ['${0,5,n}', 0x12, '2.1.0'],
    ['${0,7,N}', 0xab, 'B.A.0.0'],
    ['${1,2,x}-$', 9, '0a-9'],
  ])('%s with %d', (template, value, expected) => {
    expect(substitute(template, value)).toBe(expected);
  });

  test.each(['${', '${x}', '${0,w}', '${0,2,z}', '${-10}'])('%s is refused', (template) => {
    expect(() => substitute(template, 5)).toThrow();
  });
});

const base = { file: 'gen.zone', origin: 'example.test', readInclude: () => '' };
const lines = (text: string) => {
  const result = parseZone(text, base);
  return { records: result.records.map((r) => formatRecord(r.rr).replaceAll('\t', ' ')), errors: result.errors.map((e) => `${e.code}@${e.line}:${e.column}`) };
};

describe('$GENERATE in a zone', () => {
  test.each([
    ['A records', '$TTL 60\n$GENERATE 1-3 host$ A 192.0.2.$', [
      'host1.example.test. 60 IN A 192.0.2.1', 'host2.example.test. 60 IN A 192.0.2.2', 'host3.example.test. 60 IN A 192.0.2.3',
    ]],
    ['a step, TTL and class', '$GENERATE 0-4/2 h${0,2} 300 IN A 192.0.2.$', [
      'h00.example.test. 300 IN A 192.0.2.0', 'h02.example.test. 300 IN A 192.0.2.2', 'h04.example.test. 300 IN A 192.0.2.4',
    ]],
    ['class then TTL', '$GENERATE 1-1 h$ IN 300 A 192.0.2.$', ['h1.example.test. 300 IN A 192.0.2.1']],
    ['classless reverse delegation (RFC 2317)', '$TTL 60\n$GENERATE 1-2 $ CNAME $.0/26.2.0.192.in-addr.arpa.', [
      '1.example.test. 60 IN CNAME 1.0/26.2.0.192.in-addr.arpa.', '2.example.test. 60 IN CNAME 2.0/26.2.0.192.in-addr.arpa.',
    ]],
    ['nibble owners', '$TTL 60\n$GENERATE 10-11 ${0,3,n} PTR host$', [
      'a.0.example.test. 60 IN PTR host10.example.test.', 'b.0.example.test. 60 IN PTR host11.example.test.',
    ]],
    ['several rdata tokens', '$TTL 60\n$GENERATE 1-2 m$ MX 10 mail$', ['m1.example.test. 60 IN MX 10 mail1.example.test.', 'm2.example.test. 60 IN MX 10 mail2.example.test.']],
    ['BIND\'s quoted rdata with blanks', '$TTL 60\n$GENERATE 1-1 m$ MX "10 mail$"', ['m1.example.test. 60 IN MX 10 mail1.example.test.']],
    ['an escaped dollar stays a dollar', '$TTL 60\n$GENERATE 1-1 t$ TXT price\\$$', ['t1.example.test. 60 IN TXT "price$1"']],
    ['follows the current $ORIGIN', '$TTL 60\n$ORIGIN sub.example.test.\n$GENERATE 1-1 h$ A 192.0.2.$', ['h1.sub.example.test. 60 IN A 192.0.2.1']],
  ])('%s', (_name, text, expected) => {
    expect(lines(text)).toEqual({ records: expected, errors: [] });
  });

  test.each([
    ['a bad range', '$GENERATE 5-1 h$ 60 A 192.0.2.$', ['BAD_DIRECTIVE@1:11']],
    ['too many records', '$GENERATE 0-65536 h$ 60 A 192.0.2.1', ['GENERATE_TOO_MANY@1:11']],
    ['too few arguments', '$GENERATE 1-2 h$ A', ['BAD_DIRECTIVE@1:1']],
    ['a bad modifier', '$GENERATE 1-2 h${0,x} 60 A 192.0.2.1', ['BAD_DIRECTIVE@1:1']],
    ['bad rdata is reported once', '$GENERATE 1-300 h$ 60 A 192.0.2.$', ['BAD_ADDRESS@1:25']],
    ['a bad type', '$GENERATE 1-2 h$ 60 BOGUS x', ['BAD_TYPE@1:21']],
  ])('%s', (_name, text, expected) => {
    expect(lines(text).errors).toEqual(expected);
  });

  test('values before a bad one still give records (the zone fails as a whole)', () => {
    const result = lines('$GENERATE 250-300 h$ 60 A 192.0.2.$');
    expect(result.records).toHaveLength(6);
    expect(result.errors).toEqual(['BAD_ADDRESS@1:27']);
  });
});
