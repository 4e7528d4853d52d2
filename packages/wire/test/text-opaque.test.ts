// Presentation form of the types kept as raw octets (OpaqueRecord): DS, DNSKEY, TLSA, NAPTR, ...
import { describe, expect, test } from 'vitest';
import { TextError, decode, encode, formatRdata, parseRdata, tokenize, type ResourceRecord, type TypeName } from '@port53/wire';
import { expectTextError } from './wire-fixtures.js';

const origin = 'example.test';
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');
/** A <character-string>: its length octet, then the octets. */
const cs = (s: string) => Buffer.from(s, 'latin1').length.toString(16).padStart(2, '0') + ascii(s);
/** A name in wire form, uncompressed: labels as written, case kept. */
const wireName = (...labels: string[]) => labels.map(cs).join('') + '00';

const ED25519 = 'l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4='; // RFC 8080 §6.1
const ED25519_HEX = '974d96a22d224bc01adb915091477d44ccd91c9a41a11430010117d52c59240e';
const SHA256 = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';

// type, text as written (origin example.test), rdata octets, text as printed (dig style)
const rows: [TypeName, string, string, string][] = [
  // RFC 4034 §5.4's example, digest split over two tokens.
  ['DS', '60485 5 1 ( 2BB183AF5F22588179A53B0A 98631FAD1A292118 )', 'ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'],
  ['DS', `12345 13 2 ${SHA256.toLowerCase()}`, `3039 0d 02 ${SHA256}`, `12345 13 2 ${SHA256}`],
  ['CDS', '0 0 0 00', '0000 00 00 00', '0 0 0 00'], // RFC 8078 §4: delete the DS RRset
  ['DNSKEY', `257 3 15 ${ED25519}`, `0101 03 0f ${ED25519_HEX}`, `257 3 15 ${ED25519}`],
  ['DNSKEY', `256 3 15 ( ${ED25519.slice(0, 16)} ${ED25519.slice(16)} )`, `0100 03 0f ${ED25519_HEX}`, `256 3 15 ${ED25519}`],
  ['CDNSKEY', '0 3 0 AA==', '0000 03 00 00', '0 3 0 AA=='], // RFC 8078 §4: delete the DNSKEY RRset
  ['DNAME', 'new.example.net.', wireName('new', 'example', 'net'), 'new.example.net.'],
  ['DNAME', 'Target', wireName('Target', 'example', 'test'), 'Target.example.test.'],
  ['DNAME', '@', wireName('example', 'test'), 'example.test.'],
  ['SPF', '"v=spf1 -all"', `${cs('v=spf1 -all')}`, '"v=spf1 -all"'],
  ['SPF', 'v=spf1 "a\\"b" "\\255"', `${cs('v=spf1')} ${cs('a"b')} 01ff`, '"v=spf1" "a\\"b" "\\255"'],
  ['SSHFP', `4 2 ${SHA256}`, `04 02 ${SHA256}`, `4 2 ${SHA256}`],
  ['SSHFP', '1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac', '01 01 dd465c09cfa51fb45020cc83316fff21b9ec74ac', '1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC'],
  ['TLSA', `3 1 1 ( ${SHA256.slice(0, 32)}\n ${SHA256.slice(32)} )`, `03 01 01 ${SHA256}`, `3 1 1 ${SHA256}`],
  ['SMIMEA', '3 0 0 AB', '03 00 00 ab', '3 0 0 AB'],
  [
    'NAPTR',
    '100 10 "S" "SIP+D2U" "" _sip._udp',
    `0064 000a ${cs('S')} ${cs('SIP+D2U')} 00 ${wireName('_sip', '_udp', 'example', 'test')}`,
    '100 10 "S" "SIP+D2U" "" _sip._udp.example.test.',
  ],
  // RFC 3403 §6.2: the regexp's backslashes are escaped in the zone file.
  [
    'NAPTR',
    '100 10 "" "" "!^urn:cid:.+@([^\\\\.]+\\\\.)(.*)$!\\\\2!i" .',
    `0064 000a 00 00 ${cs('!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i')} 00`,
    '100 10 "" "" "!^urn:cid:.+@([^\\\\.]+\\\\.)(.*)$!\\\\2!i" .',
  ],
  ['NAPTR', '10 0 u E2U+sip "!^.*$!sip:info@example.test!" .', `000a 0000 ${cs('u')} ${cs('E2U+sip')} ${cs('!^.*$!sip:info@example.test!')} 00`, '10 0 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .'],
  ['URI', '10 1 "ftp://ftp1.example.com/public"', `000a 0001 ${ascii('ftp://ftp1.example.com/public')}`, '10 1 "ftp://ftp1.example.com/public"'],
  ['URI', '1 0 "say \\"hi\\""', `0001 0000 ${ascii('say "hi"')}`, '1 0 "say \\"hi\\""'],
  ['URI', '1 0 ""', '0001 0000', '1 0 ""'],
  ['RP', 'louie.trantor.umd.edu. LAM1.people.umd.edu.', wireName('louie', 'trantor', 'umd', 'edu') + wireName('LAM1', 'people', 'umd', 'edu'), 'louie.trantor.umd.edu. LAM1.people.umd.edu.'],
  ['RP', 'admin .', wireName('admin', 'example', 'test') + '00', 'admin.example.test. .'],
  ['AFSDB', '1 afs-db1', `0001 ${wireName('afs-db1', 'example', 'test')}`, '1 afs-db1.example.test.'],
  ['KX', '10 kx.example.net.', `000a ${wireName('kx', 'example', 'net')}`, '10 kx.example.net.'],
  ['OPENPGPKEY', '( mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl\n Am9K )', '99020d0458adda3b011000eb6e5e6f8d5c587801348342036020691e2aefd528e5026f4a', 'mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1SjlAm9K'],
  ['DHCID', 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=', '000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40', 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA='], // RFC 4701 §3.6
];

