import { describe, expect, it } from 'vitest';
import { respond } from '../src/answer/respond.js';
import type { Transport } from '../src/answer/respond.js';
import { MAX_CNAME_CHAIN } from '../src/answer/defaults.js';
import { buildCatalog } from '../src/store/catalog.js';
import { CHILD, DNAME_APEX, DNAMES, EXAMPLE, LONG_CHAIN, LONG_TARGET, OTHER } from './fixtures/answer-zones.js';
import { query, summarize } from './fixtures/query.js';

const catalog = buildCatalog([EXAMPLE, CHILD, OTHER, LONG_CHAIN, DNAMES, DNAME_APEX]);

const SOA_EXAMPLE = 'example.test 300 SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300';
const SOA_CHILD = 'child.example.test 120 SOA ns1.child.example.test. hostmaster.child.example.test. 7 7200 3600 1209600 120';
const SOA_OTHER = 'other.test 60 SOA ns.other.test. hostmaster.other.test. 1 7200 3600 1209600 600';
const SOA_DNAME = 'dname.test 300 SOA ns.dname.test. hostmaster.dname.test. 1 7200 3600 1209600 300';
const WEB = 'web.example.test 300 A 192.0.2.80';
const OLD = 'old.dname.test 600 DNAME new.dname.test.';
const WWW_NEW = 'www.new.dname.test 300 A 192.0.2.11';
const TOO_LONG = `${'y'.repeat(60)}.long.dname.test`;
const SUB_REFERRAL = {
  rcode: 'NOERROR',
  flags: 'qr',
  answer: [],
  authority: ['sub.example.test 3600 NS ns.sub.example.test.', 'sub.example.test 3600 NS ns.other.test.'],
  additional: ['ns.sub.example.test 3600 A 192.0.2.100'],
};

interface Row {
  q: string; // "qname qtype [class]"
  transport?: Transport;
  rcode: string;
  flags: string;
  answer?: string[];
  authority?: string[];
  additional?: string[];
}

const ok = (answer: string[], additional: string[] = []) => ({ rcode: 'NOERROR', flags: 'qr aa', answer, additional });
const nodata = (soa = SOA_EXAMPLE) => ({ rcode: 'NOERROR', flags: 'qr aa', authority: [soa] });
const nxdomain = (soa = SOA_EXAMPLE) => ({ rcode: 'NXDOMAIN', flags: 'qr aa', authority: [soa] });
const refused = { rcode: 'REFUSED', flags: 'qr' };

