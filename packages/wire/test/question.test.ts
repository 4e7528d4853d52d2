import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, questionName, questionScan, scanQuestion, WireError } from '@port53/wire';
import type { TypeName } from '@port53/wire';
import { hex } from './wire-fixtures.js';

/** A query header: id 0x1234, RD, with these counts. */
const header = (qd = 1, an = 0, ns = 0, ar = 0): string => ['1234', '0100', ...[qd, an, ns, ar].map((n) => n.toString(16).padStart(4, '0'))].join('');
const WWW = '03 777777 07 6578616d706c65 00'; // www.example
const OPT = (rdata = '', ttl = '00008000', size = '04d0') => `00 0029 ${size} ${ttl} ${(rdata.replace(/\s+/g, '').length / 2).toString(16).padStart(4, '0')} ${rdata}`;

describe('scanQuestion', () => {
  it.each([
    ['plain question', header() + WWW + '0001 0001', { nameEnd: 25, qtype: 1, qclass: 1, edns: false }],
    ['with OPT: payload, version, DO', header(1, 0, 0, 1) + WWW + '001c 0001' + OPT(), { qtype: 28, edns: true, udpPayloadSize: 1232, ednsVersion: 0, do: true }],
    ['OPT version 1 is read, not judged', header(1, 0, 0, 1) + WWW + '0001 0001' + OPT('', '00010000'), { ednsVersion: 1, do: false }],
    ['OPT with a cookie option', header(1, 0, 0, 1) + WWW + '0001 0001' + OPT('000a 0008 0102030405060708'), { edns: true }],
    ['octets after the message are ignored, as decode() does', header() + WWW + '0001 0001 ffff', { nameEnd: 25 }],
    ['the root', header() + '00 0002 0001', { nameEnd: 13, qtype: 2 }],
  ])('accepts %s', (_title, bytes, expected) => {
    const out = questionScan();
    expect(scanQuestion(hex(bytes), out)).toBe(true);
    expect(out).toMatchObject(expected);
  });

  it.each([
    ['a short header', '1234 0100 0001'],
    ['two questions', header(2) + WWW + '0001 0001' + WWW + '0001 0001'],
    ['no question', header(0)],
    ['an answer record', header(1, 1) + WWW + '0001 0001 c00c 0001 0001 00000000 0004 c0000201'],
    ['an authority record', header(1, 0, 1) + WWW + '0001 0001 c00c 0001 0001 00000000 0004 c0000201'],
    ['two additional records', header(1, 0, 0, 2) + WWW + '0001 0001' + OPT() + OPT()],
    ['a compressed question name', header() + '03 777777 c00c 0001 0001'],
    ['a retired label type', header() + '43 00 0001 0001'],
    ['a name running past the end', header() + '05 6162'],
    ['no type and class', header() + WWW + '0001'],
    ['a non-OPT additional record', header(1, 0, 0, 1) + WWW + '0001 0001 00 00fa 00ff 00000000 0000'],
    ['an OPT not owned by the root', header(1, 0, 0, 1) + WWW + '0001 0001 c00c 0029 04d0 00000000 0000'],
    ['OPT rdata past the end', header(1, 0, 0, 1) + WWW + '0001 0001 00 0029 04d0 00000000 0010 000a'],
    ['an option running past the OPT rdata', header(1, 0, 0, 1) + WWW + '0001 0001' + OPT('000a 0009 0102030405060708')],
    ['a name of 256 octets', header() + '3f'.concat('61'.repeat(63)).repeat(4) + '00 0001 0001'],
  ])('declines %s', (_title, bytes) => {
    expect(scanQuestion(hex(bytes), questionScan())).toBe(false);
  });

  it('accepts only what decode() reads, and reads it the same way', () => {
    const types: TypeName[] = ['A', 'AAAA', 'MX', 'TXT', 'SOA'];
    const query = fc.record({
      name: fc.stringMatching(/^[A-Za-z0-9-]{1,20}(\.[A-Za-z0-9-]{1,20}){0,3}$/),
      type: fc.constantFrom(...types),
      edns: fc.option(fc.record({ udpPayloadSize: fc.integer({ min: 0, max: 0xffff }), do: fc.boolean(), version: fc.integer({ min: 0, max: 255 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(query, fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 3 }), fc.nat(40), ({ name, type, edns }, flips, cut) => {
        const bytes = new Uint8Array(encode({ id: 1, questions: [{ name, type, class: 'IN' }], edns: edns && { ...edns, flags: 0, options: [] } }));
        for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value; // damage a few octets
        const message = cut > 30 ? bytes.subarray(0, bytes.length - (cut - 30)) : bytes;
        const out = questionScan();
        if (!scanQuestion(message, out)) return;
        let decoded;
        try {
          decoded = decode(message);
        } catch (e) {
          if (e instanceof WireError) throw new Error(`scanQuestion accepted what decode() rejects: ${e.message}`);
          throw e;
        }
        expect(decoded.questions).toHaveLength(1);
        expect(questionName(message)).toBe(decoded.questions[0].name);
        expect(out.edns).toBe(decoded.edns !== undefined);
        if (decoded.edns) expect([out.udpPayloadSize, out.do, out.ednsVersion]).toEqual([decoded.edns.udpPayloadSize, decoded.edns.do, decoded.edns.version]);
      }),
      { numRuns: 2000 },
    );
  });
});
