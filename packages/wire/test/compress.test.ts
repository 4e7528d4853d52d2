import { describe, expect, it } from 'vitest';
import { decode, encode, type MessageInit, type ResourceRecord } from '@port53/wire';
import { readName, WireReader, WireWriter } from '../src/compress.js';
import { a, full, hex, plain, toHex } from './wire-fixtures.js';

describe('RFC 1035 §4.1.4 example', () => {
  // F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40, ARPA at 64, the root at 92.
  const layout: Array<[number, string, string]> = [
    [20, 'F.ISI.ARPA', '0146 03495349 0441525041 00'],
    [40, 'FOO.F.ISI.ARPA', '03464f4f c014'],
    [64, 'ARPA', 'c01a'],
    [92, '.', '00'],
  ];

  it('the compressor writes the RFC\'s octets', () => {
    const w = new WireWriter();
    for (const [offset, name, octets] of layout) {
      w.pos = offset;
      w.name(name, true);
      expect(toHex(w.buf.subarray(offset, w.pos)), name).toBe(plain(octets));
    }
  });

  it('the decompressor reads the RFC\'s octets back', () => {
    const packet = new Uint8Array(93);
    for (const [offset, , octets] of layout) packet.set(hex(octets), offset);
    for (const [offset, name, octets] of layout) {
      const r = new WireReader(packet);
      r.pos = offset;
      expect(readName(r, packet.length)).toBe(name);
      expect(r.pos, `${name} ends after its pointer`).toBe(offset + hex(octets).length);
    }
  });
});

describe('what gets compressed', () => {
  const q = { name: 'example.test', type: 'ANY', class: 'IN' } as const;

  it.each<[string, ResourceRecord, string]>([
    ['NS', { name: 'example.test', type: 'NS', class: 'IN', ttl: 1, data: 'ns.example.test' }, '026e73 c00c'],
    ['CNAME', { name: 'example.test', type: 'CNAME', class: 'IN', ttl: 1, data: 'example.test' }, 'c00c'],
    ['PTR', { name: 'example.test', type: 'PTR', class: 'IN', ttl: 1, data: 'test' }, 'c014'],
    ['MX', { name: 'example.test', type: 'MX', class: 'IN', ttl: 1, data: { preference: 1, exchange: 'mx.example.test' } }, '0001 026d78 c00c'],
    ['SOA', { name: 'example.test', type: 'SOA', class: 'IN', ttl: 1, data: { mname: 'ns.example.test', rname: 'ns.example.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }, '026e73 c00c c02a 00000001 00000002 00000003 00000004 00000005'],
    ['SRV (never)', { name: 'example.test', type: 'SRV', class: 'IN', ttl: 1, data: { priority: 1, weight: 2, port: 3, target: 'example.test' } }, '0001 0002 0003 076578616d706c65 0474657374 00'],
  ])('%s rdata', (_type, rr, rdata) => {
    // Header 12, question 18 (name 14 + 4), owner pointer 2 + 10 fixed: rdata starts at 42.
    const bytes = encode({ questions: [q], answers: [rr] });
    expect(toHex(bytes.subarray(30, 32))).toBe('c00c');
    expect(toHex(bytes.subarray(42))).toBe(plain(rdata));
    expect(decode(bytes)).toEqual(full({ questions: [q], answers: [rr] }));
  });

  it('names after an SRV target do not point into it', () => {
    const m: MessageInit = {
      answers: [
        { name: 'x', type: 'SRV', class: 'IN', ttl: 1, data: { priority: 1, weight: 2, port: 3, target: 'host.example.test' } },
        a('host.example.test', '192.0.2.1'),
      ],
    };
    const bytes = encode(m);
    // x (3) + 10 fixed + 6 + target (19): the A owner starts at 50 and is written in full.
    expect(toHex(bytes.subarray(50, 69))).toBe(plain('04686f7374 076578616d706c65 0474657374 00'));
    expect(decode(bytes)).toEqual(full(m));
  });

  it('reuses only suffixes whose octets match exactly, case included (the question is echoed byte for byte)', () => {
    const m: MessageInit = {
      questions: [{ name: 'WwW.ExAmple.TEST', type: 'A', class: 'IN' }],
      answers: [a('WwW.ExAmple.TEST', '192.0.2.1'), a('www.example.test', '192.0.2.2'), a('mail.ExAmple.TEST', '192.0.2.3')],
    };
    const bytes = encode(m);
    expect(toHex(bytes.subarray(34, 36))).toBe('c00c'); // the exact-case owner points at the question
    expect(toHex(bytes.subarray(50, 68))).toBe(plain('03777777 076578616d706c65 0474657374 00')); // other case: in full
    expect(toHex(bytes.subarray(82, 89))).toBe(plain('046d61696c c010')); // mail + ExAmple.TEST from the question
    expect(decode(bytes)).toEqual(full(m));
  });

  it('compresses names with escaped octets too', () => {
    const m: MessageInit = { answers: [a('\\000.b\\.c.test', '192.0.2.1'), a('x.\\000.b\\.c.test', '192.0.2.2')] };
    const bytes = encode(m);
    expect(toHex(bytes.subarray(38, 42))).toBe('0178c00c');
    expect(decode(bytes)).toEqual(full(m));
  });

  it('never points past offset 0x3fff (14-bit pointers)', () => {
    // A 17000-octet opaque record pushes the next names beyond what a pointer can reach.
    const m: MessageInit = {
      answers: [
        { name: 'big.test', type: 'TYPE999', class: 'IN', ttl: 1, data: new Uint8Array(17000) },
        a('far.example.test', '192.0.2.1'),
        a('far.example.test', '192.0.2.2'),
      ],
    };
    const bytes = encode(m);
    const second = 12 + 10 + 10 + 17000; // big.test (10 octets), fixed fields, rdata
    // "test" may still point back to offset 16; "far.example" lies beyond 0x3fff and is written twice.
    expect(toHex(bytes.subarray(second, second + 14))).toBe(plain('03666172 076578616d706c65 c010'));
    expect(toHex(bytes.subarray(second + 28, second + 42))).toBe(plain('03666172 076578616d706c65 c010'));
    expect(decode(bytes)).toEqual(full(m));
  });
});
