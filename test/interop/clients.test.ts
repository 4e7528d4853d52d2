// Issue 5 §1: real clients against port53d. dig and kdig ask a running server for every owner name
// × type of the zones, over UDP and TCP, with and without EDNS, with and without RD, in mixed case;
// their parsed output must match port53's own reply to the same query (decoded by @port53/wire),
// the zone's records, and a table of hand-written expectations.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServer, type Server } from '@port53/server';
import { canonicalName, encode, fqdn, isSubdomain, type MessageInit, type ResourceRecord } from '@port53/wire';
import { loadZone } from '../../packages/server/src/zonefile/index.js';
import type { DigResult } from '../support/dig.js';
import { digBatch } from '../support/dig-batch.js';
import { kdigMany } from '../support/kdig.js';
import { tcpExchange, udpExchange } from '../support/loopback.mjs';
import { pooled } from '../support/pooled.js';
import { presentRecord, sameAddressForm, viewDifferences, viewOfDig, viewOfReply } from '../support/reply-view.js';
import { describeWithTools } from '../support/tools.js';

const root = join(import.meta.dirname, '..', '..');
const corpusDir = join(import.meta.dirname, 'zones', 'corpus');

/**
 * Fixture zones beside zones/: the server fixture has an RRset over 512 octets (TC), and these
 * corpus files bring the shapes and presentation corners a client renders (escaped names and
 * strings, long TXT, CNAME chains, wildcards, delegations, every typed type, RFC 3597 data).
 */
const CORPUS = [
  'valid-all-types.zone', 'valid-case.zone', 'valid-cname-chains.zone', 'valid-delegation-glue.zone',
  'valid-empty-non-terminal.zone', 'valid-generic-rdata.zone', 'valid-ipv6-forms.zone', 'valid-long-txt.zone',
  'valid-name-escapes.zone', 'valid-name-limits.zone', 'valid-quoted-escapes.zone',
  'valid-wildcard.zone',
];

const SOA = 'example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2024061501 7200 900 1209600 300';
/** Negative answers carry the SOA at the TTL of its MINIMUM (RFC 2308 §3). */
const NEG_SOA = SOA.replace(' 3600 ', ' 300 ');
const HOST1_A = ['host1.example.test. 300 IN A 192.0.2.10', 'host1.example.test. 300 IN A 192.0.2.11', 'host1.example.test. 300 IN A 192.0.2.12'];

