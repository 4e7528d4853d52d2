import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode, encode, encodeMessage, formatIPv6, formatLabels, parseLabels, parseIPv4, WireError,
  type ClassName, type Edns, type MessageInit, type Question, type ResourceRecord,
} from '@port53/wire';
import { decodeUnguarded } from '../src/message.js';
import { full } from './wire-fixtures.js';

/** decode() minus its safety net: anything but a WireError with an offset inside the packet fails. */
function decodesOrWireError(bytes: Uint8Array): void {
  try {
    decodeUnguarded(bytes);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    if (!(e.offset >= 0 && e.offset <= bytes.length)) throw new Error(`offset ${e.offset} outside 0..${bytes.length}`);
  }
}

const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const label = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/).map(ascii) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 63 }) }, // binary: dots, NULs, 0xff
);
// A few shared suffixes (in two cases) make compression and case-exact matching matter.
const suffix = fc.constantFrom<Uint8Array[]>([], [ascii('test')], [ascii('example'), ascii('test')], [ascii('Example'), ascii('TEST')], [ascii('a.b'), ascii('test')]);
const name = fc
  .tuple(fc.array(label, { maxLength: 3 }), suffix)
  .map(([head, tail]) => [...head, ...tail])
  .filter((labels) => labels.reduce((n, l) => n + l.length + 1, 1) <= 255)
  .map(formatLabels);

/** A name's uncompressed wire form. */
function nameOctets(n: string): Uint8Array {
  return Uint8Array.from(parseLabels(n).flatMap((l) => [l.length, ...l]).concat(0));
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytesUpTo = (max: number) => fc.uint8Array({ maxLength: max });
const cls = fc.constantFrom<ClassName>('IN', 'IN', 'IN', 'CH', 'HS', 'NONE', 'ANY', 'CLASS42', 'CLASS65535');

const rdata = fc.oneof(
  fc.record({ type: fc.constant('A' as const), data: fc.ipV4() }),
  fc.record({ type: fc.constant('AAAA' as const), data: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b)) }),
  fc.record({ type: fc.constantFrom('NS' as const, 'CNAME' as const, 'PTR' as const), data: name }),
  fc.record({ type: fc.constant('MX' as const), data: fc.record({ preference: u16, exchange: name }) }),
  fc.record({
    type: fc.constant('SOA' as const),
    data: fc.record({ mname: name, rname: name, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 }),
  }),
  fc.record({ type: fc.constant('TXT' as const), data: fc.array(fc.oneof(bytesUpTo(20), fc.uint8Array({ minLength: 255, maxLength: 255 })), { maxLength: 4 }) }),
  fc.record({ type: fc.constant('SRV' as const), data: fc.record({ priority: u16, weight: u16, port: u16, target: name }) }),
  fc.record({
    type: fc.constant('CAA' as const),
    data: fc.record({ flags: fc.integer({ min: 0, max: 255 }), tag: fc.stringMatching(/^[a-zA-Z0-9]{1,15}$/), value: bytesUpTo(30) }),
  }),
  fc.record({ type: fc.constant('HINFO' as const), data: fc.record({ cpu: bytesUpTo(20), os: bytesUpTo(20) }) }),
  fc.record({ type: fc.constantFrom('NULL' as const, 'TYPE65280' as const, 'TYPE999' as const), data: bytesUpTo(40) }),
  // Types kept as octets must fit their layout in the table (the decoder checks them).
  fc.record({ type: fc.constant('DS' as const), data: fc.uint8Array({ minLength: 4, maxLength: 40 }) }),
  fc.record({ type: fc.constantFrom('DNAME' as const, 'MB' as const), data: name.map(nameOctets) }),
  fc.record({ type: fc.constant('MINFO' as const), data: fc.tuple(name, name).map(([a, b]) => Uint8Array.from([...nameOctets(a), ...nameOctets(b)])) }),
);
const record: fc.Arbitrary<ResourceRecord> = fc
  .record({ name, class: cls, ttl: u32, rr: rdata })
  .map(({ name, class: c, ttl, rr }) => ({ name, class: c, ttl, ...rr }) as ResourceRecord);

