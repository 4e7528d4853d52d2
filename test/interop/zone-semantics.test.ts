// Issue 11 §3: zone semantics that foreign zone files exposed, asked of port53d, NSD and Knot
// serving the same files (test/interop/zones/semantics/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode, formatRecord, type ResourceRecord, type TypeName } from '@port53/wire';
import { recordKey } from '../support/battery.js';
import { tcpExchange } from '../support/loopback.mjs';
import { startThreeServers, type ThreeServers } from '../support/three-servers.js';
import { PORT53D } from '../support/port53d.js';
import { describeWithTools } from '../support/tools.js';

const dir = join(import.meta.dirname, 'zones', 'semantics');
const specs = ['wildglue.test', 'rdatacase.test', 'rrsigttl.test'].map((origin) => ({ origin, file: join(dir, `${origin}.zone`) }));

async function ask(port: number, name: string, type: TypeName) {
  return decode((await tcpExchange(port, encode({ id: 7, flags: { rd: false }, questions: [{ name, type, class: 'IN' }] })))!);
}

const keys = (records: ResourceRecord[]) => records.map((r) => recordKey(r, formatRecord).replaceAll('\t', ' ')).sort();

describeWithTools('zone semantics: port53d vs NSD vs Knot', ['nsd', 'knotd'], (tools) => {
  let servers: ThreeServers | undefined;
  beforeAll(async () => {
    servers = await startThreeServers(tools, specs);
  }, 60_000);
  afterAll(async () => {
    await servers?.stop();
  });

  /** NSD also adds the apex NS's addresses to every answer (not minimal responses): not compared. */
  const apexGlue = 'ns1.wildglue.test. 300 in a 192.0.2.53';
  const wildAddresses = (name: string) => [`${name}.wildglue.test. 300 in a 192.0.2.10`, `${name}.wildglue.test. 300 in aaaa 2001:db8::10`];

  // [qname, qtype, our additional section, the references that differ (why: in the row's comment)]
  test.each<[string, TypeName, string[], ('nsd' | 'knot')[]?]>([
    ['www.abc.wildglue.test', 'A', ['a.ns.abc.wildglue.test. 300 in aaaa 2001:db8::1']], // Knot's glue_wildcard case
    ['www.def.wildglue.test', 'A', wildAddresses('d.hosts')],
    ['www.ghi.wildglue.test', 'A', ['g.ns.ghi.wildglue.test. 300 in a 192.0.2.7']],
    ['mail.wildglue.test', 'MX', wildAddresses('x.hosts')],
    ['MAIL.WildGlue.test', 'MX', wildAddresses('x.hosts')],
    ['_sip._udp.wildglue.test', 'SRV', wildAddresses('y.hosts')],
    ['wildglue.test', 'MX', wildAddresses('z.hosts')],
    ['ent.wildglue.test', 'MX', []],
    ['nomail.wildglue.test', 'MX', []],
    ['deep.wildglue.test', 'MX', [], ['knot']], // Knot adds glue below a cut to MX answers; NSD and we do not
    // Each server adds some of these types' targets; port53d adds every one an RFC asks for.
    ['kx.wildglue.test', 'KX', wildAddresses('k.hosts'), ['knot']],
    ['rt.wildglue.test', 'RT', wildAddresses('r.hosts'), ['knot']],
    ['afsdb.wildglue.test', 'AFSDB', wildAddresses('a.hosts'), ['nsd', 'knot']],
    ['svc.wildglue.test', 'SVCB', wildAddresses('s.hosts'), ['nsd', 'knot']], // Knot: owned by "*.hosts", not the target
    ['web.wildglue.test', 'HTTPS', wildAddresses('h.hosts'), ['nsd', 'knot']],
    ['svc2.wildglue.test', 'SVCB', ['real.wildglue.test. 300 in a 192.0.2.99'], ['nsd']],
    ['kx2.wildglue.test', 'KX', ['real.wildglue.test. 300 in a 192.0.2.99'], ['knot']],
  ])('%s %s: addresses in additional as NSD and Knot add them', async (name, type, expected, differs = []) => {
    const [ours, nsd, knot] = await Promise.all([servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((p) => ask(p, name, type)));
    expect(keys(ours.additionals)).toEqual(expected);
    const theirs = { nsd: keys(nsd.additionals).filter((k) => k !== apexGlue), knot: keys(knot.additionals) };
    for (const reference of ['nsd', 'knot'] as const) {
      if (differs.includes(reference)) expect(theirs[reference]).not.toEqual(expected);
      else expect(theirs[reference]).toEqual(expected);
    }
  });

  /** Each answer record as "TYPE rdata", exactly as sent (case kept). */
  const rdata = (records: ResourceRecord[]) => records.map((r) => formatRecord(r).split('\t').slice(3).join(' '));
  const SOA_TAIL = '1 3600 600 86400 300';

  // [qname as a 0x20 client sends it, qtype, the answer's rdata as port53d sends it, the reference
  // that differs]. Names in the rdata of the types whose canonical form lower-cases them (RFC 4034
  // §6.2, RFC 6840 §5.1) are served in lower case, as NSD and Knot serve them; the others keep
  // their case. Where the two differ, the RFC's list decides.
  test.each<[string, TypeName, string[], ('nsd' | 'knot')?]>([
    ['cNaMe.RdataCase.TEST', 'CNAME', ['CNAME web.example.net.']],
    ['Mx.rDATAcase.test', 'MX', ['MX 10 mail.example.net.']],
    ['SRV.rdatacase.TEST', 'SRV', ['SRV 0 0 1 target.example.net.']],
    ['pTr.rdatacase.test', 'PTR', ['PTR host.example.net.']],
    ['DNAME.RDATACASE.TEST', 'DNAME', ['DNAME new.example.net.']],
    ['naPTR.rdatacase.test', 'NAPTR', ['NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.example.net.']],
    ['Rp.RdAtAcAsE.tEsT', 'RP', ['RP mail.example.net. txt.example.net.']],
    ['AFSDB.rdatacase.test', 'AFSDB', ['AFSDB 1 afs.example.net.']],
    ['kx.RDATACASE.test', 'KX', ['KX 1 kx.example.net.']],
    // In-zone names asked in lower case: a 0x20 query changes their suffix in NSD's and Knot's
    // replies (they compress onto the question's case; the row below).
    ['rdatacase.test', 'SOA', [`SOA ns1.rdatacase.test. hostmaster.rdatacase.test. ${SOA_TAIL}`]],
    ['rdatacase.test', 'NS', ['NS ns1.rdatacase.test.']],
    ['inzone.rdatacase.test', 'A', ['CNAME target.rdatacase.test.', 'A 192.0.2.1']],
    ['nSeC.rdatacase.test', 'NSEC', ['NSEC NeXt.Example.NET. A RRSIG']],
    ['SvCb.rdatacase.test', 'SVCB', ['SVCB 1 TaRget.Example.NET. alpn="h2"'], 'nsd'],
    ['RrSiG.rdatacase.test', 'RRSIG', ['RRSIG A 13 3 300 20300101000000 20250101000000 12345 signer.example.net. AAAA'], 'nsd'],
  ])('%s %s: names in rdata in the case NSD and Knot serve', async (name, type, expected, differs) => {
    const [ours, nsd, knot] = await Promise.all([servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((p) => ask(p, name, type)));
    for (const [reference, reply] of [['nsd', nsd], ['knot', knot]] as const) {
      if (reference === differs) expect(rdata(reply.answers).map((r) => r.toLowerCase())).toEqual(expected.map((r) => r.toLowerCase()));
      if (reference === differs) expect(rdata(reply.answers)).not.toEqual(expected);
      else expect(rdata(reply.answers)).toEqual(expected);
    }
    expect(rdata(ours.answers)).toEqual(expected);
    expect(ours.questions[0].name).toBe(name); // the question's case is echoed (RFC 4343 §4.1)
  });

  test('a 0x20 query: in-zone rdata names compress onto the question\'s case, in port53d as in NSD and Knot', async () => {
    const name = 'InZone.RDATACASE.test';
    const [ours, nsd, knot] = await Promise.all([servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((p) => ask(p, name, 'A')));
    for (const reply of [nsd, knot, ours]) expect(rdata(reply.answers)).toEqual(['CNAME target.RDATACASE.test.', 'A 192.0.2.1']);
  });

  test('RRSIGs are served each with the TTL written (RFC 4034 §3), as NSD serves them', async () => {
    const [ours, nsd, knot] = await Promise.all([servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((p) => ask(p, 'www.rrsigttl.test', 'RRSIG')));
    const withTtl = (records: ResourceRecord[]) => records.map((r) => `${r.ttl} ${rdata([r])[0].split(' ').slice(0, 2).join(' ')} key ${rdata([r])[0].split(' ')[7]}`).sort();
    expect(withTtl(ours.answers)).toEqual(['300 RRSIG A key 2', '60 RRSIG AAAA key 1', '600 RRSIG A key 1']);
    expect(withTtl(nsd.answers)).toEqual(withTtl(ours.answers));
    // Knot answers an RRSIG query with the signatures of one type only, but each with its own TTL.
    expect(withTtl(knot.answers)).toEqual(['300 RRSIG A key 2', '600 RRSIG A key 1']);
  });
});

// A relative $INCLUDE in a zone checked on its own: NSD and BIND read it from the working
// directory; Knot from the including file's directory. port53d tries the file's directory first,
// then the working directory, so it loads both layouts.
describeWithTools('relative $INCLUDE: port53d --check vs nsd-checkzone and named-checkzone', ['nsd-checkzone', 'named-checkzone'], (tools) => {
  let dir: string;
  const head = '$ORIGIN inc.test.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.9\n';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'port53-include-'));
    mkdirSync(join(dir, 'zones', 'parts'), { recursive: true });
    writeFileSync(join(dir, 'zones', 'parts', 'hosts.inc'), 'www A 192.0.2.1\n');
    writeFileSync(join(dir, 'zones', 'beside.inc'), 'beside A 192.0.2.2\n');
    writeFileSync(join(dir, 'zones', 'cwd.zone'), `${head}$INCLUDE zones/parts/hosts.inc\n`);
    writeFileSync(join(dir, 'zones', 'beside.zone'), `${head}$INCLUDE beside.inc\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const accepts = (command: string, args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 20_000 }).status === 0;

  test.each([
    ['relative to the working directory (NSD, BIND)', 'zones/cwd.zone', true],
    ['relative to the zone file (Knot)', 'zones/beside.zone', false],
  ])('%s', (_name, file, referencesAccept) => {
    expect(accepts(tools['nsd-checkzone'], ['inc.test', file])).toBe(referencesAccept);
    expect(accepts(tools['named-checkzone'], ['inc.test', file])).toBe(referencesAccept);
    expect(accepts(process.execPath, [PORT53D, '--check', '--zone', `inc.test=${file}`])).toBe(true);
  });
});
