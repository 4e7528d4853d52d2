import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { decode, decodeHeader, encode, Rcode, WireError, type MessageInit, type ResourceRecord } from '@port53/wire';
import { a, ascii, full, hex, hostResponse, plain, toHex } from './wire-fixtures.js';

describe('sizes match NSD', () => {
  it('one A record for host1.example.test answers in 52 octets, byte for byte', () => {
    const bytes = encode(hostResponse(['192.0.2.1']));
    expect(bytes.length).toBe(52);
    expect(toHex(bytes)).toBe(
      plain(
        '1234 8400 0001 0001 0000 0000' + // id, QR AA, counts
          '05686f737431 076578616d706c65 0474657374 00 0001 0001' + // host1.example.test A IN
          'c00c 0001 0001 00000e10 0004 c0000201', // a pointer to the question's name
      ),
    );
  });

  it('five A records for the same name take 116 octets', () => {
    expect(encode(hostResponse(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'])).length).toBe(116);
  });
});

// Each record is the only answer, owned by rr.example.test (offsets 12..28), so rdata starts at 39
// and compressible names in it point at example.test (0x0f) or test (0x17).
const OWNER = 'rr.example.test';
const rdataRows: Array<[string, ResourceRecord, string]> = [
  ['A', { name: OWNER, type: 'A', class: 'IN', ttl: 300, data: '192.0.2.1' }, 'c0000201'],
  ['AAAA', { name: OWNER, type: 'AAAA', class: 'IN', ttl: 300, data: '2001:db8::1' }, '20010db8000000000000000000000001'],
  ['NS compressed', { name: OWNER, type: 'NS', class: 'IN', ttl: 300, data: 'ns1.example.test' }, '036e7331 c00f'],
  ['CNAME compressed to "test"', { name: OWNER, type: 'CNAME', class: 'IN', ttl: 300, data: 'target.other.test' }, '06746172676574 056f74686572 c017'],
  ['PTR all pointer', { name: OWNER, type: 'PTR', class: 'IN', ttl: 300, data: 'rr.example.test' }, 'c00c'],
  ['MX', { name: OWNER, type: 'MX', class: 'IN', ttl: 300, data: { preference: 10, exchange: 'mail.example.test' } }, '000a 046d61696c c00f'],
  [
    'SOA both names compressed',
    {
      name: OWNER, type: 'SOA', class: 'IN', ttl: 300,
      data: { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 },
    },
    '036e7331c00f 0a686f73746d6173746572c00f 78a3f17500001c2000000e10001275000000012c',
  ],
  ['TXT several strings, empty and binary', { name: OWNER, type: 'TXT', class: 'IN', ttl: 300, data: [ascii('v=spf1 -all'), new Uint8Array(0), hex('00ff22')] }, '0b763d73706631202d616c6c 00 0300ff22'],
  ['TXT one 255-octet string', { name: OWNER, type: 'TXT', class: 'IN', ttl: 300, data: [new Uint8Array(255).fill(0x61)] }, 'ff' + '61'.repeat(255)],
  ['SRV target never compressed', { name: OWNER, type: 'SRV', class: 'IN', ttl: 300, data: { priority: 0, weight: 5, port: 5060, target: 'sip.example.test' } }, '0000 0005 13c4 03736970 076578616d706c65 0474657374 00'],
  ['CAA', { name: OWNER, type: 'CAA', class: 'IN', ttl: 300, data: { flags: 128, tag: 'issue', value: ascii('ca.example.net') } }, '80 05 6973737565 63612e6578616d706c652e6e6574'],
  ['HINFO', { name: OWNER, type: 'HINFO', class: 'IN', ttl: 300, data: { cpu: ascii('INTEL-386'), os: ascii('Linux') } }, '09494e54454c2d333836 054c696e7578'],
  ['DS stays opaque (mnemonic, no typed form)', { name: OWNER, type: 'DS', class: 'IN', ttl: 300, data: hex('04d2 08 02 abcdef') }, '04d20802abcdef'],
  ['TYPE65280 opaque', { name: OWNER, type: 'TYPE65280', class: 'IN', ttl: 300, data: hex('deadbeef') }, 'deadbeef'],
  ['NULL with empty rdata', { name: OWNER, type: 'NULL', class: 'IN', ttl: 0, data: new Uint8Array(0) }, ''],
  ['DNAME opaque: its name is not compressed (RFC 3597 §4)', { name: OWNER, type: 'DNAME', class: 'IN', ttl: 300, data: hex('0474657374 00') }, '047465737400'],
  ['class CH', { name: OWNER, type: 'TXT', class: 'CH', ttl: 0, data: [ascii('port53')] }, '06706f72743533'],
  ['class CLASS42 and max TTL', { name: OWNER, type: 'A', class: 'CLASS42', ttl: 0xffffffff, data: '10.0.0.1' }, '0a000001'],
];

describe('typed and opaque rdata: exact bytes and round trip', () => {
  it.each(rdataRows)('%s', (_label, rr, rdataHex) => {
    const bytes = encode({ answers: [rr] });
    expect(toHex(bytes.subarray(37, 39))).toBe((plain(rdataHex).length / 2).toString(16).padStart(4, '0'));
    expect(toHex(bytes.subarray(39))).toBe(plain(rdataHex));
    expect(decode(bytes)).toEqual(full({ answers: [rr] }));
  });

  it('binary owner names (escaped dot, NUL and 0xff octets) keep every octet', () => {
    const name = 'a\\.b.\\000\\255x.Example.test';
    const rr: ResourceRecord = { name, type: 'CNAME', class: 'IN', ttl: 1, data: '\\000.example.test' };
    const bytes = encode({ questions: [{ name, type: 'CNAME', class: 'IN' }], answers: [rr] });
    expect(toHex(bytes.subarray(12, 12 + 22))).toBe(plain('03612e62 0300ff78 074578616d706c65 0474657374 00'));
    expect(decode(bytes)).toEqual(full({ questions: [{ name, type: 'CNAME', class: 'IN' }], answers: [rr] }));
  });

  it('decoded octets are copies, not views of the packet', () => {
    const bytes = encode({ answers: [rdataRows[13][1], rdataRows[7][1]] });
    const m = decode(bytes);
    bytes.fill(0x55, 12);
    expect(m.answers[0].data).toEqual(hex('deadbeef'));
    expect((m.answers[1].data as Uint8Array[])[0]).toEqual(ascii('v=spf1 -all'));
  });

  it('an absolute name with a final dot encodes like the name without it', () => {
    expect(encode({ answers: [a('host1.example.test.', '192.0.2.1')] })).toEqual(encode({ answers: [a('host1.example.test', '192.0.2.1')] }));
  });
});

describe('header', () => {
  it('writes opcode, every flag and the rcode in their bits (RFC 1035 §4.1.1)', () => {
    const m: MessageInit = {
      id: 0xbeef, opcode: 5, rcode: Rcode.NXDOMAIN,
      flags: { qr: true, aa: true, tc: true, rd: true, ra: true, z: true, ad: true, cd: true },
    };
    const bytes = encode(m);
    expect(toHex(bytes)).toBe(plain('beef aff3 0000 0000 0000 0000'));
    expect(decode(bytes)).toEqual(full(m));
  });

  it('decodeHeader reads the 12 octets alone, even when the body is garbage', () => {
    const bytes = hex('abcd 0120 0001 0002 0003 0004 ff');
    expect(decodeHeader(bytes)).toEqual({
      id: 0xabcd, opcode: 0, rcode: 0, qdcount: 1, ancount: 2, nscount: 3, arcount: 4,
      flags: { qr: false, aa: false, tc: false, rd: true, ra: false, z: false, ad: true, cd: false },
    });
    expect(() => decode(bytes)).toThrow(WireError);
  });

  it('decodeHeader throws TRUNCATED under 12 octets', () => {
    const err = catchWire(() => decodeHeader(new Uint8Array(11)));
    expect([err.code, err.offset]).toEqual(['TRUNCATED', 0]);
  });
});

describe('EDNS (RFC 6891)', () => {
  const edns = { version: 0, udpPayloadSize: 1232, do: true, flags: 0, options: [{ code: 10, data: hex('0102030405060708') }] };

  it('writes OPT last with root owner, payload size as class and DO in the TTL', () => {
    const bytes = encode({ id: 1, questions: [{ name: 'example.test', type: 'A', class: 'IN' }], edns });
    expect(toHex(bytes.subarray(bytes.length - 23))).toBe(plain('00 0029 04d0 00008000 000c 000a 0008 0102030405060708'));
    expect(bytes.readUInt16BE(10)).toBe(1);
    expect(decode(bytes).edns).toEqual(edns);
  });

  it.each([
    ['BADVERS', Rcode.BADVERS, '01000000'],
    ['BADCOOKIE', Rcode.BADCOOKIE, '01000000'],
    ['NXDOMAIN (no extended bits)', Rcode.NXDOMAIN, '00000000'],
    ['4095, the largest', 4095, 'ff000000'],
  ])('extended rcode %s round trips through header and OPT', (_n, rcode, _ttl) => {
    const m: MessageInit = { id: 9, flags: { qr: true }, rcode, edns: { ...edns, do: false, options: [] } };
    const bytes = encode(m);
    expect(bytes[3] & 0x0f).toBe(rcode & 0x0f);
    expect(bytes[12 + 5]).toBe(rcode >> 4); // the OPT TTL's first octet
    expect(decode(bytes)).toEqual(full(m));
  });

  it('BADVERS is 16: header rcode 0 and OPT extended rcode 1', () => {
    const bytes = encode({ rcode: Rcode.BADVERS, edns: { version: 0, udpPayloadSize: 512, do: false, flags: 0, options: [] } });
    expect(toHex(bytes)).toBe(plain('0000 0000 0000 0000 0000 0001 00 0029 0200 01000000 0000'));
  });

  it('rcode above 15 without edns is refused (it cannot be written)', () => {
    expect(catchWire(() => encode({ rcode: Rcode.BADCOOKIE })).code).toBe('BAD_OPT');
  });

  it('keeps version, the other flag bits and several options', () => {
    const m: MessageInit = { edns: { version: 1, udpPayloadSize: 4096, do: false, flags: 0x1234, options: [{ code: 3, data: new Uint8Array(0) }, { code: 12, data: new Uint8Array(5) }] } };
    expect(decode(encode(m))).toEqual(full(m));
  });
});

describe('decoding what others send', () => {
  it('unknown types become TYPEn, unknown classes CLASSn, with a copy of the rdata', () => {
    const bytes = hex('0000 8000 0000 0001 0000 0000 00 ff00 002a 00000001 0002 abcd');
    expect(decode(bytes).answers).toEqual([{ name: '.', type: 'TYPE65280', class: 'CLASS42', ttl: 1, data: hex('abcd') }]);
  });

  it('ignores octets after the last section', () => {
    const bytes = Buffer.concat([encode(hostResponse(['192.0.2.1'])), Buffer.from('trailing')]);
    expect(decode(bytes)).toEqual(full(hostResponse(['192.0.2.1'])));
  });

  it('keeps the case of names as received (0x20, RFC 4343)', () => {
    const m: MessageInit = { questions: [{ name: 'hOsT1.ExAmPlE.test', type: 'A', class: 'IN' }], answers: [a('hOsT1.ExAmPlE.test', '192.0.2.1')] };
    expect(decode(encode(m)).questions[0].name).toBe('hOsT1.ExAmPlE.test');
    expect(decode(encode(m)).answers[0].name).toBe('hOsT1.ExAmPlE.test');
  });

  it('accepts a compressed SRV target (liberal in what it accepts)', () => {
    // SRV target pointing at the owner name at offset 12.
    const bytes = hex('0000 8000 0000 0001 0000 0000 04 5f736970 00 0021 0001 00000001 0008 0001 0002 0003 c00c');
    expect(decode(bytes).answers[0]).toEqual({ name: '_sip', type: 'SRV', class: 'IN', ttl: 1, data: { priority: 1, weight: 2, port: 3, target: '_sip' } });
  });
});

describe('dns-packet as an independent oracle', () => {
  const response: MessageInit = {
    id: 7,
    flags: { qr: true, aa: true, rd: true },
    questions: [{ name: 'example.test', type: 'MX', class: 'IN' }],
    answers: [
      { name: 'example.test', type: 'MX', class: 'IN', ttl: 60, data: { preference: 10, exchange: 'mail.example.test' } },
      { name: 'example.test', type: 'TXT', class: 'IN', ttl: 60, data: [ascii('a'), ascii('bc')] },
    ],
    authorities: [
      { name: 'example.test', type: 'SOA', class: 'IN', ttl: 300, data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } },
    ],
    additionals: [
      { name: 'mail.example.test', type: 'AAAA', class: 'IN', ttl: 60, data: '2001:db8::25' },
      { name: '_x._tcp.example.test', type: 'SRV', class: 'IN', ttl: 60, data: { priority: 1, weight: 2, port: 25, target: 'mail.example.test' } },
    ],
    edns: { version: 0, udpPayloadSize: 1232, do: true, flags: 0, options: [] },
  };

  it('dns-packet decodes our compressed encoding to the same fields', () => {
    const theirs = dnsPacket.decode(encode(response));
    expect(theirs.id).toBe(7);
    expect([theirs.flag_qr, theirs.flag_aa, theirs.flag_rd, theirs.flag_tc]).toEqual([true, true, true, false]);
    expect(theirs.answers?.map((r) => [r.name, r.type, 'ttl' in r ? r.ttl : undefined, 'data' in r ? r.data : undefined])).toEqual([
      ['example.test', 'MX', 60, { preference: 10, exchange: 'mail.example.test' }],
      ['example.test', 'TXT', 60, [Buffer.from('a'), Buffer.from('bc')]],
    ]);
    expect(theirs.authorities?.[0]).toMatchObject({ name: 'example.test', type: 'SOA', data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, minimum: 5 } });
    expect(theirs.additionals?.map((r) => r.type)).toEqual(['AAAA', 'SRV', 'OPT']);
    expect(theirs.additionals?.[1]).toMatchObject({ data: { priority: 1, weight: 2, port: 25, target: 'mail.example.test' } });
    expect(theirs.additionals?.[2]).toMatchObject({ udpPayloadSize: 1232, flag_do: true });
  });

  it('we decode dns-packet\'s (uncompressed) encoding of the same message', () => {
    const bytes = dnsPacket.encode({
      type: 'response', id: 7, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED,
      questions: [{ name: 'example.test', type: 'MX', class: 'IN' }],
      answers: [
        { name: 'example.test', type: 'MX', class: 'IN', ttl: 60, data: { preference: 10, exchange: 'mail.example.test' } },
        { name: 'example.test', type: 'TXT', class: 'IN', ttl: 60, data: [Buffer.from('a'), Buffer.from('bc')] },
      ],
      authorities: [{ name: 'example.test', type: 'SOA', class: 'IN', ttl: 300, data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }],
      additionals: [
        { name: 'mail.example.test', type: 'AAAA', class: 'IN', ttl: 60, data: '2001:db8::25' },
        { name: '_x._tcp.example.test', type: 'SRV', class: 'IN', ttl: 60, data: { priority: 1, weight: 2, port: 25, target: 'mail.example.test' } },
        { name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] },
      ],
    });
    expect(encode(response).length).toBeLessThan(bytes.length); // theirs is not compressed
    expect(decode(bytes)).toEqual(full(response));
  });
});