/** What dig shows for zones/example.test.zone, written out by hand from the zone file. */
const EXPECTATIONS: { query: string; status: string; aa: boolean; answer: string[]; authority?: string[]; additional?: string[] }[] = [
  { query: 'example.test SOA', status: 'NOERROR', aa: true, answer: [SOA] },
  { query: 'example.test NS', status: 'NOERROR', aa: true, answer: ['example.test. 3600 IN NS ns1.example.test.', 'example.test. 3600 IN NS ns2.example.test.'] },
  { query: 'example.test MX', status: 'NOERROR', aa: true, answer: ['example.test. 3600 IN MX 10 mail.example.test.', 'example.test. 3600 IN MX 20 mail2.example.test.'] },
  { query: 'example.test CAA', status: 'NOERROR', aa: true, answer: ['example.test. 3600 IN CAA 0 issue "ca.example.net"', 'example.test. 3600 IN CAA 128 iodef "mailto:security@example.test"'] },
  { query: 'host1.example.test A', status: 'NOERROR', aa: true, answer: HOST1_A },
  { query: 'host1.example.test HINFO', status: 'NOERROR', aa: true, answer: ['host1.example.test. 300 IN HINFO "x86_64" "Linux"'] },
  { query: 'ns2.example.test AAAA', status: 'NOERROR', aa: true, answer: ['ns2.example.test. 86400 IN AAAA 2001:db8:1::53'] },
  // RFC 1034 §4.3.2 step 3a: the chain www → web → host1 is followed inside the zone.
  { query: 'www.example.test A', status: 'NOERROR', aa: true, answer: ['www.example.test. 3600 IN CNAME web.example.test.', 'web.example.test. 3600 IN CNAME host1.example.test.', ...HOST1_A] },
  { query: 'ftp.example.test CNAME', status: 'NOERROR', aa: true, answer: ['ftp.example.test. 3600 IN CNAME host1.example.test.'] },
  // A CNAME to a name without the type: the CNAME, then NODATA's SOA (RFC 2308 §2.2).
  { query: 'web.example.test MX', status: 'NOERROR', aa: true, answer: ['web.example.test. 3600 IN CNAME host1.example.test.'], authority: [NEG_SOA] },
  { query: '_sip._tcp.example.test SRV', status: 'NOERROR', aa: true, answer: ['_sip._tcp.example.test. 3600 IN SRV 10 60 5060 host1.example.test.', '_sip._tcp.example.test. 3600 IN SRV 20 40 5060 mail2.example.test.'] },
  { query: 'escaped.example.test TXT', status: 'NOERROR', aa: true, answer: ['escaped.example.test. 3600 IN TXT "say \\"hello\\"; a backslash \\\\ and a tab\\009 and caf\\195\\169"'] },
  { query: 'unknown.example.test TYPE65280', status: 'NOERROR', aa: true, answer: ['unknown.example.test. 3600 IN TYPE65280 \\# 4 0A000001'] },
  // RFC 4592: a wildcard answers for names that do not exist, with the query name as owner ...
  { query: 'anything.wild.example.test A', status: 'NOERROR', aa: true, answer: ['anything.wild.example.test. 3600 IN A 192.0.2.80'] },
  // ... but not for a name that exists (NODATA), nor below one (NXDOMAIN).
  { query: 'exists.wild.example.test TXT', status: 'NOERROR', aa: true, answer: [], authority: [NEG_SOA] },
  { query: 'x.exists.wild.example.test A', status: 'NXDOMAIN', aa: true, answer: [], authority: [NEG_SOA] },
  // An empty non-terminal exists: NODATA, not NXDOMAIN (RFC 8020).
  { query: 'b.example.test A', status: 'NOERROR', aa: true, answer: [], authority: [NEG_SOA] },
  { query: 'missing.example.test A', status: 'NXDOMAIN', aa: true, answer: [], authority: [NEG_SOA] },
  // Nested zones: sub.example.test is delegated by example.test and served here too, so the most
  // specific zone answers, authoritatively (test/interop/zones/served/sub.example.test.zone).
  { query: 'www.sub.example.test A', status: 'NOERROR', aa: true, answer: ['www.sub.example.test. 600 IN A 192.0.2.101'] },
  // Below a zone cut: a referral with glue, not authoritative (RFC 1034 §4.3.2 step 3b).
  {
    query: 'x.deeper.sub.example.test A', status: 'NOERROR', aa: false, answer: [],
    authority: ['deeper.sub.example.test. 600 IN NS ns.deeper.sub.example.test.'],
    additional: ['ns.deeper.sub.example.test. 600 IN A 192.0.2.102'],
  },
  { query: '10.2.0.192.in-addr.arpa PTR', status: 'NOERROR', aa: true, answer: ['10.2.0.192.in-addr.arpa. 3600 IN PTR host1.example.test.'] },
];

interface ZoneFile {
  origin: string;
  file: string;
}

function zoneFiles(): ZoneFile[] {
  const dirFiles = (dir: string) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.zone')).sort().map((f) => ({ origin: f.slice(0, -'.zone'.length), file: join(dir, f) }));
    } catch {
      return [];
    }
  };
  const corpus = CORPUS.map((f) => {
    const m = /^\$ORIGIN\s+(\S+)/im.exec(readFileSync(join(corpusDir, f), 'utf8'));
    if (!m) throw new Error(`${f}: no $ORIGIN`);
    return { origin: canonicalName(m[1].replace(/\.$/, '')), file: join(corpusDir, f) };
  });
  return [
    ...dirFiles(join(root, 'zones')),
    ...dirFiles(join(import.meta.dirname, 'zones', 'served')),
    { origin: 'server.test', file: join(root, 'packages', 'server', 'test', 'fixtures', 'server', 'server.test.zone') },
    ...corpus,
  ];
}