const rows: Array<[title: string, row: Row]> = [
  // Positive answers: no NS in authority (minimal responses, as NSD and Knot).
  ['apex SOA', { q: 'example.test SOA', ...ok(['example.test 3600 SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300']) }],
  ['apex NS with in-zone addresses in additional', { q: 'example.test NS', ...ok(
    ['example.test 3600 NS ns1.example.test.', 'example.test 3600 NS ns2.example.net.'],
    ['ns1.example.test 3600 A 192.0.2.53', 'ns1.example.test 3600 AAAA 2001:db8::53']) }],
  ['MX targets in this zone and in another served zone', { q: 'example.test MX', ...ok(
    ['example.test 3600 MX 10 mail.example.test.', 'example.test 3600 MX 20 mx.other.test.'],
    ['mail.example.test 3600 A 192.0.2.25', 'mx.other.test 60 A 198.51.100.25', 'mx.other.test 60 AAAA 2001:db8:1::25']) }],
  ['SRV target address in additional', { q: '_sip._udp.example.test SRV', ...ok(
    ['_sip._udp.example.test 300 SRV 10 5 5060 sip.example.test.'], ['sip.example.test 300 A 192.0.2.60']) }],
  ['null MX has no additional', { q: 'nomail.example.test MX', ...ok(['nomail.example.test 300 MX 0 .']) }],
  ['plain A', { q: 'web.example.test A', ...ok([WEB]) }],
  ['class ANY is answered from IN data (NSD)', { q: 'web.example.test A ANY', ...ok([WEB]) }],
  ['opaque type by number', { q: 'unk.example.test TYPE65280', ...ok(['unk.example.test 300 TYPE65280 \\# 2 ABCD']) }],

  // CNAME (RFC 1034 §4.3.2 step 3a).
  ['CNAME followed in zone', { q: 'www.example.test A', ...ok(['www.example.test 300 CNAME web.example.test.', WEB]) }],
  ['CNAME chain followed', { q: 'chain1.example.test A', ...ok([
    'chain1.example.test 300 CNAME chain2.example.test.', 'chain2.example.test 300 CNAME www.example.test.',
    'www.example.test 300 CNAME web.example.test.', WEB]) }],
  ['qtype CNAME is not chased', { q: 'www.example.test CNAME', ...ok(['www.example.test 300 CNAME web.example.test.']) }],
  ['CNAME loop ends with what we have', { q: 'loop1.example.test A', ...ok([
    'loop1.example.test 300 CNAME loop2.example.test.', 'loop2.example.test 300 CNAME loop1.example.test.']) }],
  ['CNAME to itself', { q: 'self.example.test A', ...ok(['self.example.test 300 CNAME self.example.test.']) }],
  ['CNAME out of every served zone stops there', { q: 'out.example.test A', ...ok(['out.example.test 300 CNAME www.elsewhere.example.']) }],
  ['CNAME into another served zone', { q: 'cross.example.test A', ...ok([
    'cross.example.test 300 CNAME host.other.test.', 'host.other.test 60 A 198.51.100.1']) }],
  ['CNAME to a missing name: NXDOMAIN with the target zone SOA (RFC 6604)', { q: 'dangling.example.test A',
    rcode: 'NXDOMAIN', flags: 'qr aa', answer: ['dangling.example.test 300 CNAME gone.other.test.'], authority: [SOA_OTHER] }],
  ['CNAME from a child zone back into the parent', { q: 'back.child.example.test A', ...ok([
    'back.child.example.test 300 CNAME web.example.test.', WEB]) }],
  ['CNAME then NODATA carries the target zone SOA', { q: 'www.example.test AAAA',
    rcode: 'NOERROR', flags: 'qr aa', answer: ['www.example.test 300 CNAME web.example.test.'], authority: [SOA_EXAMPLE] }],

  // DNAME (RFC 6672 §3): the DNAME RRset, a CNAME synthesized with its TTL, then the chain.
  ['DNAME: a name below the owner is substituted and followed', { q: 'www.old.dname.test A', ...ok([
    OLD, 'www.old.dname.test 600 CNAME www.new.dname.test.', WWW_NEW]) }],
  // The DNAME owner is written as a pointer into the question, so it comes back in its case (NSD, Knot).
  ['DNAME: the synthesized CNAME keeps the query’s case', { q: 'WwW.OlD.dname.test A', ...ok([
    'OlD.dname.test 600 DNAME new.dname.test.', 'WwW.OlD.dname.test 600 CNAME WwW.new.dname.test.', 'WwW.new.dname.test 300 A 192.0.2.11']) }],
  ['DNAME: qtype CNAME is answered by the synthesized CNAME, unchased', { q: 'alias.old.dname.test CNAME', ...ok([
    OLD, 'alias.old.dname.test 600 CNAME alias.new.dname.test.']) }],
  ['DNAME: qtype DNAME below the owner is substituted too', { q: 'www.old.dname.test DNAME', rcode: 'NOERROR', flags: 'qr aa',
    answer: [OLD, 'www.old.dname.test 600 CNAME www.new.dname.test.'], authority: [SOA_DNAME] }],
  ['DNAME: ANY below the owner follows the CNAME', { q: 'www.old.dname.test ANY', ...ok([
    OLD, 'www.old.dname.test 600 CNAME www.new.dname.test.', WWW_NEW]) }],
  ['DNAME: the owner itself answers its DNAME', { q: 'old.dname.test DNAME', ...ok([OLD]) }],
  ['DNAME: the owner itself has no A: NODATA', { q: 'old.dname.test A', ...nodata(SOA_DNAME) }],
  ['DNAME then a CNAME at the new name', { q: 'alias.old.dname.test A', ...ok([
    OLD, 'alias.old.dname.test 600 CNAME alias.new.dname.test.', 'alias.new.dname.test 300 CNAME www.new.dname.test.', WWW_NEW]) }],
  ['DNAME then additional addresses of the answer', { q: 'mail.old.dname.test MX', ...ok([
    OLD, 'mail.old.dname.test 600 CNAME mail.new.dname.test.', 'mail.new.dname.test 300 MX 10 www.new.dname.test.'], [WWW_NEW]) }],
  ['DNAME to a missing name: NXDOMAIN after the CNAME', { q: 'nope.old.dname.test A', rcode: 'NXDOMAIN', flags: 'qr aa',
    answer: [OLD, 'nope.old.dname.test 600 CNAME nope.new.dname.test.'], authority: [SOA_DNAME] }],
  ['DNAME substitutes several labels', { q: 'a.b.old.dname.test TXT', rcode: 'NXDOMAIN', flags: 'qr aa',
    answer: [OLD, 'a.b.old.dname.test 600 CNAME a.b.new.dname.test.'], authority: [SOA_DNAME] }],
  ['DNAME for qtype DS below the owner', { q: 'www.old.dname.test DS', rcode: 'NOERROR', flags: 'qr aa',
    answer: [OLD, 'www.old.dname.test 600 CNAME www.new.dname.test.'], authority: [SOA_DNAME] }],
  ['DNAME into another served zone', { q: 'host.away.dname.test A', ...ok([
    'away.dname.test 300 DNAME other.test.', 'host.away.dname.test 300 CNAME host.other.test.', 'host.other.test 60 A 198.51.100.1']) }],
  ['DNAME into another zone to a missing name: that zone’s SOA', { q: 'x.dangling.dname.test A', rcode: 'NXDOMAIN', flags: 'qr aa',
    answer: ['dangling.dname.test 300 DNAME gone.other.test.', 'x.dangling.dname.test 300 CNAME x.gone.other.test.'], authority: [SOA_OTHER] }],
  ['DNAME out of every served zone stops there', { q: 'x.out.dname.test A', ...ok([
    'out.dname.test 300 DNAME elsewhere.example.', 'x.out.dname.test 300 CNAME x.elsewhere.example.']) }],
  ['DNAME loop ends with what we have', { q: 'x.loop-a.dname.test A', ...ok([
    'loop-a.dname.test 300 DNAME loop-b.dname.test.', 'x.loop-a.dname.test 300 CNAME x.loop-b.dname.test.',
    'loop-b.dname.test 300 DNAME loop-a.dname.test.', 'x.loop-b.dname.test 300 CNAME x.loop-a.dname.test.']) }],
  ['DNAME target just within 255 octets', { q: 'x.long.dname.test A', rcode: 'NXDOMAIN', flags: 'qr aa',
    answer: [`long.dname.test 300 DNAME ${LONG_TARGET}`, `x.long.dname.test 300 CNAME x.${LONG_TARGET}`], authority: [SOA_DNAME] }],
  ['DNAME substitution over 255 octets: YXDOMAIN with the DNAME (RFC 6672 §2.2)', { q: `${TOO_LONG} A`, rcode: 'YXDOMAIN', flags: 'qr aa',
    answer: [`long.dname.test 300 DNAME ${LONG_TARGET}`] }],
  ['a cut beside a DNAME wins: referral', { q: 'x.cut.dname.test A', rcode: 'NOERROR', flags: 'qr',
    authority: ['cut.dname.test 300 NS ns.elsewhere.example.'] }],
  ['a CNAME into a DNAME’d name', { q: 'chain.dname.test A', ...ok([
    'chain.dname.test 300 CNAME www.old.dname.test.', OLD, 'www.old.dname.test 600 CNAME www.new.dname.test.', WWW_NEW]) }],
  ['DNAME at the apex redirects names below it', { q: 'www.apex-dname.test A', ...ok([
    'apex-dname.test 300 DNAME new.dname.test.', 'www.apex-dname.test 300 CNAME www.new.dname.test.', WWW_NEW]) }],
  ['DNAME at the apex leaves the apex itself alone', { q: 'apex-dname.test A', ...ok(['apex-dname.test 300 A 192.0.2.1']) }],
  ['DNAME at the apex, qtype DNAME', { q: 'apex-dname.test DNAME', ...ok(['apex-dname.test 300 DNAME new.dname.test.']) }],

  // Negative answers (RFC 2308): SOA with TTL min(SOA TTL, MINIMUM).
  ['NODATA: type absent', { q: 'web.example.test AAAA', ...nodata() }],
  ['NODATA: unknown type', { q: 'web.example.test TYPE65280', ...nodata() }],
  ['NODATA: empty non-terminal', { q: 'c.example.test A', ...nodata() }],
  ['NODATA: deeper empty non-terminal', { q: 'b.c.example.test TXT', ...nodata() }],
  ['NODATA: ANY at an empty non-terminal', { q: 'c.example.test ANY', ...nodata() }],
  ['NODATA TTL is the SOA TTL when below MINIMUM', { q: 'host.other.test MX', ...nodata(SOA_OTHER) }],
  ['NXDOMAIN in another zone', { q: 'nope.other.test A', ...nxdomain(SOA_OTHER) }],
  ['name under an existing one', { q: 'a.b.c.example.test TXT', ...ok(['a.b.c.example.test 300 TXT "deep"']) }],

  // Wildcards (RFC 4592).
  ['wildcard synthesizes with qname as owner', { q: 'nothere.example.test TXT', ...ok(['nothere.example.test 300 TXT "wild"']) }],
  ['wildcard matches several labels down', { q: 'a.b.nothere.example.test TXT', ...ok(['a.b.nothere.example.test 300 TXT "wild"']) }],
  ['wildcard without the type: NODATA', { q: 'nothere.example.test A', ...nodata() }],
  ['literal "*" query', { q: '*.example.test TXT', ...ok(['*.example.test 300 TXT "wild"']) }],
  ['empty non-terminal blocks the apex wildcard: NXDOMAIN', { q: 'x.c.example.test A', ...nxdomain() }],
  ['empty non-terminal closest encloser without its own wildcard', { q: 'nope.b.c.example.test TXT', ...nxdomain() }],
  ['wildcard under an empty non-terminal', { q: 'y.w.example.test A', ...ok(['y.w.example.test 300 A 192.0.2.99']) }],
  ['existing name beats the wildcard', { q: 'x.w.example.test A', ...ok(['x.w.example.test 300 A 192.0.2.98']) }],
  ['the wildcard’s parent is an empty non-terminal: NODATA', { q: 'w.example.test A', ...nodata() }],
  ['closest wildcard without the type: NODATA, not the apex wildcard', { q: 'y.w.example.test TXT', ...nodata() }],
  ['wildcard CNAME is followed', { q: 'foo.wc.example.test A', ...ok(['foo.wc.example.test 300 CNAME web.example.test.', WEB]) }],
  ['wildcard ANY over UDP', { q: 'nothere.example.test ANY', ...ok(['nothere.example.test 300 TXT "wild"']) }],

  // Delegations: referral, not authoritative, glue from the zone.
  ['referral at the cut', { q: 'sub.example.test A', ...SUB_REFERRAL }],
  ['NS at the cut is a referral (NSD, Knot)', { q: 'sub.example.test NS', ...SUB_REFERRAL }],
  ['ANY at the cut is a referral', { q: 'sub.example.test ANY', ...SUB_REFERRAL }],
  ['name below the cut with data in the parent (glue) is a referral', { q: 'deep.sub.example.test A', ...SUB_REFERRAL }],
  ['glue name itself is a referral', { q: 'ns.sub.example.test A', ...SUB_REFERRAL }],
  ['no wildcard below a cut (neither *.sub nor the apex *)', { q: 'anything.sub.example.test TXT', ...SUB_REFERRAL }],
  ['DS at the cut is answered by the parent: NODATA', { q: 'sub.example.test DS', ...nodata() }],
  ['DS below the cut is a referral', { q: 'deep.sub.example.test DS', ...SUB_REFERRAL }],
  ['CNAME into a delegation: the CNAME, then the referral, still AA (as NSD and Knot)', { q: 'tosub.example.test A',
    ...SUB_REFERRAL, flags: 'qr aa', answer: ['tosub.example.test 300 CNAME deep.sub.example.test.'] }],

  // Nested zones: the child answers for its names, the parent for DS at the child apex.
  ['child zone answers its names', { q: 'www.child.example.test A', ...ok(['www.child.example.test 3600 A 192.0.2.202']) }],
  ['child apex NS from the child, authoritative', { q: 'child.example.test NS', ...ok(
    ['child.example.test 3600 NS ns1.child.example.test.'], ['ns1.child.example.test 3600 A 192.0.2.201']) }],
  ['child NXDOMAIN has the child SOA', { q: 'nope.child.example.test A', ...nxdomain(SOA_CHILD) }],
  ['DS at a served child apex comes from the parent', { q: 'child.example.test DS', ...nodata() }],
  ['DS at the top zone apex: NODATA from the zone itself', { q: 'example.test DS', ...nodata() }],

  // ANY (RFC 8482): one RRset over UDP, all over TCP.
  ['ANY over UDP: the first RRset by type number', { q: 'example.test ANY', ...ok(['example.test 3600 A 192.0.2.1']) }],
  ['ANY over TCP: every RRset, with additional', { q: 'example.test ANY', transport: 'tcp', ...ok([
    'example.test 3600 A 192.0.2.1',
    'example.test 3600 NS ns1.example.test.', 'example.test 3600 NS ns2.example.net.',
    'example.test 3600 SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300',
    'example.test 3600 MX 10 mail.example.test.', 'example.test 3600 MX 20 mx.other.test.',
  ], [
    'ns1.example.test 3600 A 192.0.2.53', 'ns1.example.test 3600 AAAA 2001:db8::53', 'mail.example.test 3600 A 192.0.2.25',
    'mx.other.test 60 A 198.51.100.25', 'mx.other.test 60 AAAA 2001:db8:1::25',
  ]) }],
  ['ANY at a CNAME returns the CNAME, unchased', { q: 'www.example.test ANY', ...ok(['www.example.test 300 CNAME web.example.test.']) }],

  // Outside our zones, other classes, transfers.
  ['name outside every zone: REFUSED', { q: 'example.org A', ...refused }],
  ['parent of served zones: REFUSED', { q: 'test SOA', ...refused }],
  ['root: REFUSED', { q: '. NS', ...refused }],
  ['class CH: REFUSED (no id.server/version.bind)', { q: 'example.test SOA CH', ...refused }],
  ['class HS: REFUSED', { q: 'example.test SOA HS', ...refused }],
  ['AXFR: REFUSED (no transfers offered)', { q: 'example.test AXFR', transport: 'tcp', ...refused }],
  ['meta-type OPT as qtype: NODATA (NSD, Knot)', { q: 'example.test OPT', ...nodata() }],
  ['TYPE0: NODATA (NSD)', { q: 'example.test TYPE0', ...nodata() }],
  ['class NONE: REFUSED', { q: 'example.test SOA NONE', ...refused }],
  ['class CH AXFR: REFUSED (the class decides first, as NSD)', { q: 'example.test AXFR CH', ...refused }],
  ['IXFR: REFUSED', { q: 'example.test IXFR', ...refused }],
];

