// What a DO query gets from a pre-signed zone (RFC 4035 §3.1), row by row. The signatures are
// placeholders: answering never checks them. NSEC3 and the signers' real output are compared with
// NSD and Knot in test/interop/dnssec.test.ts.
import { describe, expect, it } from 'vitest';
import { respond } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { fixtureZone } from './fixtures/answer-zones.js';
import { query, summarize, type Summary } from './fixtures/query.js';

// 96 octets of signature, as large as a real one's: four RRSIGs then do not fit in 512 octets.
const B64 = Buffer.alloc(96, 7).toString('base64');
const SIG = `13 2 3600 20300101000000 20250101000000 1 sig.test. ${B64}`;
const sig = (type: string, labels: number, ttl: number) => `RRSIG ${type} 13 ${labels} ${ttl} 20300101000000 20250101000000 1 sig.test. ${B64}`;

// Canonical order (RFC 4034 §6.1): sig.test, ns, w (an empty non-terminal), *.w, www.
const SIGNED = fixtureZone(
  'sig.test',
  `
@    3600 SOA   ns hostmaster 1 7200 3600 1209600 300
@    3600 RRSIG SOA ${SIG}
@    3600 NS    ns
@    3600 RRSIG NS ${SIG}
@    300  NSEC  ns.sig.test. NS SOA RRSIG NSEC
@    300  ${sig('NSEC', 2, 300)}
ns   300  A     192.0.2.53
ns   300  ${sig('A', 3, 300)}
ns   300  NSEC  *.w.sig.test. A RRSIG NSEC
ns   300  ${sig('NSEC', 3, 300)}
*.w  300  TXT   "from the wildcard"
*.w  300  ${sig('TXT', 3, 300)}
*.w  300  NSEC  www.sig.test. TXT RRSIG NSEC
*.w  300  ${sig('NSEC', 3, 300)}
www  300  A     192.0.2.1
www  300  ${sig('A', 3, 300)}
www  300  NSEC  sig.test. A RRSIG NSEC
www  300  ${sig('NSEC', 3, 300)}
`,
);
const catalog = buildCatalog([SIGNED]);

const SOA = 'sig.test 300 SOA ns.sig.test. hostmaster.sig.test. 1 7200 3600 1209600 300';
const SOA_SIG = `sig.test 300 RRSIG SOA 13 2 3600 20300101000000 20250101000000 1 sig.test. ${B64}`;
const nsec = (owner: string, next: string, types: string, labels: number) => [
  `${owner} 300 NSEC ${next} ${types}`,
  `${owner} 300 RRSIG NSEC 13 ${labels} 300 20300101000000 20250101000000 1 sig.test. ${B64}`,
];

type Row = Partial<Summary> & { q: string; flags?: string; cd?: boolean; noDo?: boolean };

const rows: [string, Row][] = [
  ['an answer carries its RRSIGs', { q: 'www.sig.test A', answer: ['www.sig.test 300 A 192.0.2.1', `www.sig.test 300 ${sig('A', 3, 300)}`] }],
  ['without DO, no RRSIG (RFC 3225 §3)', { q: 'www.sig.test A', noDo: true, answer: ['www.sig.test 300 A 192.0.2.1'] }],
  ['asked for by type, RRSIGs come without DO', { q: 'www.sig.test RRSIG', noDo: true, answer: [`www.sig.test 300 ${sig('A', 3, 300)}`, `www.sig.test 300 ${sig('NSEC', 3, 300)}`] }],
  ['NXDOMAIN: the NSEC covering the name and the one covering the wildcard (RFC 4035 §3.1.3.2)', {
    q: 'nx.sig.test A', rcode: 'NXDOMAIN',
    authority: [SOA, SOA_SIG, ...nsec('ns.sig.test', '*.w.sig.test.', 'A RRSIG NSEC', 3), ...nsec('sig.test', 'ns.sig.test.', 'NS SOA RRSIG NSEC', 2)],
  }],
  ['NODATA: the name’s own NSEC (RFC 4035 §3.1.3.1)', { q: 'www.sig.test TXT', authority: [SOA, SOA_SIG, ...nsec('www.sig.test', 'sig.test.', 'A RRSIG NSEC', 3)] }],
  ['an empty non-terminal: the NSEC that covers it', { q: 'w.sig.test A', authority: [SOA, SOA_SIG, ...nsec('ns.sig.test', '*.w.sig.test.', 'A RRSIG NSEC', 3)] }],
  ['a wildcard answer: RRSIGs owned by the name, and the NSEC proving the name absent (§3.1.3.3)', {
    q: 'a.w.sig.test TXT',
    answer: ['a.w.sig.test 300 TXT "from the wildcard"', `a.w.sig.test 300 ${sig('TXT', 3, 300)}`],
    authority: nsec('*.w.sig.test', 'www.sig.test.', 'TXT RRSIG NSEC', 3),
  }],
  ['wildcard NODATA: the wildcard’s NSEC, which here also covers the name, once (§3.1.3.4)', { q: 'a.w.sig.test A', authority: [SOA, SOA_SIG, ...nsec('*.w.sig.test', 'www.sig.test.', 'TXT RRSIG NSEC', 3)] }],
  ['CD is copied, AD never set (RFC 4035 §3, §3.1.6)', { q: 'www.sig.test A', cd: true, flags: 'qr aa cd', answer: ['www.sig.test 300 A 192.0.2.1', `www.sig.test 300 ${sig('A', 3, 300)}`] }],
];

describe('answers from a signed zone with DO', () => {
  it.each(rows)('%s', (_title, row) => {
    const [qname, qtype] = row.q.split(' ');
    const reply = respond(query(qname, qtype, 'IN', { flags: { rd: false, cd: row.cd ?? false }, edns: { do: !row.noDo } }), catalog, 'udp').reply!;
    expect(summarize(reply)).toEqual({
      rcode: row.rcode ?? 'NOERROR',
      flags: row.flags ?? 'qr aa',
      answer: row.answer ?? [],
      authority: row.authority ?? [],
      additional: row.additional ?? [],
    });
  });

  it('a reply too large for 512 octets drops an RRset with its RRSIGs, never one without the other (RFC 4035 §3.1.1)', () => {
    const reply = summarize(respond(query('nx.sig.test', 'A', 'IN', { edns: { do: true, udpPayloadSize: 512 } }), catalog, 'udp').reply!);
    expect([reply.rcode, reply.flags]).toEqual(['NXDOMAIN', 'qr aa tc']);
    expect(reply.authority.length).toBeGreaterThan(0);
    expect(reply.authority.length).toBeLessThan(8); // some of the 8 records went
    const sets = reply.authority.map((r) => r.split(' ')).map(([owner, , type, covered]) => `${owner} ${type === 'RRSIG' ? covered : type}`);
    for (const key of new Set(sets)) expect(sets.filter((s) => s === key).length, key).toBe(2);
  });
});
