// Issue 11 §2 and §4: every record type of our corpus (test/interop/zones/corpus/valid-rdata-*.zone,
// written from the RFCs' examples), served by NSD and by port53d from the same text. NSD is the
// oracle for the wire form (rdata octets compared byte for byte), dig 9.18 for the text form (dig's
// rdata, asked of NSD, is what port53 prints). Types NSD 4.6 cannot read in text are given to NSD
// in RFC 3597 form from our octets: there dig, decoding those octets itself, is the oracle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServer, type Server } from '@port53/server';
import { canonicalName, canonicalRdata, decode, describedTypes, parseName, encode, formatRdata, rdataToWire, typeFromString, type ResourceRecord } from '@port53/wire';
import { loadZone, type LoadedZone } from '../../packages/server/src/zonefile/index.js';
import { dig } from '../support/dig.js';
import { tcpExchange } from '../support/loopback.mjs';
import { startNsd, type ReferenceServer, type ZoneSpec } from '../support/reference-servers.mjs';
import { describeWithTools } from '../support/tools.js';

const corpusDir = join(import.meta.dirname, 'zones', 'corpus');
const files = readdirSync(corpusDir).filter((f) => /^valid-rdata-.*\.zone$/.test(f)).sort();

/**
 * Where dig 9.18 prints a record otherwise than we do: type → why ours stays. An entry that stops
 * differing fails the test (mirrored in docs/interop.md).
 */
const DIG_PRINTS_OTHERWISE: Record<string, string> = {
  'dohpath SVCB': 'dig 9.18 reads dohpath (RFC 9461) but prints it as key7; BIND 9.20 and the IANA registry name it dohpath',
  'ohttp SVCB': 'dig 9.18 predates ohttp (RFC 9540) and prints key8',
  'IPSECKEY no key': 'dig 9.18 refuses to decode an IPSECKEY without a public key, and with it the rest of the message; RFC 4025 §2.6 makes the key optional and NSD serves it',
};