describe('encode refuses what would be a corrupt packet', () => {
  const long = 'x'.repeat(64);
  const rows: Array<[string, MessageInit, string, number]> = [
    ['64-octet label in an owner', { answers: [a(`${long}.test`, '192.0.2.1')] }, 'LABEL_TOO_LONG', 12],
    ['256-octet name', { answers: [a(Array(64).fill('abc').join('.'), '192.0.2.1')] }, 'NAME_TOO_LONG', 12],
    ['64-octet escaped label', { questions: [{ name: '\\000'.repeat(64), type: 'A', class: 'IN' }] }, 'LABEL_TOO_LONG', 12],
    ['empty label', { questions: [{ name: 'a..test', type: 'A', class: 'IN' }] }, 'BAD_NAME', 12],
    ['TXT string of 256 octets', { answers: [{ name: 'x', type: 'TXT', class: 'IN', ttl: 0, data: [ascii('ok'), new Uint8Array(256)] }] }, 'BAD_RDATA', 28],
    ['HINFO string of 256 octets', { answers: [{ name: 'x', type: 'HINFO', class: 'IN', ttl: 0, data: { cpu: new Uint8Array(256), os: new Uint8Array(0) } }] }, 'BAD_RDATA', 25],
    ['TXT rdata over 65535 octets', { answers: [{ name: 'x', type: 'TXT', class: 'IN', ttl: 0, data: Array(258).fill(new Uint8Array(255)) }] }, 'BAD_RDATA', 25],
    ['CAA empty tag', { answers: [{ name: 'x', type: 'CAA', class: 'IN', ttl: 0, data: { flags: 0, tag: '', value: new Uint8Array(0) } }] }, 'BAD_RDATA', 25],
    ['CAA tag with a dash', { answers: [{ name: 'x', type: 'CAA', class: 'IN', ttl: 0, data: { flags: 0, tag: 'is-sue', value: new Uint8Array(0) } }] }, 'BAD_RDATA', 25],
    ['CAA tag of 256 letters', { answers: [{ name: 'x', type: 'CAA', class: 'IN', ttl: 0, data: { flags: 0, tag: 'a'.repeat(256), value: new Uint8Array(0) } }] }, 'BAD_RDATA', 25],
    ['opaque rdata over 65535 octets', { answers: [{ name: 'x', type: 'TYPE999', class: 'IN', ttl: 0, data: new Uint8Array(65536) }] }, 'BAD_RDATA', 25],
    ...['192.0.2', '01.2.3.4', '1.2.3.4.5', '256.1.1.1', '1..2.3', '', ' 1.2.3.4', '1.2.3.4.', '1.2.3.-4'].map(
      (text): [string, MessageInit, string, number] => [`A "${text}" is not an address`, { answers: [a('x', text)] }, 'BAD_RDATA', 25],
    ),
    ['AAAA that is not an address', { answers: [{ name: 'x', type: 'AAAA', class: 'IN', ttl: 0, data: '2001:db8::g' }] }, 'BAD_RDATA', 25],
    ['MX preference over 65535', { answers: [{ name: 'x', type: 'MX', class: 'IN', ttl: 0, data: { preference: 65536, exchange: 'x' } }] }, 'BAD_RDATA', 25],
    ['negative TTL', { answers: [a('x', '192.0.2.1', -1)] }, 'BAD_RDATA', 19],
    ['unknown type mnemonic', { answers: [{ name: 'x', type: 'BOGUS' as 'DS', class: 'IN', ttl: 0, data: new Uint8Array(0) }] }, 'BAD_FIELD', 12],
    ['OPT inside a section', { additionals: [{ name: '.', type: 'OPT' as 'DS', class: 'IN', ttl: 0, data: new Uint8Array(0) }] }, 'BAD_OPT', 12],
    ['EDNS flags overlapping DO', { edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0x8000, options: [] } }, 'BAD_OPT', 0],
    ['id over 16 bits', { id: 65536 }, 'BAD_FIELD', 0],
    ['OPT and question over 65535 octets', { questions: [{ name: 'x', type: 'A', class: 'IN' }], edns: { version: 0, udpPayloadSize: 512, do: false, flags: 0, options: [{ code: 1, data: new Uint8Array(65520) }] } }, 'TOO_LARGE', 19],
  ];
  it.each(rows)('%s', (_label, m, code, offset) => {
    const err = catchWire(() => encode(m));
    expect([err.code, err.offset]).toEqual([code, offset]);
  });
});

function catchWire(f: () => unknown): WireError {
  try {
    f();
  } catch (e) {
    if (e instanceof WireError) return e;
    throw e;
  }
  throw new Error('expected a WireError');
}