describe('answers from fixture zones', () => {
  it.each(rows)('%s', (_title, row) => {
    const [qname, qtype, qclass] = row.q.split(' ');
    const outcome = respond(query(qname, qtype, qclass ?? 'IN'), catalog, row.transport ?? 'udp');
    expect(outcome.reply).toBeDefined();
    expect(summarize(outcome.reply!)).toEqual({
      rcode: row.rcode,
      flags: row.flags,
      answer: row.answer ?? [],
      authority: row.authority ?? [],
      additional: row.additional ?? [],
    });
  });
});

describe('bounds', () => {
  it(`a long CNAME chain stops after ${MAX_CNAME_CHAIN} hops with what it has`, () => {
    const reply = summarize(respond(query('c0.chain.test', 'A'), catalog, 'tcp').reply!);
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.flags).toBe('qr aa');
    expect(reply.answer).toHaveLength(MAX_CNAME_CHAIN + 1);
    expect(reply.answer.every((r) => r.includes(' CNAME '))).toBe(true);
    expect(reply.answer.at(-1)).toBe(`c${MAX_CNAME_CHAIN}.chain.test 60 CNAME c${MAX_CNAME_CHAIN + 1}.chain.test.`);
  });

  it('a chain within the limit is followed to the end', () => {
    const reply = summarize(respond(query(`c${29 - MAX_CNAME_CHAIN}.chain.test`, 'A'), catalog, 'tcp').reply!);
    expect(reply.answer.at(-1)).toBe('c29.chain.test 60 A 192.0.2.29');
    expect(reply.answer).toHaveLength(MAX_CNAME_CHAIN + 1);
  });
});