const question: fc.Arbitrary<Question> = fc.record({ name, type: fc.constantFrom('A' as const, 'AAAA' as const, 'ANY' as const, 'TYPE65280' as const, 'OPT' as const), class: cls });
const edns: fc.Arbitrary<Edns> = fc.record({
  version: fc.integer({ min: 0, max: 255 }),
  udpPayloadSize: u16,
  do: fc.boolean(),
  flags: fc.integer({ min: 0, max: 0x7fff }),
  options: fc.array(fc.record({ code: u16, data: bytesUpTo(12) }), { maxLength: 3 }),
});

const message: fc.Arbitrary<MessageInit> = fc
  .record({
    id: u16,
    opcode: fc.integer({ min: 0, max: 15 }),
    flags: fc.record({ qr: fc.boolean(), aa: fc.boolean(), tc: fc.boolean(), rd: fc.boolean(), ra: fc.boolean(), z: fc.boolean(), ad: fc.boolean(), cd: fc.boolean() }),
    rcode: fc.integer({ min: 0, max: 0xfff }),
    questions: fc.array(question, { maxLength: 2 }),
    answers: fc.array(record, { maxLength: 5 }),
    authorities: fc.array(record, { maxLength: 3 }),
    additionals: fc.array(record, { maxLength: 3 }),
    edns: fc.option(edns, { nil: undefined }),
  })
  .map((m): MessageInit => {
    const { edns: e, ...rest } = m;
    // An RCODE over 15 needs the OPT record's extended bits.
    return e ? { ...rest, edns: e } : { ...rest, rcode: m.rcode & 0x0f };
  });

describe('decode never throws anything but WireError', () => {
  it('on random bytes (0..600 octets)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => decodesOrWireError(b)), { numRuns: 3000 });
  });

  it('on random bodies behind a header with small counts (reaches names and rdata)', () => {
    const packet = fc
      .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 300 }))
      .map(([counts, body]) => Uint8Array.from([0, 0, 0x80, 0, ...counts.flatMap((c) => [0, c]), ...body]));
    fc.assert(fc.property(packet, (b) => decodesOrWireError(b)), { numRuns: 3000 });
  });

  it('on mutated valid messages: flipped octets, changed counts, truncation', () => {
    const mutation = fc.record({
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      counts: fc.option(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 4, maxLength: 4 }), { nil: undefined }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(message, mutation, (m, { flips, counts, cut }) => {
        let bytes = new Uint8Array(encode(m));
        for (const [i, v] of flips) bytes[i % bytes.length] = v;
        counts?.forEach((c, i) => (bytes[5 + 2 * i] = c));
        if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        decodesOrWireError(bytes);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('round trips', () => {
  it('A rdata accepts exactly what parseIPv4 accepts, with the same octets', () => {
    const text = fc.oneof(fc.ipV4(), fc.stringMatching(/^[0-9.]{0,16}$/), fc.ipV4().map((ip) => ip.replace(/\.(\d)/, '.0$1')));
    fc.assert(
      fc.property(text, (ip) => {
        const octets = parseIPv4(ip);
        let written: Uint8Array | undefined;
        try {
          written = encode({ answers: [{ name: '.', type: 'A', class: 'IN', ttl: 0, data: ip }] }).subarray(23);
        } catch (e) {
          if (!(e instanceof WireError)) throw e;
        }
        expect(written && new Uint8Array(written)).toEqual(octets);
      }),
      { numRuns: 2000 },
    );
  });

  it('decode(encode(m)) is m for valid messages', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decode(encode(m))).toEqual(full(m));
      }),
      { numRuns: 500 },
    );
  });

  it('whatever decodes re-encodes to a message that decodes the same', () => {
    fc.assert(
      fc.property(message, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), (m, flips) => {
        const bytes = new Uint8Array(encode(m));
        for (const [i, v] of flips) bytes[i % bytes.length] = v;
        let decoded;
        try {
          decoded = decode(bytes);
        } catch {
          return; // not a message any more
        }
        const again = encodeMessage(decoded);
        if (again.dropped === 0) expect(decode(again.bytes)).toEqual(decoded);
      }),
      { numRuns: 500 },
    );
  });
});