/** One question for every owner × type, and what the zone says the answer holds. */
interface Pair {
  owner: string;
  type: string;
  /** Records the answer must hold (lower case, presentation form); empty for referrals. */
  expected: string[];
  /** At or below a zone cut: a referral, AA clear. */
  referral: boolean;
}

/** One query as a client sends it. */
interface ClientQuery {
  pair: Pair;
  name: string;
  tcp: boolean;
  edns: boolean;
  rd: boolean;
}

interface Variant {
  label: string;
  tool: 'dig' | 'kdig';
  tcp: boolean;
  edns: boolean;
  rd: boolean;
  mixedCase: boolean;
}

// kdig 3.2 lower-cases the names it sends, so mixed case is dig's job.
const VARIANTS: Variant[] = [
  { label: 'dig UDP, EDNS, +norec', tool: 'dig', tcp: false, edns: true, rd: false, mixedCase: false },
  { label: 'dig TCP, +noedns, +norec', tool: 'dig', tcp: true, edns: false, rd: false, mixedCase: false },
  { label: 'dig UDP, +noedns, RD, mixed case', tool: 'dig', tcp: false, edns: false, rd: true, mixedCase: true },
  { label: 'dig TCP, EDNS, RD, mixed case', tool: 'dig', tcp: true, edns: true, rd: true, mixedCase: true },
  { label: 'kdig UDP, no EDNS, +norec', tool: 'kdig', tcp: false, edns: false, rd: false, mixedCase: false },
  { label: 'kdig TCP, +edns, RD', tool: 'kdig', tcp: true, edns: true, rd: true, mixedCase: false },
];

/** Flips the case of every other letter: "www.example.test" → "wWw.ExAmPlE.TeSt" (\DDD digits untouched). */
function mixedCase(name: string): string {
  let i = 0;
  return name.replace(/[a-z]/gi, (c) => (i++ % 2 ? c.toUpperCase() : c.toLowerCase()));
}

/** Every owner × every type at it, plus one type absent there (NODATA, or the CNAME). */
function pairsOf(origin: string, records: ResourceRecord[]): Pair[] {
  const owners = [...new Set(records.map((r) => canonicalName(r.name)))];
  const cuts = owners.filter((o) => o !== canonicalName(origin) && records.some((r) => r.type === 'NS' && canonicalName(r.name) === o));
  const pairs: Pair[] = [];
  for (const owner of owners) {
    const here = records.filter((r) => canonicalName(r.name) === owner);
    const types = [...new Set(here.map((r) => r.type as string))];
    const absent = ['TXT', 'A', 'MX', 'SRV', 'PTR', 'HINFO'].find((t) => !types.includes(t))!;
    const referral = cuts.some((c) => isSubdomain(owner, c));
    for (const type of [...types, absent]) {
      const exact = here.filter((r) => r.type === type);
      const cname = here.filter((r) => r.type === 'CNAME');
      const expected = referral ? [] : (exact.length ? exact : cname).map((r) => presentRecord({ ...r, name: owner }).toLowerCase());
      pairs.push({ owner: fqdn(owner), type, expected, referral });
    }
  }
  return pairs;
}

function rawQuery(q: ClientQuery, tool: 'dig' | 'kdig', bufsize = 1232): Uint8Array {
  const message: MessageInit = {
    id: (Math.random() * 0x10000) | 0,
    // dig sets AD in queries by default (RFC 6840 §5.7); kdig does not.
    flags: { rd: q.rd, ad: tool === 'dig' },
    questions: [{ name: q.name, type: q.pair.type, class: 'IN' }] as MessageInit['questions'],
    edns: q.edns ? { version: 0, udpPayloadSize: bufsize, do: false, flags: 0, options: [] } : undefined,
  };
  return encode(message);
}