describe('presentation form of opaque types: text → octets → text', () => {
  test.each(rows)('%s %s', (type, text, octets, printed) => {
    const data = parseRdata(type, tokenize(text), origin);
    expect(data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(data as Uint8Array).toString('hex')).toBe(Buffer.from(hex(octets)).toString('hex'));
    expect(formatRdata({ type, data } as ResourceRecord)).toBe(printed);
    // What we print reads back to the same octets (its names are absolute: no origin needed).
    expect(parseRdata(type, tokenize(printed))).toEqual(data);
  });

  test.each(rows)('%s in RFC 3597 form reads as the same octets and prints in its own form', (type, _text, octets, printed) => {
    const bytes = hex(octets);
    const generic = `\\# ${bytes.length} ${Buffer.from(bytes).toString('hex')}`;
    expect(parseRdata(type, tokenize(generic))).toEqual(bytes);
    expect(formatRdata({ type, data: bytes } as ResourceRecord)).toBe(printed);
  });

  test('the octets go on the wire as they are and come back the same', () => {
    for (const [type, text] of rows) {
      const data = parseRdata(type, tokenize(text), origin);
      const rr = { name: 'x.example.test', type, class: 'IN', ttl: 60, data } as ResourceRecord;
      const back = decode(encode({ id: 1, answers: [rr] })).answers[0];
      expect(back.type).toBe(type);
      expect(formatRdata(back)).toBe(formatRdata(rr));
    }
  });
});

describe('octets that do not fit the layout print in RFC 3597 form', () => {
  test.each([
    ['DS', '0a000001', 'no digest'],
    ['TLSA', '030101', 'no association data'],
  ] as const)('%s %s (%s) loads as written, as NSD loads it', (type, octets, _why) => {
    const data = hex(octets);
    const text = formatRdata({ type, data } as ResourceRecord);
    expect(text).toBe(`\\# ${data.length} ${octets.toUpperCase()}`);
    expect(parseRdata(type, tokenize(text))).toEqual(data);
  });

  // NSD and BIND refuse them in a zone file too; built through the API, they still print.
  test.each([
    ['DNSKEY', '010103', 'no algorithm nor key'],
    ['NAPTR', '0001', 'cut short'],
    ['DNAME', '0378797a', 'a name without its root label'],
    ['DNAME', 'c00c', 'a compression pointer (meaningless outside its packet)'],
    ['DNAME', '0000', 'octets after the name'],
    ['RP', wireName('a'), 'one name of two'],
    ['SPF', '05616263', 'a string running past the rdata'],
    ['KX', '00', 'a preference cut short'],
    ['URI', '000a00', 'a weight cut short'],
  ] as const)('%s %s (%s)', (type, octets, _why) => {
    const data = hex(octets);
    const text = formatRdata({ type, data } as ResourceRecord);
    expect(text).toBe(`\\# ${data.length} ${octets.toUpperCase()}`);
    expectTextError(() => parseRdata(type, tokenize(text)), 'BAD_RDATA', 2);
  });
});

