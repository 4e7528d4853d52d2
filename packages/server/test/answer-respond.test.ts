import fc from 'fast-check';
import { decode, decodeHeader, encode, Opcode, Rcode } from '@port53/wire';
import { describe, expect, it } from 'vitest';
import { OUR_UDP_PAYLOAD } from '../src/answer/defaults.js';
import { replySizeLimit, respond } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { CHILD, EXAMPLE, LONG_CHAIN, OTHER } from './fixtures/answer-zones.js';
import { flagList, query } from './fixtures/query.js';

const catalog = buildCatalog([EXAMPLE, CHILD, OTHER, LONG_CHAIN]);

/** A 12-octet header followed by `body`. */
function raw(header: { id?: number; b2?: number; b3?: number; qd?: number; an?: number; ns?: number; ar?: number }, body: number[] = []): Uint8Array {
  const { id = 0xbeef, b2 = 0x01, b3 = 0, qd = 1, an = 0, ns = 0, ar = 0 } = header;
  return Uint8Array.from([id >> 8, id & 0xff, b2, b3, 0, qd, 0, an, 0, ns, 0, ar, ...body]);
}

describe('the question is echoed byte for byte (0x20 clients)', () => {
  it('keeps mixed case in the question and in the answer owner; other names point into it (NSD, Knot)', () => {
    const q = query('wWw.ExAmPlE.tEsT', 'A');
    const reply = respond(q, catalog, 'udp').reply!;
    const questionLength = q.length - 12;
    expect(Buffer.from(reply.subarray(12, 12 + questionLength))).toEqual(Buffer.from(q.subarray(12)));
    const m = decode(reply);
    expect(m.questions).toEqual([{ name: 'wWw.ExAmPlE.tEsT', type: 'A', class: 'IN' }]);
    expect(m.answers[0].name).toBe('wWw.ExAmPlE.tEsT');
    // Names compress onto the question whatever their case (RFC 4343 §3), as NSD and Knot do: the
    // CNAME target's owner shares the question's suffix and so its case.
    expect(m.answers[1].name).toBe('web.ExAmPlE.tEsT');
  });

  it('keeps the case of a wildcard-synthesized owner', () => {
    const m = decode(respond(query('MiXeD.example.test', 'TXT'), catalog, 'udp').reply!);
    expect(m.answers.map((r) => r.name)).toEqual(['MiXeD.example.test']);
  });

  it('echoes the question of a REFUSED reply', () => {
    const q = query('Example.ORG', 'MX');
    const reply = respond(q, catalog, 'udp').reply!;
    expect(Buffer.from(reply.subarray(12))).toEqual(Buffer.from(q.subarray(12)));
  });
});

describe('header flags (RFC 1035 §4.1.1, RFC 6840 §5.9)', () => {
  it.each([
    ['no flags', {}, 'qr aa'],
    ['RD copied', { rd: true }, 'qr aa rd'],
    ['CD copied (RFC 4035 §3 says MUST; NSD and Knot clear it)', { cd: true }, 'qr aa cd'],
    ['Z, AD, RA, AA and TC of the query are not copied', { z: true, ad: true, ra: true, aa: true, tc: true }, 'qr aa'],
    ['everything', { rd: true, cd: true, z: true, ad: true, ra: true, aa: true, tc: true }, 'qr aa rd cd'],
  ])('%s', (_title, flags, expected) => {
    const m = decode(respond(query('web.example.test', 'A', 'IN', { id: 4242, flags }), catalog, 'udp').reply!);
    expect(m.id).toBe(4242);
    expect(flagList(m)).toBe(expected);
  });

  it('never sets RA, even on REFUSED with RD', () => {
    const m = decode(respond(query('example.org', 'A', 'IN', { flags: { rd: true } }), catalog, 'udp').reply!);
    expect([m.rcode, flagList(m)]).toEqual([Rcode.REFUSED, 'qr rd']);
  });
});

