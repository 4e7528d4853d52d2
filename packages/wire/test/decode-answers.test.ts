import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, type Message, type MessageInit } from '@port53/wire';

const answersOnly = (packet: Uint8Array) => decode(packet, { answersOnly: true });

/** What decode(…, { answersOnly: true }) must give: the whole message less authority and additional, OPT kept. */
const reduced = (m: Message): Message => ({ ...m, authorities: [], additionals: [] });

// NSD's answer to host17.bench.example A: 1 answer, 2 NS, 2 A and 2 AAAA glue, OPT.
const NSD_REPLY = Buffer.from(
  '00018500000100010002000506686f737431370562656e6368076578616d706c650000010001c00c0001000100000e1000040a000011c0130002000100000e100006036e7331c013c0130002000100000e100006036e7332c013c0420001000100000e100004c0000201c0540001000100000e100004c0000202c042001c000100000e10001020010db8005300000000000000000001c054001c000100000e10001020010db800530000000000000000000200002904d0000000000000',
  'hex',
);

const base: MessageInit = {
  id: 7,
  flags: { qr: true, aa: true, rd: true },
  questions: [{ name: 'www.example.test', type: 'A', class: 'IN' }],
  answers: [
    { name: 'www.example.test', type: 'CNAME', class: 'IN', ttl: 60, data: 'example.test' },
    { name: 'example.test', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' },
  ],
  authorities: [{ name: 'example.test', type: 'NS', class: 'IN', ttl: 60, data: 'ns.example.test' }],
  additionals: [{ name: 'ns.example.test', type: 'AAAA', class: 'IN', ttl: 60, data: '2001:db8::53' }],
};

describe('decode with answersOnly', () => {
  it.each([
    ["NSD's reply with glue", NSD_REPLY],
    ['CNAME chain, NS, glue, EDNS with an extended RCODE', encode({ ...base, rcode: 0x10 + 2, edns: { version: 0, udpPayloadSize: 1232, do: true, flags: 0, options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] } })],
    ['no EDNS', encode(base)],
    ['no answers (NXDOMAIN with SOA)', encode({ ...base, rcode: 3, answers: [], authorities: [{ name: 'test', type: 'SOA', class: 'IN', ttl: 60, data: { mname: 'ns.test', rname: 'h.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }] })],
  ])('%s decodes as the whole less authority and additional', (_, packet) => {
    const whole = decode(packet);
    expect(whole.authorities.length + whole.additionals.length).toBeGreaterThan(0);
    expect(answersOnly(packet)).toEqual(reduced(whole));
  });

  it('keeps a reply without authority and additional records whole', () => {
    const packet = encode({ ...base, authorities: [], additionals: [], edns: { version: 0, udpPayloadSize: 512, do: false, flags: 0, options: [] } });
    expect(answersOnly(packet)).toEqual(decode(packet));
  });

  it.each([
    ['shorter than a header', Uint8Array.of(0, 1, 2), 'TRUNCATED'],
    ['cut inside the additional section', NSD_REPLY.subarray(0, NSD_REPLY.length - 5), 'TRUNCATED'],
    ['OPT in the authority section', withOptInAuthority(), 'BAD_OPT'],
    ['a second OPT', withSecondOpt(), 'BAD_OPT'],
  ])('%s: the whole decode judges it (%s)', (_, packet, code) => {
    expect(() => decode(packet)).toThrow(expect.objectContaining({ code }));
    expect(() => answersOnly(packet)).toThrow(expect.objectContaining({ code }));
  });

  it('never changes what decodes: random damage to a real reply', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(NSD_REPLY.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(NSD_REPLY.length), (flips, cut) => {
        const packet = Buffer.from(NSD_REPLY.subarray(0, Math.max(12, cut)));
        for (const [at, value] of flips) if (at < packet.length) packet[at] = value;
        let whole: Message;
        try {
          whole = decode(packet);
        } catch {
          return; // skipped records may be broken: answersOnly need not fail too
        }
        expect(answersOnly(packet)).toEqual(reduced(whole));
      }),
      { numRuns: 3000, seed: 53 },
    );
  });
});

/** NSD's reply with its OPT record twice (ARCOUNT one more). */
function withSecondOpt(): Uint8Array {
  const opt = NSD_REPLY.subarray(NSD_REPLY.length - 11);
  const packet = Buffer.concat([NSD_REPLY, opt]);
  packet.writeUInt16BE(packet.readUInt16BE(10) + 1, 10);
  return packet;
}

/** A reply whose authority section holds an OPT record (the decoder rejects it as BAD_OPT). */
function withOptInAuthority(): Uint8Array {
  const packet = Buffer.from(encode({ ...base, authorities: [], additionals: [], edns: { version: 0, udpPayloadSize: 512, do: false, flags: 0, options: [] } }));
  packet.writeUInt16BE(0, 10); // ARCOUNT 0
  packet.writeUInt16BE(1, 8); // NSCOUNT 1: the OPT now sits in the authority section
  return packet;
}
