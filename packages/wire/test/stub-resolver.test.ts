import { describe, expect, it } from 'vitest';
import { decodeNaptrRdata, encode, encodeStubQuery, messageId, type ClassName, type TypeName } from '../src/index.js';

describe('encodeStubQuery writes what encode() writes', () => {
  const base = { id: 0xbeef, type: 'A', class: 'IN', rd: true, cd: false, ednsPayload: 1232 as number | undefined, dnssecOk: false };
  it.each([
    ['plain name with EDNS', { name: 'example.test' }],
    ['mixed case (0x20)', { name: 'ExAmPlE.TeSt' }],
    ['root, NS, no EDNS', { name: '.', type: 'NS', ednsPayload: undefined }],
    ['RD off, CD on, DO on', { name: 'a.b.c', rd: false, cd: true, dnssecOk: true }],
    ['TYPE65 in CH', { name: 'x.test', type: 'TYPE65', class: 'CH' }],
    ['payload 65535', { name: 'x.test', ednsPayload: 65535 }],
  ])('%s', (_, over) => {
    const q = { ...base, ...over };
    const expected = encode({
      id: q.id,
      opcode: 0,
      flags: { rd: q.rd, cd: q.cd },
      questions: [{ name: q.name, type: q.type as TypeName, class: q.class as ClassName }],
      ...(q.ednsPayload !== undefined ? { edns: { version: 0, udpPayloadSize: q.ednsPayload, do: q.dnssecOk, flags: 0, options: [] } } : {}),
    });
    expect(Buffer.from(encodeStubQuery(q)!).toString('hex')).toBe(expected.toString('hex'));
  });
  it('leaves names with escapes to encode()', () => {
    expect(encodeStubQuery({ ...base, name: 'a\\.b.test' })).toBeUndefined();
  });
});

describe('messageId', () => {
  it.each([
    [[0xbe, 0xef, 0x81], 0xbeef],
    [[0, 1], 1],
    [[0xbe], undefined],
    [[], undefined],
  ])('%j', (octets, id) => {
    expect(messageId(Uint8Array.from(octets))).toBe(id);
  });
});

/** ORDER, PREFERENCE, FLAGS, SERVICES, REGEXP, REPLACEMENT (RFC 3403 §4.1). */
function naptr(order: number, pref: number, strings: string[], labels: string[]): Uint8Array {
  const parts = [order >> 8, order & 0xff, pref >> 8, pref & 0xff];
  for (const s of strings) parts.push(s.length, ...Buffer.from(s, 'latin1'));
  for (const l of labels) parts.push(l.length, ...Buffer.from(l, 'latin1'));
  parts.push(0);
  return Uint8Array.from(parts);
}

describe('decodeNaptrRdata', () => {
  it('reads RFC 3403 §6.2\'s first example', () => {
    const rdata = naptr(100, 10, ['u', 'E2U+sip', '!^.*$!sip:info@example.com!'], []);
    expect(decodeNaptrRdata(rdata)).toEqual({
      order: 100,
      preference: 10,
      flags: 'u',
      service: 'E2U+sip',
      regexp: '!^.*$!sip:info@example.com!',
      replacement: '.',
    });
  });
  it('reads a replacement name and latin1 octets', () => {
    const rdata = naptr(1, 2, ['S', 'SIP+D2U', '!^caf\u00e9$!!'], ['_sip', '_udp', 'example', 'com']);
    expect(decodeNaptrRdata(rdata)).toMatchObject({ order: 1, preference: 2, flags: 'S', regexp: '!^caf\u00e9$!!', replacement: '_sip._udp.example.com' });
  });
  it.each([
    ['shorter than ORDER and PREFERENCE', Uint8Array.from([0, 1, 0])],
    ['a character-string past the end', Uint8Array.from([0, 1, 0, 2, 5, 0x61])],
    ['no replacement', Uint8Array.from([0, 1, 0, 2, 0, 0, 0])],
    ['a replacement without its root label', Uint8Array.from([0, 1, 0, 2, 0, 0, 0, 1, 0x61])],
    ['octets after the replacement', Uint8Array.from([0, 1, 0, 2, 0, 0, 0, 0, 9])],
    ['a compression pointer in the replacement', Uint8Array.from([0, 1, 0, 2, 0, 0, 0, 0xc0, 0])],
    ['a replacement over 255 octets', naptr(1, 1, ['', '', ''], Array(5).fill('a'.repeat(63)))],
  ])('undefined for %s', (_, rdata) => {
    expect(decodeNaptrRdata(rdata)).toBeUndefined();
  });
});