describeWithTools('clients: dig and kdig against port53d', ['dig', 'kdig'], (tools) => {
  let server: Server;
  let pairs: Pair[] = [];
  const checked = { dig: 0, kdig: 0 };

  beforeAll(async () => {
    const specs = zoneFiles();
    const zones = await Promise.all(specs.map((s) => loadZone(s)));
    // With nested zones the most specific one answers: a parent's pairs at or below a child's apex
    // (its delegation and glue) are left to the child's own pairs.
    const origins = zones.map((z) => canonicalName(z.origin));
    const answeredBy = (owner: string) =>
      origins.filter((o) => isSubdomain(owner, o)).sort((a, b) => b.length - a.length)[0];
    pairs = zones.flatMap((z) =>
      pairsOf(z.origin, z.records).filter((p) => answeredBy(p.owner.slice(0, -1)) === canonicalName(z.origin)),
    );
    server = await createServer({ zones: specs, addresses: ['127.0.0.1'], port: 0 });
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    process.stdout.write(`clients: ${checked.dig} queries checked with dig, ${checked.kdig} with kdig\n`);
  });

  function run(tool: 'dig' | 'kdig', global: string[], lines: string[][]): Promise<DigResult[]> {
    return tool === 'dig' ? digBatch(tools.dig, server.port, global, lines) : kdigMany(tools.kdig, server.port, global, lines);
  }

  test('the zones give owner × type pairs of every kind', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(200);
    expect(pairs.some((p) => p.referral)).toBe(true);
    expect(pairs.some((p) => p.owner.startsWith('*.'))).toBe(true);
  });

  test('dig shows what the zone file says (hand-written table)', async () => {
    const results = await digBatch(tools.dig, server.port, ['+norec'], EXPECTATIONS.map((e) => e.query.split(' ')));
    checked.dig += results.length;
    const got = results.map((r, i) => {
      const e = EXPECTATIONS[i];
      return {
        query: e.query,
        status: r.status,
        aa: r.flags.includes('aa'),
        answer: [...r.answer].sort(),
        ...(e.authority ? { authority: [...r.authority].sort() } : {}),
        ...(e.additional ? { additional: [...r.additional].sort() } : {}),
      };
    });
    const want = EXPECTATIONS.map((e) => ({
      ...e,
      answer: [...e.answer].sort(),
      ...(e.authority ? { authority: [...e.authority].sort() } : {}),
      ...(e.additional ? { additional: [...e.additional].sort() } : {}),
    }));
    expect(got).toEqual(want);
  });

  // server.test's "big" TXT RRset is 998 octets: over a 512-octet buffer it is truncated.
  const BIG = ['big.server.test', 'TXT'];
  test('+bufsize=512 on a large answer: TC over UDP (+ignore), then the whole RRset over TCP', async () => {
    const [tc, tcNoEdns, full, fullNoEdns] = await digBatch(tools.dig, server.port, ['+norec'], [
      [...BIG, '+bufsize=512', '+ignore'],
      [...BIG, '+noedns', '+ignore'],
      [...BIG, '+bufsize=512'],
      [...BIG, '+noedns'],
    ]);
    const [ktc, kfull] = await kdigMany(tools.kdig, server.port, ['+norec'], [[...BIG, '+bufsize=512', '+ignore'], [...BIG, '+bufsize=512']]);
    checked.dig += 4;
    checked.kdig += 2;
    for (const r of [tc, tcNoEdns, ktc]) {
      expect(r.status).toBe('NOERROR');
      expect(r.transport).toBe('UDP');
      expect(r.flags).toContain('tc');
      expect(r.flags).toContain('aa');
      // RFC 2181 §9: a truncated RRset is left out whole, not cut short.
      expect(r.answer).toEqual([]);
      expect(r.question).toEqual(['big.server.test. IN TXT']);
    }
    expect([tc.edns, tcNoEdns.edns, ktc.edns]).toEqual([true, false, true]);
    for (const r of [full, fullNoEdns]) expect(r.retriedOverTcp).toBe(true);
    for (const r of [full, fullNoEdns, kfull]) {
      expect(r.transport).toBe('TCP');
      expect(r.flags).not.toContain('tc');
      expect(r.answer).toHaveLength(9);
      expect(r.answer.every((a) => /^big\.server\.test\. 300 IN TXT "record 0\d: padding text/.test(a))).toBe(true);
    }
    // The same RRset whichever client fetched it.
    expect(viewOfDig(kfull).answer).toEqual(viewOfDig(full).answer);
  });

  test.each(VARIANTS)('$label: every owner × type answered as port53 answers it, with the zone\'s records', async (v) => {
    const queries: ClientQuery[] = pairs.map((pair) => ({
      pair, name: v.mixedCase ? mixedCase(pair.owner) : pair.owner, tcp: v.tcp, edns: v.edns, rd: v.rd,
    }));
    const lines = queries.map((q) =>
      v.tool === 'dig'
        ? [q.name, q.pair.type, q.rd ? '+rec' : '+norec', q.edns ? '+edns' : '+noedns']
        : [q.name, q.pair.type, q.rd ? '+rec' : '+norec', ...(q.edns ? ['+edns'] : [])],
    );
    const results = await run(v.tool, v.tcp ? ['+tcp'] : v.tool === 'dig' ? ['+notcp'] : [], lines);
    const failures: string[] = [];
    // Fewer in flight than port53d's TCP connections per client (10).
    await pooled(queries, 8, async (q, i) => {
      const r = results[i];
      const problems: string[] = [];
      // The transport dig ended on: a UDP query whose reply was truncated is retried over TCP.
      const transport = r.transport ?? 'UDP';
      const mine = viewOfReply(await (transport === 'TCP' ? tcpExchange : udpExchange)(server.port, rawQuery(q, v.tool)));
      if (v.tcp && transport !== 'TCP') problems.push(`sent over ${transport}, not TCP`);
      if (!v.tcp && transport === 'TCP') {
        const udp = viewOfReply(await udpExchange(server.port, rawQuery(q, v.tool)));
        if (typeof udp === 'string' || !udp.flags.includes('tc')) problems.push('retried over TCP without a truncated UDP reply');
      }
      problems.push(...viewDifferences(viewOfDig(r), mine));
      // What a person reads in the output, whatever port53's own decoder says.
      const question = `${v.tool === 'kdig' ? q.name.toLowerCase() : q.name} IN ${q.pair.type}`;
      if (r.question[0] !== question) problems.push(`question ${JSON.stringify(r.question)}, sent ${question}`);
      if (!['NOERROR', 'NXDOMAIN'].includes(r.status)) problems.push(`status ${r.status}`);
      for (const flag of ['ra', 'ad', 'tc']) if (r.flags.includes(flag)) problems.push(`flag ${flag} set`);
      if (r.flags.includes('rd') !== q.rd) problems.push(`rd ${r.flags.includes('rd') ? 'set' : 'clear'}, sent ${q.rd ? 'set' : 'clear'}`);
      if (r.flags.includes('aa') === q.pair.referral) problems.push(`aa ${q.pair.referral ? 'set on a referral' : 'clear'}`);
      if (r.edns !== q.edns) problems.push(`EDNS in reply: ${r.edns}, in query: ${q.edns}`);
      const answer = r.answer.map((a) => sameAddressForm(a).toLowerCase());
      const missing = q.pair.expected.filter((e) => !answer.includes(e));
      if (missing.length) problems.push(`answer lacks the zone's ${JSON.stringify(missing)}`);
      if (q.pair.referral && !r.authority.some((a) => / IN NS /.test(a))) problems.push('referral without NS in authority');
      if (problems.length) failures.push(`${v.tool} ${lines[i].join(' ')}${v.tcp ? ' +tcp' : ''}:\n    ${problems.join('\n    ')}`);
    });
    checked[v.tool] += queries.length;
    if (failures.length) process.stdout.write(`${v.label}: ${failures.length} of ${queries.length} failed:\n  ${failures.slice(0, 40).join('\n  ')}\n`);
    expect(failures).toEqual([]);
  }, 60_000);
});