/** Which DIG_PRINTS_OTHERWISE entry a record falls under, if any. */
function digException(rr: ResourceRecord, ours: string): string | undefined {
  if ((rr.type === 'SVCB' || rr.type === 'HTTPS') && ours.includes('dohpath=')) return 'dohpath SVCB';
  if ((rr.type === 'SVCB' || rr.type === 'HTTPS') && /(^| )ohttp( |$)/.test(ours)) return 'ohttp SVCB';
  if (rr.type === 'IPSECKEY' && ours.split(' ').length === 4) return 'IPSECKEY no key';
  return undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Where NSD 4.6 and port53 serve a name in rdata in another case (docs/interop.md, "Names inside
 * rdata"): type → why. Those names are compared folded to lower case.
 */
const CASE_DIFFERS: Record<string, string> = {
  LP: 'NSD lower-cases the LP name; it is outside RFC 4034 §6.2\'s list, so port53 keeps it as written',
  RRSIG: 'NSD keeps the signer\'s name as written; port53 lower-cases it, as RFC 4034 §6.2 (and RFC 6840 §5.1) and Knot do',
};
const NSD_LOWERS = new Set(Object.keys(CASE_DIFFERS));

/** Files whose text NSD reads wrongly: NSD gets our octets in RFC 3597 form instead (and dig judges them). */
const NSD_MISREADS: Record<string, string> = {
  'valid-rdata-rrsig-seconds.zone': 'NSD 4.6 reads an RRSIG time in seconds as another date',
};

/** The octets compared: as served, with names folded where NSD folds them. */
function octetsOf(rr: ResourceRecord): string {
  if (!NSD_LOWERS.has(rr.type)) return hex(rdataToWire(rr));
  const octets = Uint8Array.from(rdataToWire(rr));
  // LP is outside RFC 4034 §6.2's list: fold everything after its preference by hand.
  const folded = rr.type === 'LP' ? octets.map((b, i) => (i >= 2 && b >= 0x41 && b <= 0x5a ? b | 0x20 : b)) : canonicalRdata(rr);
  return hex(folded);
}

interface RRset {
  owner: string;
  code: number;
  records: ResourceRecord[];
}

function rrsetsOf(zone: LoadedZone): RRset[] {
  const sets = new Map<string, RRset>();
  for (const rr of zone.records) {
    const code = typeFromString(rr.type) as number;
    const key = `${canonicalName(rr.name)} ${code}`;
    if (!sets.has(key)) sets.set(key, { owner: canonicalName(rr.name), code, records: [] });
    sets.get(key)?.records.push(rr);
  }
  return [...sets.values()];
}

describeWithTools('record types: port53d serves NSD\'s octets and prints what dig prints', ['nsd', 'nsd-checkzone', 'dig'], (tools) => {
  let nsd: ReferenceServer;
  let server: Server;
  let copies: string;
  const zones: LoadedZone[] = [];
  /** Origins NSD read from our text (the rest it got in RFC 3597 form). */
  const fromText = new Set<string>();

  beforeAll(async () => {
    copies = mkdtempSync(join(tmpdir(), 'port53-types-'));
    const specs: ZoneSpec[] = [];
    for (const f of files) {
      const origin = canonicalName(parseName(/^\$ORIGIN\s+(\S+)/m.exec(readFileSync(join(corpusDir, f), 'utf8'))?.[1] ?? '.'));
      const zone = await loadZone({ file: join(corpusDir, f), origin });
      zones.push(zone);
      const nsdReads = !NSD_MISREADS[f] && spawnSync(tools['nsd-checkzone'], [origin, f], { cwd: corpusDir, timeout: 10_000 }).status === 0;
      if (nsdReads) {
        fromText.add(origin);
        specs.push({ origin, file: join(corpusDir, f) });
      } else {
        const generic = zone.records.map((rr) => {
          const octets = rdataToWire(rr);
          return `${rr.name}. ${rr.ttl} IN TYPE${typeFromString(rr.type)} \\# ${octets.length} ${hex(octets)}`;
        });
        const copy = join(copies, f);
        writeFileSync(copy, `${generic.join('\n')}\n`);
        specs.push({ origin, file: copy });
      }
    }
    [nsd, server] = await Promise.all([
      startNsd(tools.nsd, specs, { provideXfr: true }),
      createServer({ zones: zones.map((z) => ({ origin: z.origin, file: z.file })), addresses: ['127.0.0.1'], port: 0 }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([nsd?.stop(), server?.close()]);
    if (copies) rmSync(copies, { recursive: true, force: true });
  });

  async function answer(port: number, set: RRset): Promise<ResourceRecord[] | string> {
    const query = encode({ id: 7, questions: [{ name: set.owner, type: `TYPE${set.code}`, class: 'IN' }], edns: { version: 0, udpPayloadSize: 4096, do: false, flags: 0, options: [] } });
    const reply = await tcpExchange(port, query, { timeoutMs: 5000 }); // TCP: the WKS of every port is 8 KiB
    if (!reply) return 'no reply';
    return decode(reply).answers.filter((rr) => typeFromString(rr.type) === set.code && canonicalName(rr.name) === set.owner);
  }

  /** NSD's copy of a zone by AXFR (one message for these small zones): NSEC3 records too, which NSD answers no query for. */
  async function transfer(origin: string): Promise<ResourceRecord[]> {
    const reply = await tcpExchange(nsd.port, encode({ id: 9, questions: [{ name: origin, type: 'AXFR', class: 'IN' }] }), { timeoutMs: 5000 });
    if (!reply) throw new Error(`no AXFR of ${origin} from NSD`);
    const records = decode(reply).answers;
    return records.slice(0, -1); // the closing SOA
  }

  test('every type in the corpus, every record: rdata octets byte for byte', async () => {
    const types = new Set<string>();
    const failures: string[] = [];
    const caseDiffered = new Set<string>();
    let records = 0;
    let fromSameText = 0;
    for (const zone of zones) {
      const axfr = await transfer(canonicalName(zone.origin));
      for (const set of rrsetsOf(zone)) {
        const ours = await answer(server.port, set);
        if (typeof ours === 'string') {
          failures.push(`${set.owner} TYPE${set.code}: port53d ${ours}`);
          continue;
        }
        const fromNsd = axfr.filter((rr) => typeFromString(rr.type) === set.code && canonicalName(rr.name) === set.owner);
        const a = fromNsd.map(octetsOf).sort();
        const exact = (list: ResourceRecord[]) => JSON.stringify(list.map((rr) => hex(rdataToWire(rr))).sort());
        if (exact(fromNsd) !== exact(ours)) caseDiffered.add(set.records[0].type);
        const b = ours.map(octetsOf).sort();
        const written = set.records.map(octetsOf).sort();
        if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(b) !== JSON.stringify(written)) {
          const short = (list: string[]) => list.map((h) => (h.length > 120 ? `${h.slice(0, 60)}...${h.slice(-60)} (${h.length / 2} octets)` : h)).join(' ');
          failures.push(`${set.owner} ${set.records[0].type}:\n  NSD     ${short(a)}\n  port53d ${short(b)}\n  file    ${short(written)}`);
        }
        types.add(set.records[0].type);
        records += set.records.length;
        if (fromText.has(canonicalName(zone.origin))) fromSameText += set.records.length;
      }
    }
    process.stdout.write(`record types: ${types.size} types, ${records} records in ${zones.length} files; ${fromSameText} records NSD read from the same text, the others NSD got as \\# and dig judged\n`);
    expect(failures).toEqual([]);
    // Each CASE_DIFFERS entry still differs (else it is stale), and only those.
    expect([...caseDiffered].sort()).toEqual(Object.keys(CASE_DIFFERS).sort());
    // Every type of the table is in the corpus.
    expect(describedTypes().map((d) => d.mnemonic).filter((t) => !types.has(t))).toEqual([]);
  }, 60_000);

  test('dig prints each record as port53 does', async () => {
    const results = await Promise.all(zones.map((z) => dig(tools.dig, nsd.port, ['+nosplit', '+besteffort', canonicalName(z.origin), 'AXFR'])));
    const failures: string[] = [];
    const seen = new Set<string>();
    let compared = 0;
    for (const [i, zone] of zones.entries()) {
      // dig's AXFR lines: owner ttl class type rdata; the SOA comes twice.
      const printed = new Map<string, string[]>();
      if (process.env.DEBUG_DIG) process.stdout.write(`${zone.origin}: ${results[i].raw.includes('Got bad') ? 'BAD' : 'ok'}\n`);
      for (const line of results[i].raw.split('\n')) {
        if (line.startsWith(';') || line.trim() === '') continue;
        const [owner, , , type, ...rest] = line.split(/\s+/);
        const key = `${canonicalName(parseName(owner))} ${typeFromString(type)}`;
        if (!printed.has(key)) printed.set(key, []);
        printed.get(key)?.push(rest.join(' '));
      }
      // dig drops the rest of a message it cannot decode: then only that it failed is checked.
      const broken = /Got bad packet|malformed message/.test(results[i].raw) ? zone.records.map((rr) => digException(rr, collapse(formatRdata(rr)))).find((w) => w) : undefined;
      if (broken) {
        seen.add(broken);
        continue;
      }
      if (/Got bad packet|malformed message/.test(results[i].raw)) failures.push(`${zone.origin}: dig could not decode the transfer`);
      for (const set of rrsetsOf(zone)) {
        const fold = NSD_LOWERS.has(set.records[0].type) ? (t: string) => t.toLowerCase() : (t: string) => t;
        const theirs = [...new Set(printed.get(`${set.owner} ${set.code}`) ?? [])].map(fold).sort();
        const ours = set.records.map((rr) => fold(collapse(formatRdata(rr)))).sort();
        const why = set.records.map((rr) => digException(rr, collapse(formatRdata(rr)))).find((w) => w !== undefined);
        const same = JSON.stringify(theirs) === JSON.stringify(ours);
        compared += set.records.length;
        if (why) {
          seen.add(why);
          if (same) failures.push(`${set.owner} ${set.records[0].type}: listed as "${why}" but dig prints it as we do`);
        } else if (!same) {
          failures.push(`${set.owner} ${set.records[0].type}:\n  dig  ${theirs.join(' | ')}\n  ours ${ours.join(' | ')}`);
        }
      }
    }
    process.stdout.write(`record types: dig printed ${compared} records, ${seen.size} listed differences\n`);
    expect(failures).toEqual([]);
    // Each listed difference still shows up (else the entry is stale), and docs/interop.md lists it.
    expect([...seen].sort()).toEqual(Object.keys(DIG_PRINTS_OTHERWISE).sort());
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'interop.md'), 'utf8');
    expect(Object.keys(DIG_PRINTS_OTHERWISE).filter((k) => !doc.includes(`| ${k} |`))).toEqual([]);
  }, 60_000);
});