describe('TXT and SPF need at least one character-string (RFC 1035 §3.3.14)', () => {
  test.each(['TXT', 'SPF'] as const)('%s \\# 0 is refused', (type) => {
    expectTextError(() => parseRdata(type, tokenize('\\# 0')), 'BAD_RDATA', 1);
  });

  test('an empty TXT received from the wire still decodes, and prints in RFC 3597 form', () => {
    const packet = encode({ id: 1, answers: [{ name: 'x', type: 'TYPE16', class: 'IN', ttl: 0, data: new Uint8Array(0) }] });
    const rr = decode(packet).answers[0];
    expect(rr).toMatchObject({ type: 'TXT', data: [] });
    expect(formatRdata(rr)).toBe('\\# 0');
  });
});

describe('errors name the offending token', () => {
  test.each([
    ['DS', '12345 8 2 XYZ0', 'BAD_RDATA', 3],
    ['DS', '12345 8 2 ABC', 'BAD_RDATA', 3], // odd number of hex digits
    ['DS', '12345 8 2 AB C', 'BAD_RDATA', 4],
    ['DS', '12345 8 2 AB "C D"', 'BAD_RDATA', 4],
    ['DS', '12345 8 2', 'MISSING_FIELD', 3],
    ['DS', '65536 8 2 AB', 'BAD_NUMBER', 0],
    ['DS', '1 256 2 AB', 'BAD_NUMBER', 1],
    ['DS', '1 -1 2 AB', 'BAD_NUMBER', 1],
    ['CDS', '1 8 x AB', 'BAD_NUMBER', 2],
    ['DNSKEY', '257 3 13 abc!', 'BAD_RDATA', 3],
    ['DNSKEY', '257 3 13 AAA', 'BAD_RDATA', 3], // not a multiple of four characters
    ['DNSKEY', '257 3 13 AA== AA==', 'BAD_RDATA', 4], // padding inside
    ['DNSKEY', '257 3 13 AB==', 'BAD_RDATA', 3], // bits left over: not canonical (RFC 4648 §3.5)
    ['DNSKEY', '257 3 13 ====', 'BAD_RDATA', 3],
    ['DNSKEY', '257 3', 'MISSING_FIELD', 2],
    ['CDNSKEY', '65536 3 13 AA==', 'BAD_NUMBER', 0],
    ['SSHFP', '1 1', 'MISSING_FIELD', 2],
    ['SSHFP', '1 1 A BC', 'BAD_RDATA', 3],
    ['TLSA', '3 1 256 AB', 'BAD_NUMBER', 2],
    ['SMIMEA', '3 x 1 AB', 'BAD_NUMBER', 1],
    ['NAPTR', '100 10 "S" "SIP+D2U" ""', 'MISSING_FIELD', 5],
    ['NAPTR', '100 10 "S" "SIP+D2U" "" a..b', 'BAD_NAME', 5],
    ['NAPTR', '100 10 "S" "SIP+D2U" "" . extra', 'EXTRA_FIELD', 6],
    ['NAPTR', `100 10 "S" "${'x'.repeat(256)}" "" .`, 'STRING_TOO_LONG', 3],
    ['NAPTR', '100 65536 "S" "SIP+D2U" "" .', 'BAD_NUMBER', 1],
    ['URI', '10 1 "a" "b"', 'EXTRA_FIELD', 3],
    ['URI', '10', 'MISSING_FIELD', 1],
    ['URI', '10 1 "bad \\25"', 'BAD_ESCAPE', 2],
    ['DNAME', '', 'MISSING_FIELD', 0],
    ['DNAME', `${'x'.repeat(64)}.test.`, 'LABEL_TOO_LONG', 0],
    ['DNAME', 'a b', 'EXTRA_FIELD', 1],
    ['SPF', '"ok" "bad \\25"', 'BAD_ESCAPE', 1],
    ['RP', 'mbox', 'MISSING_FIELD', 1],
    ['AFSDB', '65536 host', 'BAD_NUMBER', 0],
    ['KX', '10 a b', 'EXTRA_FIELD', 2],
    ['OPENPGPKEY', '', 'MISSING_FIELD', 0],
  ] as const)('%s %s → %s at token %s', (type, text, code, token) => {
    expectTextError(() => parseRdata(type, tokenize(text), origin), code, token);
  });

  test('rdata over 65535 octets is refused at its last token', () => {
    const text = `1 1 1 ${'ab'.repeat(40_000)} ${'cd'.repeat(30_000)}`;
    expectTextError(() => parseRdata('TLSA', tokenize(text)), 'BAD_RDATA', 4);
    expect(parseRdata('TLSA', tokenize(`1 1 1 ${'ab'.repeat(0xffff - 3)}`))).toHaveLength(0xffff);
  });
});
