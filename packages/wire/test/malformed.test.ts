import { describe, expect, it } from 'vitest';
import { decode, WireError, type WireErrorCode } from '@port53/wire';
import { hex } from './wire-fixtures.js';

/** A header with these counts (id 0, a response). */
const header = (qd: number, an = 0, ns = 0, ar = 0): string =>
  [0, 0x8000, qd, an, ns, ar].map((n) => n.toString(16).padStart(4, '0')).join('');
/** A record owned by the root (starting at 12 when first: type at 13, rdlength at 21, rdata at 23). */
const rr = (type: string, rdata: string, rdlength = rdata.replace(/\s+/g, '').length / 2): string =>
  `00 ${type} 0001 00000000 ${rdlength.toString(16).padStart(4, '0')} ${rdata}`;
const label = (octet: string, n: number): string => `${n.toString(16).padStart(2, '0')}${octet.repeat(n)}`;

/** Opaque rdata (type 999) holding a root at 23 and `n` pointers, each to the one before. */
function pointerChain(n: number): string {
  let chain = '00';
  for (let k = 0; k < n; k++) chain += (0xc000 | (k === 0 ? 23 : 24 + 2 * (k - 1))).toString(16);
  const last = 24 + 2 * (n - 1);
  return header(0, 2) + rr('03e7', chain) + `${(0xc000 | last).toString(16)} 03e7 0001 00000000 0000`;
}