describe('RFC 8906: malformed and unsupported queries', () => {
  it.each([
    ['STATUS', Opcode.STATUS],
    ['NOTIFY', Opcode.NOTIFY],
    ['UPDATE', Opcode.UPDATE],
    ['unassigned 15', 15],
  ])('opcode %s → NOTIMP with the question echoed, the opcode copied and RD not (it belongs to QUERY; genreport opcodeflg)', (_name, opcode) => {
    const outcome = respond(query('example.test', 'SOA', 'IN', { opcode, flags: { rd: true } }), catalog, 'udp');
    expect(outcome.kind).toBe('notimp');
    const m = decode(outcome.reply!);
    expect([m.rcode, m.opcode, flagList(m)]).toEqual([Rcode.NOTIMP, opcode, 'qr']);
    expect(m.questions).toEqual([{ name: 'example.test', type: 'SOA', class: 'IN' }]);
    expect(m.answers).toEqual([]);
  });

  it('undecodable body with an unknown opcode → NOTIMP, header only', () => {
    const outcome = respond(raw({ b2: (Opcode.UPDATE << 3) | 1 }, [0xc0, 0xff]), catalog, 'udp');
    expect(outcome.kind).toBe('notimp');
    const h = decodeHeader(outcome.reply!);
    expect([h.id, h.opcode, h.rcode, h.qdcount, outcome.reply!.length]).toEqual([0xbeef, Opcode.UPDATE, Rcode.NOTIMP, 0, 12]);
  });

  it.each([
    ['garbage after the header', raw({}, [0xff, 0x01, 0x02])],
    ['a header that promises a question and nothing else', raw({})],
    ['a compression pointer loop in the question', raw({}, [0xc0, 0x0c, 0, 1, 0, 1])],
    ['a label running past the end', raw({}, [0x3f, 0x61, 0x62])],
    ['an answer count with no answers', raw({ an: 3 }, [0, 0, 1, 0, 1])],
  ])('%s → FORMERR, header only, id/opcode/RD copied', (_title, bytes) => {
    const outcome = respond(bytes, catalog, 'udp');
    expect(outcome.kind).toBe('formerr');
    expect(outcome.reason).toMatch(/^undecodable: /);
    const reply = outcome.reply!;
    expect(reply.length).toBe(12);
    const h = decodeHeader(reply);
    expect([h.id, h.opcode, h.rcode, h.flags.qr, h.flags.rd, h.flags.aa, h.qdcount, h.ancount, h.nscount, h.arcount])
      .toEqual([0xbeef, 0, Rcode.FORMERR, true, true, false, 0, 0, 0, 0]);
  });

  it.each([
    ['QDCOUNT 0', encode({ id: 7, flags: { rd: true } })],
    ['QDCOUNT 2', encode({ id: 7, flags: { rd: true }, questions: [
      { name: 'example.test', type: 'A', class: 'IN' }, { name: 'web.example.test', type: 'A', class: 'IN' }] })],
  ])('%s → FORMERR without questions', (_title, bytes) => {
    const outcome = respond(bytes, catalog, 'udp');
    expect(outcome.kind).toBe('formerr');
    const m = decode(outcome.reply!);
    expect([m.id, m.rcode, flagList(m), m.questions.length, m.answers.length, m.edns]).toEqual([7, Rcode.FORMERR, 'qr rd', 0, 0, undefined]);
  });

  it('FORMERR to an EDNS query keeps an OPT in the reply', () => {
    const outcome = respond(encode({ id: 8, edns: { version: 0, udpPayloadSize: 4096, do: false, flags: 0, options: [] } }), catalog, 'udp');
    const m = decode(outcome.reply!);
    expect([m.rcode, m.edns?.version, m.edns?.udpPayloadSize]).toEqual([Rcode.FORMERR, 0, OUR_UDP_PAYLOAD]);
  });

  it('AXFR over UDP → NOTIMP (RFC 5936 §4.2; NSD and Knot agree), question echoed', () => {
    const outcome = respond(query('example.test', 'AXFR'), catalog, 'udp');
    const m = decode(outcome.reply!);
    expect([outcome.kind, m.rcode, flagList(m), m.questions.length]).toEqual(['notimp', Rcode.NOTIMP, 'qr', 1]);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['11 octets', new Uint8Array(11)],
    ['QR set (a response)', query('example.test', 'SOA', 'IN', { flags: { qr: true } })],
    ['QR set and garbage', raw({ b2: 0x80 }, [0xff])],
  ])('%s → dropped with a reason, no reply', (_title, bytes) => {
    const outcome = respond(bytes, catalog, 'udp');
    expect(outcome.kind).toBe('dropped');
    expect(outcome.reply).toBeUndefined();
    expect(outcome.reason).toBeTruthy();
  });

  it('never throws and always copies the ID on arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), fc.constantFrom<'udp' | 'tcp'>('udp', 'tcp'), (bytes, transport) => {
        const outcome = respond(bytes, catalog, transport);
        if (bytes.length < 12 || (bytes[2] & 0x80) !== 0) return outcome.kind === 'dropped';
        const h = decodeHeader(outcome.reply!);
        return h.id === ((bytes[0] << 8) | bytes[1]) && h.flags.qr && !h.flags.ra && outcome.reply!.length <= 512;
      }),
      { numRuns: 400 },
    );
  });

  it('survives mutations of a valid query', () => {
    const base = query('www.example.test', 'A', 'IN', { edns: { udpPayloadSize: 1232 } });
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const bytes = Uint8Array.from(base);
        bytes[at] = value;
        const outcome = respond(bytes, catalog, 'udp');
        return outcome.kind === 'dropped' || outcome.reply !== undefined;
      }),
      { numRuns: 300 },
    );
  });
});

