// The type table's answers to the server, the resolver and DNSSEC: names in rdata, the canonical
// form (RFC 4034 §6.2, RFC 6840 §5.1), compression and decompression by type.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  additionalNames, canonicalRdata, decode, describedTypes, encode, formatRdata, parseRdata, rdataNames, rdataToWire, tokenize,
  typeCompressesNames, typeDescriptor, typeHasNames, WireError, type ResourceRecord, type TypeName,
} from '@port53/wire';
import { decodeUnguarded } from '../src/message.js';
import { RDATA_SAMPLES } from './rdata-samples.js';
import { hex, toHex } from './wire-fixtures.js';

const record = (type: TypeName, text: string): Pick<ResourceRecord, 'type' | 'data'> =>
  ({ type, data: parseRdata(type, tokenize(text), 'example.test') }) as ResourceRecord;

describe('which types hold names', () => {
  test.each([
    ['A', false], ['AAAA', false], ['TXT', false], ['DS', false], ['DNSKEY', false], ['TLSA', false], ['CAA', false], ['LOC', false],
    ['NS', true], ['MX', true], ['SOA', true], ['SRV', true], ['NAPTR', true], ['RRSIG', true], ['NSEC', true], ['HIP', true],
    ['IPSECKEY', true], ['AMTRELAY', true], ['SVCB', true], ['HTTPS', true], ['MINFO', true], ['TYPE65280', false],
  ] as const)('%s: %s', (type, names) => {
    expect(typeHasNames(type)).toBe(names);
    expect(typeHasNames(typeDescriptor(type)?.type ?? 65280)).toBe(names);
  });

  test('only RFC 1035 types compress their names (RFC 3597 §4)', () => {
    const compressing = describedTypes().filter((d) => d.compressesNames).map((d) => d.mnemonic);
    expect(compressing).toEqual(['NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'PTR', 'MINFO', 'MX']);
    expect(typeCompressesNames('SRV')).toBe(false);
  });
});

describe('the names of an rdata', () => {
  test.each([
    ['MX', '10 Mail', ['Mail.example.test'], ['Mail.example.test']],
    ['SOA', 'ns1 hostmaster 1 2 3 4 5', ['ns1.example.test', 'hostmaster.example.test'], []],
    ['CNAME', 'target', ['target.example.test'], []],
    ['SRV', '0 5 5060 sip', ['sip.example.test'], ['sip.example.test']],
    ['NAPTR', '100 10 "S" "SIP+D2U" "" _sip._udp', ['_sip._udp.example.test'], []],
    ['RRSIG', 'A 13 2 300 20260101000000 20250101000000 1 example.test. AA==', ['example.test'], []],
    ['NSEC', 'next A', ['next.example.test'], []],
    ['HIP', '2 200100107B1A74DF365639CC39F1D578 AwEAAQ== rvs1 rvs2.example.net.', ['rvs1.example.test', 'rvs2.example.net'], []],
    ['IPSECKEY', '10 3 2 gw.example.net. AQNR', ['gw.example.net'], []],
    ['AMTRELAY', '128 1 3 relay', ['relay.example.test'], []],
    ['SVCB', '1 svc.example.net. alpn=h2', ['svc.example.net'], ['svc.example.net']],
    ['HTTPS', '1 . alpn=h2', ['.'], ['.']],
    ['KX', '10 kx', ['kx.example.test'], ['kx.example.test']],
    ['A6', '64 ::1 prefix', ['prefix.example.test'], []],
    ['A6', '0 2001:db8::1', [], []],
    ['A', '192.0.2.1', [], []],
  ] as const)('%s %s', (type, text, names, additional) => {
    const rr = record(type, text);
    expect(rdataNames(rr)).toEqual(names);
    expect(additionalNames(rr)).toEqual(additional);
  });
});

describe('canonical rdata (RFC 4034 §6.2)', () => {
  const hexOf = (type: TypeName, text: string) => toHex(canonicalRdata(record(type, text)));
  test('names of the listed types are lower-cased, uncompressed', () => {
    expect(hexOf('MX', '10 Mail.Example.TEST.')).toBe('000a046d61696c076578616d706c650474657374' + '00');
    expect(hexOf('SOA', 'NS1.X. Host.X. 1 2 3 4 5')).toBe('036e733101780004686f73740178000000000100000002000000030000000400000005');
    expect(hexOf('RRSIG', 'A 13 2 300 20260101000000 20250101000000 1 Example.TEST. AA==')).toContain('076578616d706c65047465737400');
    expect(hexOf('SRV', '0 0 1 SIP.X.')).toBe('000000000001037369700178' + '00');
  });

  test('NSEC names keep their case (RFC 6840 §5.1), and so do types outside the list', () => {
    expect(hexOf('NSEC', 'Next.X. A')).toBe('044e6578740158' + '00' + '000140');
    expect(hexOf('SVCB', '1 Svc.X.')).toBe('0001035376630158' + '00');
    expect(hexOf('TXT', '"MiXeD"')).toBe('054d69586544');
  });

  test('the record itself is not changed', () => {
    const rr = record('DNAME', 'Target.X.');
    canonicalRdata(rr);
    expect(toHex(rdataToWire(rr))).toBe('06546172676574015800');
  });
});

describe('names on the wire by type', () => {
  test('MB and MINFO names are compressed on encode and decompressed on decode', () => {
    const answers = [
      { name: 'a.example.test', type: 'MB', class: 'IN', ttl: 1, data: hex('04686f7374076578616d706c65047465737400') },
      { name: 'a.example.test', type: 'MINFO', class: 'IN', ttl: 1, data: hex('01720474657374000165047465737400') },
    ] as ResourceRecord[];
    const bytes = encode({ id: 1, answers });
    const back = decode(bytes).answers;
    expect(back.map((rr) => toHex(rr.data as Uint8Array))).toEqual(answers.map((rr) => toHex(rr.data as Uint8Array)));
    // The MB target ends in a pointer to example.test of the owner; uncompressed it would be 19 octets.
    expect(bytes.length).toBeLessThan(12 + 16 + 10 + 19 + 2 + 10 + 16);
  });

  test('a compressed DNAME target from another server is decompressed (RFC 3597 §4)', () => {
    // Owner example.test at 12; DNAME rdata "new" + pointer to 12.
    const packet = hex('0000 8000 0000 0001 0000 0000 076578616d706c650474657374 00 0027 0001 00000e10 0006 036e6577 c00c');
    expect(toHex(decode(packet).answers[0].data as Uint8Array)).toBe('036e6577076578616d706c65047465737400');
  });
});

describe('every type of the table: text → wire → text, and cut or flipped octets', () => {
  test('the samples cover the table', () => {
    expect(describedTypes().map((d) => d.mnemonic).filter((t) => !RDATA_SAMPLES.some(([s]) => s === t))).toEqual([]);
  });

  test.each(RDATA_SAMPLES)('%s %s', (type, text) => {
    const rr = { name: 'x.example.test', type, class: 'IN', ttl: 60, data: parseRdata(type, tokenize(text), 'example.test') } as ResourceRecord;
    const printed = formatRdata(rr);
    // What we print reads back to the same octets, and through a message too.
    expect(toHex(rdataToWire({ type, data: parseRdata(type, tokenize(printed)) } as ResourceRecord))).toBe(toHex(rdataToWire(rr)));
    expect(formatRdata(decode(encode({ id: 1, answers: [rr] })).answers[0])).toBe(printed);
  });

  test('cut, flipped or padded octets decode or throw WireError, and what decodes prints stably', () => {
    const arbitrary = fc.tuple(fc.constantFrom(...RDATA_SAMPLES), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 8 }));
    fc.assert(
      fc.property(arbitrary, ([[type, text], a, b, how, extra]) => {
        const octets = Uint8Array.from(rdataToWire({ type, data: parseRdata(type, tokenize(text), 'example.test') } as ResourceRecord));
        let mutated: Uint8Array;
        if (how === 0) mutated = octets.subarray(0, a % (octets.length + 1));
        else if (how === 1) mutated = octets.map((o, i) => (i === a % octets.length ? o ^ (1 << (b % 8)) : o));
        else if (how === 2) mutated = Uint8Array.from([...octets, ...extra]);
        else mutated = extra;
        const code = typeDescriptor(type)?.type as number;
        const packet = hex(`0000 8000 0000 0001 0000 0000 00 ${code.toString(16).padStart(4, '0')} 0001 00000000 ${mutated.length.toString(16).padStart(4, '0')}`);
        let rr: ResourceRecord;
        try {
          rr = decodeUnguarded(Uint8Array.from([...packet, ...mutated])).answers[0];
        } catch (e) {
          expect(e).toBeInstanceOf(WireError);
          return;
        }
        const printed = formatRdata(rr);
        if (printed === '\\# 0' && (type === 'TXT' || type === 'SPF')) return; // accepted from the wire, refused in zone text (RFC 1035 §3.3.14)
        // The print reads back, and from there text → wire → text is a fixed point (the wire may hold
        // forms text cannot, e.g. a LOC size of 0 × 10^2 cm, printed "0m" as dig prints it).
        const once = formatRdata({ type, data: parseRdata(type, tokenize(printed)) } as ResourceRecord);
        expect(formatRdata({ type, data: parseRdata(type, tokenize(once)) } as ResourceRecord)).toBe(once);
      }),
      { numRuns: Number(process.env.RUNS ?? 3000), seed: Number(process.env.SEED ?? 53) },
    );
  });
});

test('canonicalRdata between the records of a message being encoded leaves the message intact', () => {
  // A signer may ask for canonical rdata while it builds a reply; the message's octets must not move.
  const answers = [
    { name: 'a.example.test', type: 'MX', class: 'IN', ttl: 1, data: { preference: 10, exchange: 'Mail.Example.TEST' } },
    { name: 'a.example.test', type: 'NS', class: 'IN', ttl: 1, data: 'ns1.example.test' },
  ] as ResourceRecord[];
  const before = toHex(encode({ id: 1, answers }));
  const proxied = answers.map((rr) => ({ ...rr, get data() { canonicalRdata(rr); return rr.data; } })) as ResourceRecord[];
  expect(toHex(encode({ id: 1, answers: proxied }))).toBe(before);
});
