// Packet generators for the fuzz harness: random octets and valid queries broken in the ways a
// decoder meets on the internet (RFC 1035 §4.1, RFC 6891 §6.1). Deterministic for a given seed.
import { encode, parseRdata, rdataToWire, tokenize, typeFromString } from '@port53/wire';

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with --seed. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], bytes: (n) => Uint8Array.from({ length: n }, () => int(256)) };
}

const OWNERS = [
  'example.test', 'www.example.test', 'host1.example.test', 'long.example.test', 'escaped.example.test',
  'x.wild.example.test', 'exists.wild.example.test', 'b.example.test', 'sub.example.test', 'www.sub.example.test',
  'ns1.example.test', '_sip._tcp.example.test', 'nx.example.test', '10.2.0.192.in-addr.arpa', 'example.invalid', '.',
];
const TYPES = ['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'CNAME', 'SRV', 'CAA', 'PTR', 'HINFO', 'ANY', 'DS', 'AXFR', 'IXFR', 'TYPE65280', 'TYPE0', 'OPT'];
const EDNS = { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [] };
const COUNT_VALUES = [0, 1, 2, 3, 0x7f, 0xff, 0x100, 0x7fff, 0xffff];
const UDP_SIZES = [0, 1, 511, 512, 513, 1232, 4096, 65535];

/** Valid queries to mutate: owners × types, with and without EDNS, in varied case. */
export function seedQueries() {
  const seeds = [];
  let id = 1;
  for (const name of OWNERS) {
    for (const type of TYPES) {
      seeds.push(encode({ id: id++, flags: { rd: id % 3 === 0 }, questions: [{ name, type, class: 'IN' }] }));
      seeds.push(encode({ id: id++, flags: {}, questions: [{ name: name.toUpperCase(), type, class: 'IN' }], edns: { ...EDNS, do: id % 2 === 0 } }));
    }
  }
  return seeds.map((s) => Uint8Array.from(s));
}

function header(r, { qd = 1, an = 0, ns = 0, ar = 0, flags = 0 } = {}) {
  const h = new Uint8Array(12);
  h[0] = r.int(256);
  h[1] = r.int(256);
  h[2] = (flags >> 8) & 0xff;
  h[3] = flags & 0xff;
  h[4] = qd >> 8; h[5] = qd & 0xff;
  h[6] = an >> 8; h[7] = an & 0xff;
  h[8] = ns >> 8; h[9] = ns & 0xff;
  h[10] = ar >> 8; h[11] = ar & 0xff;
  return h;
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u16 = (n) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
const EXAMPLE = Uint8Array.of(7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0);
const QTAIL = Uint8Array.of(0, 1, 0, 1); // A IN

/** An OPT record (RFC 6891 §6.1.2) with the given fields, options and owner. */
function opt(r, { owner = Uint8Array.of(0), size = 1232, ext = 0, version = 0, flags = 0, rdata = new Uint8Array(0), rdlength = rdata.length } = {}) {
  return concat(owner, u16(41), u16(size), Uint8Array.of(ext, version), u16(flags), u16(rdlength), rdata);
}

/** EDNS options, sometimes with lengths that do not match their data. */
function ednsOptions(r) {
  const parts = [];
  for (let i = r.int(4); i >= 0; i--) {
    const code = r.pick([0, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 65001, r.int(65536)]);
    let data;
    if (code === 8) {
      // ECS (RFC 7871): family, source and scope prefix lengths, address, all possibly inconsistent.
      data = concat(u16(r.pick([1, 2, 0, 99])), Uint8Array.of(r.int(256), r.int(256)), r.bytes(r.int(20)));
    } else if (code === 10) {
      data = r.bytes(r.pick([0, 7, 8, 16, 24, 32, 40, 41])); // cookies: client 8, server 8..32 octets
    } else {
      data = r.bytes(r.int(r.next() < 0.9 ? 16 : 600));
    }
    const length = r.next() < 0.7 ? data.length : r.pick([0, data.length + 1, data.length + 100, 0xffff, r.int(65536)]);
    parts.push(concat(u16(code), u16(length), data));
  }
  if (r.next() < 0.2) parts.push(r.bytes(1 + r.int(3))); // an option header cut short
  return concat(...parts);
}

/** Valid rdata of types the table lays out (issue 11), cut, flipped and padded into records below. */
const TABLE_RDATA = [
  ['DS', '60485 5 1 2BB183AF'], ['DNSKEY', '257 3 13 AQID'], ['RRSIG', 'A 13 3 300 20300101000000 20250101000000 1 example.test. AQID'],
  ['NSEC', 'next A RRSIG NSEC TYPE1234'], ['NSEC3', '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG'],
  ['NSEC3PARAM', '1 0 12 AABBCCDD'], ['SVCB', '16 foo alpn=h2,h3 mandatory=alpn port=853 ipv4hint=192.0.2.1'],
  ['HTTPS', '1 . alpn=h3 no-default-alpn ipv6hint=2001:db8::1'], ['LOC', '42 21 54 N 71 06 18 W -24m 30m'],
  ['APL', '1:192.168.32.0/21 !2:2001:db8::/32'], ['IPSECKEY', '10 3 2 gw AQNR'], ['HIP', '2 200100107B1A74DF365639CC39F1D578 AwEAAQ== rvs'],
  ['NAPTR', '100 10 "S" "SIP+D2U" "" _sip._udp'], ['MINFO', 'owners errors'], ['AMTRELAY', '128 1 3 relay'], ['A6', '64 ::1 prefix'],
  ['WKS', '192.0.2.5 6 25 80'], ['CSYNC', '66 3 A NS AAAA'], ['ZONEMD', '2018031900 1 1 C68090D90A7AED716BC459F9'], ['EUI48', '00-00-5e-00-53-2a'],
].map(([type, text]) => [typeFromString(type), Uint8Array.from(rdataToWire({ type, data: parseRdata(type, tokenize(text), 'example.test') }))]);

const MUTATORS = [
  // A record of a type from the table with its rdata cut short, bits flipped, padded or replaced.
  [6, (r) => {
    const [type, rdata] = r.pick(TABLE_RDATA);
    const how = r.int(4);
    let data = rdata;
    if (how === 0) data = rdata.subarray(0, r.int(rdata.length));
    else if (how === 1) data = rdata.map((o, i) => (i === r.int(rdata.length) ? o ^ (1 << r.int(8)) : o));
    else if (how === 2) data = concat(rdata, r.bytes(1 + r.int(8)));
    else data = r.bytes(r.int(40));
    const section = r.int(3);
    const record = concat(Uint8Array.of(0), u16(type), u16(1), Uint8Array.of(0, 0, 0, 1), u16(data.length), data);
    return concat(header(r, { an: section === 0 ? 1 : 0, ns: section === 1 ? 1 : 0, ar: section === 2 ? 1 : 0 }), EXAMPLE, QTAIL, record);
  }],
  // Random octets, mostly short, sometimes past the classic and EDNS sizes.
  [10, (r) => r.bytes(r.next() < 0.6 ? r.int(64) : r.next() < 0.75 ? 12 + r.int(500) : r.int(4096))],
  // A valid query with 1 to 8 bits flipped.
  [14, (r, seed) => {
    const b = Uint8Array.from(seed);
    for (let i = 1 + r.int(8); i > 0; i--) b[r.int(b.length)] ^= 1 << r.int(8);
    return b;
  }],
  // Cut short, or with junk after the end.
  [8, (r, seed) => seed.subarray(0, r.int(seed.length))],
  [4, (r, seed) => concat(seed, r.bytes(1 + r.int(64)))],
  // Header counts that disagree with the body.
  [8, (r, seed) => {
    const b = Uint8Array.from(seed);
    for (let i = 1 + r.int(2); i > 0; i--) {
      const at = 4 + 2 * r.int(4);
      const v = r.next() < 0.8 ? r.pick(COUNT_VALUES) : r.int(65536);
      b[at] = v >> 8;
      b[at + 1] = v & 0xff;
    }
    return b;
  }],
  // Compression pointers: to themselves, to each other, forward, past the end, into the header, long chains.
  [10, (r) => {
    const kind = r.int(7);
    if (kind === 0) return concat(header(r), Uint8Array.of(0xc0, 12), QTAIL);
    if (kind === 1) return concat(header(r), Uint8Array.of(1, 97, 0xc0, 12), QTAIL);
    if (kind === 2) return concat(header(r, { qd: 2 }), Uint8Array.of(0xc0, 18), QTAIL, Uint8Array.of(0xc0, 12), QTAIL);
    if (kind === 3) return concat(header(r), Uint8Array.of(0xc0 | r.int(64), r.int(256)), QTAIL);
    if (kind === 4) return concat(header(r), Uint8Array.of(0xc0, r.int(12)), QTAIL);
    if (kind === 5) {
      // Question 1 is the root; then a chain of pointers, each to the one before; question 2 ends it.
      const links = 1 + r.int(200);
      const chain = [];
      for (let i = 0; i < links; i++) chain.push(0xc0 | ((i === 0 ? 12 : 17 + 2 * (i - 1)) >> 8), (i === 0 ? 12 : 17 + 2 * (i - 1)) & 0xff);
      const last = 17 + 2 * (links - 1);
      return concat(header(r, { qd: 2 }), Uint8Array.of(0), QTAIL, Uint8Array.from(chain), Uint8Array.of(0xc0 | (last >> 8), last & 0xff), QTAIL);
    }
    // An answer record whose owner points into its own rdata.
    return concat(header(r, { an: 1 }), EXAMPLE, QTAIL, Uint8Array.of(0xc0, 0x1f), u16(5), u16(1), Uint8Array.of(0, 0, 0, 60), u16(2), Uint8Array.of(0xc0, 0x1d));
  }],
  // Records with huge or wrong RDLENGTH, in every section.
  [8, (r) => {
    const section = r.int(3);
    const type = r.pick([1, 2, 5, 6, 15, 16, 28, 41, 65280]);
    const record = concat(Uint8Array.of(0), u16(type), u16(1), Uint8Array.of(0, 0, 0, 1), u16(r.pick([0xffff, 0xfffe, 1000, 3, 0])), r.bytes(r.int(40)));
    return concat(header(r, { an: section === 0 ? 1 : 0, ns: section === 1 ? 1 : 0, ar: section === 2 ? 1 : 0 }), EXAMPLE, QTAIL, record);
  }],
  // EDNS oddities: versions, sizes, flags, extended RCODE, options, two OPTs, OPT misplaced or not at the root.
  [14, (r, seed) => {
    const q = concat(EXAMPLE, u16(r.pick([1, 6, 16, 255])), u16(1));
    const o = () => opt(r, {
      owner: r.next() < 0.9 ? Uint8Array.of(0) : EXAMPLE,
      size: r.pick(UDP_SIZES),
      ext: r.next() < 0.8 ? 0 : r.int(256),
      version: r.next() < 0.7 ? 0 : r.int(256),
      flags: r.next() < 0.5 ? 0 : r.pick([0x8000, 0x4000, 0x0001, r.int(65536)]),
      rdata: r.next() < 0.6 ? ednsOptions(r) : new Uint8Array(0),
    });
    const kind = r.int(10);
    if (kind === 0) return concat(header(r, { ar: 2 }), q, o(), o());
    if (kind === 1) return concat(header(r, { an: 1 }), q, o());
    if (kind === 2) return concat(header(r, { ar: 1 }), q, opt(r, { rdata: ednsOptions(r), rdlength: r.int(65536) }));
    if (kind === 3) return concat(header(r, { ar: 1 }), q, o()).subarray(0, 12 + q.length + 1 + r.int(10));
    if (kind === 4) return concat(Uint8Array.from(seed).subarray(0, 12), q, o()).map((v, i) => (i === 11 ? 1 : i === 10 ? 0 : v));
    return concat(header(r, { ar: 1, flags: r.next() < 0.5 ? 0x0100 : r.int(65536) & ~0x8000 }), q, o());
  }],
  // Every opcode and header flag: the 16 bits of octets 2–3 on a valid query, in turn (see below).
  [10, null],
  // Odd names: long labels, reserved label types (0x40, 0x80), names over 255 octets, odd octets.
  [6, (r) => {
    const kind = r.int(5);
    let name;
    if (kind === 0) name = concat(Uint8Array.of(63), r.bytes(63), Uint8Array.of(0));
    else if (kind === 1) name = concat(Uint8Array.of(0x40 | r.int(64)), r.bytes(r.int(20)), Uint8Array.of(0));
    else if (kind === 2) name = concat(Uint8Array.of(0x80 | r.int(64)), r.bytes(r.int(20)), Uint8Array.of(0));
    else if (kind === 3) name = concat(...Array.from({ length: 5 + r.int(4) }, () => concat(Uint8Array.of(63), r.bytes(63))), Uint8Array.of(0));
    else name = concat(...Array.from({ length: 1 + r.int(128) }, () => Uint8Array.of(1, r.int(256))), Uint8Array.of(0));
    return concat(header(r), name, u16(r.int(65536)), u16(r.pick([1, 3, 4, 254, 255, r.int(65536)])));
  }],
  // Well-formed queries for random names, types and classes (NXDOMAIN, REFUSED and NODATA paths).
  [8, (r) => {
    const labels = Array.from({ length: 1 + r.int(4) }, () => Array.from({ length: 1 + r.int(12) }, () => String.fromCharCode(97 + r.int(26))).join(''));
    const name = `${labels.join('.')}.${r.pick(['example.test', 'wild.example.test', 'sub.example.test', 'in-addr.arpa', 'invalid'])}`;
    const msg = encode({ id: r.int(65536), questions: [{ name, type: 'A', class: 'IN' }], edns: r.next() < 0.5 ? EDNS : undefined });
    const b = Uint8Array.from(msg);
    const q = 12 + name.length + 2;
    b[q] = r.int(256); // QTYPE, any value
    b[q + 1] = r.int(256);
    if (r.next() < 0.3) b[q + 3] = r.pick([3, 4, 254, 255, r.int(256)]); // QCLASS
    return b;
  }],
];
const TOTAL_WEIGHT = MUTATORS.reduce((n, [w]) => n + w, 0);

/** A packet source: `next()` gives the next fuzz packet; header combinations cycle through all 65536. */
export function packetSource(seed) {
  const r = prng(seed);
  const seeds = seedQueries();
  let combos = 0;
  return {
    /** Header combinations sent so far (all 65,536 after that many). */
    combos: () => combos,
    next() {
      let roll = r.int(TOTAL_WEIGHT);
      for (const [weight, mutate] of MUTATORS) {
        if ((roll -= weight) >= 0) continue;
        const base = r.pick(seeds);
        if (mutate) return mutate(r, base);
        const b = Uint8Array.from(base);
        b[2] = (combos >> 8) & 0xff;
        b[3] = combos & 0xff;
        combos++;
        return b;
      }
      throw new Error('unreachable');
    },
    /** TCP input: garbage, partial and oversize frames, and runs of framed fuzz packets. */
    tcpScenario() {
      const kind = r.int(7);
      const frame = (p) => concat(u16(p.length), p);
      if (kind === 0) return { kind: 'garbage', chunks: [r.bytes(1 + r.int(2000))] };
      if (kind === 1) {
        const q = frame(r.pick(seeds));
        return { kind: 'partial frame', chunks: [q.subarray(0, 1 + r.int(q.length - 1))] };
      }
      if (kind === 2) return { kind: 'oversize prefix', chunks: [concat(u16(0xffff - r.int(100)), r.bytes(r.int(3000)))] };
      if (kind === 3) return { kind: 'short prefix', chunks: [concat(u16(r.int(12)), r.bytes(r.int(20)))] };
      if (kind === 4) return { kind: 'prefix split', chunks: [Uint8Array.of(r.int(256))] };
      if (kind === 5) return { kind: 'reset', chunks: [], reset: true };
      const frames = Array.from({ length: 1 + r.int(40) }, () => frame(this.next()));
      return { kind: 'fuzzed frames', chunks: frames };
    },
  };
}