describe('DNAME bounds', () => {
  it(`a DNAME pointing below itself is listed once, its CNAMEs bounded by ${MAX_CNAME_CHAIN} hops`, () => {
    const reply = summarize(respond(query('x.grow.dname.test', 'A'), catalog, 'tcp').reply!);
    expect([reply.rcode, reply.flags]).toEqual(['NOERROR', 'qr aa']);
    expect(reply.answer[0]).toBe('grow.dname.test 300 DNAME deeper.grow.dname.test.');
    expect(reply.answer.filter((r) => r.includes(' DNAME '))).toHaveLength(1);
    expect(reply.answer.slice(1)).toHaveLength(MAX_CNAME_CHAIN + 1);
    expect(reply.answer[1]).toBe('x.grow.dname.test 300 CNAME x.deeper.grow.dname.test.');
    expect(reply.answer.at(-1)).toBe(`x.${'deeper.'.repeat(MAX_CNAME_CHAIN)}grow.dname.test 300 CNAME x.${'deeper.'.repeat(MAX_CNAME_CHAIN + 1)}grow.dname.test.`);
  });
});

describe('outcome', () => {
  it('names the kind, rcode, qname, qtype and source for the transport to log and RRL to count', () => {
    const answered = respond(query('Web.Example.Test', 'A'), catalog, 'udp');
    expect({ ...answered, reply: undefined }).toEqual({ kind: 'answered', rcode: 0, qname: 'Web.Example.Test', qtype: 'A', source: { kind: 'answer', name: 'web.example.test' }, reply: undefined });
    const nx = respond(query('x.c.example.test', 'A'), catalog, 'udp');
    expect([nx.kind, nx.rcode]).toEqual(['answered', 3]);
    const refusedOutcome = respond(query('example.org', 'A'), catalog, 'udp');
    expect([refusedOutcome.kind, refusedOutcome.rcode, refusedOutcome.reason]).toEqual(['refused', 5, 'not authoritative for the name']);
  });
});