describe('EDNS (RFC 6891, RFC 8906 §3.2)', () => {
  it('no OPT in the reply when the query has none', () => {
    expect(decode(respond(query('web.example.test', 'A'), catalog, 'udp').reply!).edns).toBeUndefined();
  });

  it('OPT version 0 with our payload size; unknown options and flags dropped; DO copied', () => {
    const q = query('web.example.test', 'A', 'IN', {
      edns: { udpPayloadSize: 4096, do: true, flags: 0x4001, options: [{ code: 65001, data: Uint8Array.of(1, 2, 3) }, { code: 10, data: new Uint8Array(8) }] },
    });
    const m = decode(respond(q, catalog, 'udp').reply!);
    expect(m.edns).toEqual({ version: 0, udpPayloadSize: OUR_UDP_PAYLOAD, do: true, flags: 0, options: [] });
    expect(m.answers).toHaveLength(1);
  });

  it('DO clear stays clear', () => {
    const m = decode(respond(query('web.example.test', 'A', 'IN', { edns: { do: false } }), catalog, 'udp').reply!);
    expect(m.edns?.do).toBe(false);
  });

  it.each([1, 2, 255])('version %i → BADVERS with an OPT of version 0, question echoed, no answer', (version) => {
    const outcome = respond(query('web.example.test', 'A', 'IN', { edns: { version, do: true }, flags: { rd: true } }), catalog, 'udp');
    expect(outcome.kind).toBe('badvers');
    const m = decode(outcome.reply!);
    expect([m.rcode, flagList(m), m.edns?.version, m.edns?.do, m.answers.length, m.authorities.length]).toEqual([Rcode.BADVERS, 'qr rd', 0, true, 0, 0]);
    expect(m.questions).toEqual([{ name: 'web.example.test', type: 'A', class: 'IN' }]);
  });

  it('BADVERS wins over an unserved name', () => {
    expect(respond(query('example.org', 'A', 'IN', { edns: { version: 1 } }), catalog, 'udp').kind).toBe('badvers');
  });

  it('REFUSED to an EDNS query carries OPT', () => {
    const m = decode(respond(query('example.org', 'A', 'IN', { edns: {} }), catalog, 'udp').reply!);
    expect([m.rcode, m.edns?.version]).toEqual([Rcode.REFUSED, 0]);
  });
});

describe('reply size and truncation', () => {
  it.each([
    ['UDP without EDNS', undefined, 'udp', 512],
    ['UDP with EDNS 4096: capped at ours', 4096, 'udp', 1232],
    ['UDP with EDNS 1400', 1400, 'udp', 1232],
    ['UDP with EDNS 800', 800, 'udp', 800],
    ['UDP with EDNS 100: floor 512 (RFC 6891 §6.2.5)', 100, 'udp', 512],
    ['TCP without EDNS', undefined, 'tcp', 65535],
    ['TCP with EDNS 512', 512, 'tcp', 65535],
  ] as const)('%s → %i', (_title, size, transport, limit) => {
    const edns = size === undefined ? undefined : { version: 0, udpPayloadSize: size, do: false, flags: 0, options: [] };
    expect(replySizeLimit(edns, transport)).toBe(limit);
  });

  it('60 addresses over UDP without EDNS: TC, question kept, no partial RRset', () => {
    const q = query('Many.chain.test', 'A', 'IN', { flags: { rd: true } });
    const outcome = respond(q, catalog, 'udp');
    expect(outcome.kind).toBe('answered');
    const reply = outcome.reply!;
    expect(reply.length).toBeLessThanOrEqual(512);
    const m = decode(reply);
    expect(flagList(m)).toBe('qr aa tc rd');
    expect(m.questions).toEqual([{ name: 'Many.chain.test', type: 'A', class: 'IN' }]);
    expect(m.answers).toEqual([]);
  });

  it('the same with EDNS 512 keeps the OPT', () => {
    const m = decode(respond(query('many.chain.test', 'A', 'IN', { edns: { udpPayloadSize: 512 } }), catalog, 'udp').reply!);
    expect([m.flags.tc, m.answers.length, m.edns?.udpPayloadSize]).toEqual([true, 0, OUR_UDP_PAYLOAD]);
  });

  it('fits in 1232 with EDNS, and over TCP without it', () => {
    const udp = respond(query('many.chain.test', 'A', 'IN', { edns: { udpPayloadSize: 4096 } }), catalog, 'udp').reply!;
    expect(udp.length).toBeLessThanOrEqual(1232);
    expect([decode(udp).flags.tc, decode(udp).answers.length]).toEqual([false, 60]);
    const tcp = decode(respond(query('many.chain.test', 'A'), catalog, 'tcp').reply!);
    expect([tcp.flags.tc, tcp.answers.length]).toEqual([false, 60]);
  });

  it('additional data that does not fit is dropped by whole RRsets, without TC (RFC 2181 §9)', () => {
    const udp = decode(respond(query('mxs.chain.test', 'MX'), catalog, 'udp').reply!);
    expect([udp.flags.tc, udp.answers.length]).toEqual([false, 10]);
    expect(udp.additionals.length).toBeGreaterThan(0);
    expect(udp.additionals.length).toBeLessThan(20);
    const tcp = decode(respond(query('mxs.chain.test', 'MX'), catalog, 'tcp').reply!);
    expect([tcp.flags.tc, tcp.additionals.length]).toEqual([false, 20]);
  });
});