const rows: Array<[string, string | Uint8Array, WireErrorCode, number]> = [
  ['empty packet', '', 'TRUNCATED', 0],
  ...Array.from({ length: 11 }, (_, i): [string, Uint8Array, WireErrorCode, number] => [`${i + 1}-octet packet`, new Uint8Array(i + 1).fill(0xff), 'TRUNCATED', 0]),
  ['question count beyond the data', header(1), 'BAD_COUNT', 12],
  ['answer count beyond the data', header(0, 2) + rr('0001', 'c0000201'), 'BAD_COUNT', 27],
  ['additional count beyond the data', header(0, 0, 0, 1), 'BAD_COUNT', 12],
  ['question without type and class', header(1) + '00 0001', 'TRUNCATED', 13],
  ['record without its fixed fields', header(0, 1) + '00 0001 0001 0000', 'TRUNCATED', 13],
  ['rdlength beyond the data', header(0, 1) + rr('0001', 'c0000201', 10), 'TRUNCATED', 23],
  ['label beyond the data', header(1) + '05 6162', 'TRUNCATED', 12],
  ['name without its root label', header(1) + '01 61', 'TRUNCATED', 14],
  ['half a pointer', header(1) + 'c0', 'TRUNCATED', 12],
  ['pointer to itself', header(1) + 'c00c 0001 0001', 'BAD_POINTER', 12],
  ['forward pointer', header(1) + 'c00e 00 0001 0001', 'BAD_POINTER', 12],
  ['pointer loop through a label back to its start', header(1) + '0161 c00c 0001 0001', 'BAD_POINTER', 14],
  ['pointer into the same name', header(1) + '0161 0162 c00e 0001 0001', 'BAD_POINTER', 16],
  ['pointer loop between two names', header(2) + '00 0001 0001 0161 c013 0001 0001', 'BAD_POINTER', 19],
  ['pointer into the header', header(1) + 'c002 0001 0001', 'BAD_POINTER', 12],
  ['128 backward pointer hops (the 128th is the first pointer)', pointerChain(127), 'POINTER_LOOP', 24],
  ['64-octet label (its length octet is label type 0b01)', header(1) + label('61', 64) + '00 0001 0001', 'BAD_LABEL_TYPE', 12],
  ['label type 0x40', header(1) + '41 00 0001 0001', 'BAD_LABEL_TYPE', 12],
  ['label type 0x80', header(1) + '0161 80 00 0001 0001', 'BAD_LABEL_TYPE', 14],
  ['256-octet name in place', header(1) + label('61', 63).repeat(3) + label('62', 62) + '00 0001 0001', 'NAME_TOO_LONG', 12 + 3 * 64],
  ['256-octet name via a pointer', header(2) + label('61', 63) + label('62', 63) + '00 0001 0001' + label('63', 63) + label('64', 63) + 'c00c 0001 0001', 'NAME_TOO_LONG', 12 + 64],
  ['A with rdlength 3', header(0, 1) + rr('0001', 'c00002'), 'BAD_RDATA', 23],
  ['A with rdlength 5', header(0, 1) + rr('0001', 'c000020101'), 'BAD_RDATA', 23],
  ['AAAA with rdlength 4', header(0, 1) + rr('001c', 'c0000201'), 'BAD_RDATA', 23],
  ['MX with rdlength 1', header(0, 1) + rr('000f', '00'), 'BAD_RDATA', 23],
  ['MX name ending before its rdlength', header(0, 1) + rr('000f', '000a 00 ffff'), 'BAD_RDATA', 26],
  ['MX name running past its rdlength', header(0, 1) + rr('000f', '000a 0161 00', 4) + '00', 'BAD_RDATA', 27],
  ['NS name running past its rdlength', header(0, 1) + rr('0002', '0161 00', 2), 'BAD_RDATA', 25],
  ['CNAME with empty rdata', header(0, 1) + rr('0005', ''), 'BAD_RDATA', 23],
  ['SOA without its numbers', header(0, 1) + rr('0006', '00 00 00000001'), 'BAD_RDATA', 25],
  ['SRV without a target', header(0, 1) + rr('0021', '0001 0002 0003'), 'BAD_RDATA', 29],
  ['TXT string past its rdata', header(0, 1) + rr('0010', '03 6162'), 'BAD_RDATA', 23],
  ['HINFO with one string', header(0, 1) + rr('000d', '03 616263'), 'BAD_RDATA', 27],
  ['CAA with an empty tag', header(0, 1) + rr('0101', '00 00 6162'), 'BAD_RDATA', 25],
  ['CAA tag that is not alphanumeric', header(0, 1) + rr('0101', '00 02 2d2d'), 'BAD_RDATA', 25],
  ['CAA tag past its rdata', header(0, 1) + rr('0101', '00 09 6162'), 'BAD_RDATA', 24],
  // Types kept as octets must fit their layout in the type table (issue 11 §4).
  ['DS without its digest type', header(0, 1) + rr('002b', 'ec45 05'), 'BAD_RDATA', 23],
  ['DNSKEY of 3 octets', header(0, 1) + rr('0030', '0101 03'), 'BAD_RDATA', 23],
  ['RRSIG cut inside its fixed fields', header(0, 1) + rr('002e', '0001 0d 02 00000e10'), 'BAD_RDATA', 31],
  ['RRSIG signer running past its rdata', header(0, 1) + rr('002e', '0001 0d 02 00000e10 70000000 60000000 0001 0561'), 'BAD_RDATA', 41],
  ['RRSIG signer with a forward pointer', header(0, 1) + rr('002e', '0001 0d 02 00000e10 70000000 60000000 0001 c0ff 00'), 'BAD_POINTER', 41],
  ['NSEC bit map window of 0 octets', header(0, 1) + rr('002f', '00 0000'), 'BAD_RDATA', 24],
  ['NSEC bit map window of 33 octets', header(0, 1) + rr('002f', `00 0021 ${'ff'.repeat(33)}`), 'BAD_RDATA', 24],
  ['NSEC bit map with a trailing zero octet', header(0, 1) + rr('002f', '00 0002 4000'), 'BAD_RDATA', 24],
  ['NSEC bit map windows out of order', header(0, 1) + rr('002f', '00 0101 40 0001 40'), 'BAD_RDATA', 24],
  ['NSEC3 next hashed owner of 0 octets', header(0, 1) + rr('0032', '01 00 0000 00 00'), 'BAD_RDATA', 23],
  ['NSEC3 salt past its rdata', header(0, 1) + rr('0032', '01 00 0000 08 aabb'), 'BAD_RDATA', 23],
  ['NSEC3PARAM with octets left over', header(0, 1) + rr('0033', '01 00 0000 00 ff'), 'BAD_RDATA', 23],
  ['SVCB keys out of order', header(0, 1) + rr('0040', '0001 00 0003 0002 01bb 0001 0003 026833'), 'BAD_RDATA', 26],
  ['SVCB key given twice', header(0, 1) + rr('0040', '0001 00 0003 0002 01bb 0003 0002 01bb'), 'BAD_RDATA', 26],
  ['SVCB value past its rdata', header(0, 1) + rr('0041', '0001 00 0003 0004 01bb'), 'BAD_RDATA', 26],
  ['SVCB target running past its rdata', header(0, 1) + rr('0040', '0001 0361'), 'BAD_RDATA', 25],
  ['LOC version 0 of 15 octets', header(0, 1) + rr('001d', `00 12 16 13 ${'80000000'.repeat(2)} 009896`), 'BAD_RDATA', 23],
  ['APL item past its rdata', header(0, 1) + rr('002a', '0001 18 04 c000'), 'BAD_RDATA', 23],
  ['IPSECKEY gateway type 4', header(0, 1) + rr('002d', '0a 04 02 c0000226'), 'BAD_RDATA', 23],
  ['IPSECKEY IPv6 gateway cut short', header(0, 1) + rr('002d', '0a 02 02 20010db8'), 'BAD_RDATA', 23],
  ['HIP public key past its rdata', header(0, 1) + rr('0037', '02 02 0010 aabb ccdd'), 'BAD_RDATA', 23],
  ['EUI48 of 5 octets', header(0, 1) + rr('006c', '00005e0053'), 'BAD_RDATA', 23],
  ['EUI64 of 9 octets', header(0, 1) + rr('006d', '00005eef100000002a00'), 'BAD_RDATA', 23],
  ['AMTRELAY relay type 4', header(0, 1) + rr('0104', '0a 04 cb00710f'), 'BAD_RDATA', 23],
  ['A6 prefix length 129', header(0, 1) + rr('0026', '81 00'), 'BAD_RDATA', 24],
  ['MINFO with one name', header(0, 1) + rr('000e', '0161 00'), 'BAD_RDATA', 26],
  ['DNAME name with octets after it', header(0, 1) + rr('0027', '00 00'), 'BAD_RDATA', 24],
  ['NAPTR cut before its replacement', header(0, 1) + rr('0023', '0064 000a 0153 00 00'), 'BAD_RDATA', 31],
  ['ZONEMD without a digest', header(0, 1) + rr('003f', '78563412 01'), 'BAD_RDATA', 23],
  ['OPT in the answer section', header(0, 1) + rr('0029', ''), 'BAD_OPT', 12],
  ['two OPT records', header(0, 0, 0, 2) + rr('0029', '') + rr('0029', ''), 'BAD_OPT', 23],
  ['OPT owner not the root', header(0, 0, 0, 1) + '0161 00 0029 0200 00000000 0000', 'BAD_OPT', 12],
  ['OPT option past the rdata', header(0, 0, 0, 1) + rr('0029', '000a 0008 0102'), 'BAD_OPT', 23],
  ['OPT option header cut short', header(0, 0, 0, 1) + rr('0029', '000a 00'), 'BAD_OPT', 23],
];

describe('malformed packets throw WireError with a code and the offset', () => {
  it.each(rows)('%s', (_label, packet, code, offset) => {
    const bytes = typeof packet === 'string' ? hex(packet) : packet;
    let error: unknown;
    try {
      decode(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WireError);
    const { code: got, offset: at } = error as WireError;
    expect({ code: got, offset: at }).toEqual({ code, offset });
  });

  it('127 backward pointer hops are still a name (the most a 255-octet name needs)', () => {
    expect(decode(hex(pointerChain(126))).answers[1].name).toBe('.');
  });

  it('a 255-octet name is accepted', () => {
    const name = label('61', 63).repeat(3) + label('62', 61) + '00';
    expect(decode(hex(header(1) + name + '0001 0001')).questions[0].name).toHaveLength(63 * 3 + 61 + 3);
  });
});
