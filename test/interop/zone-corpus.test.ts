// Issue 5 §3: zone files in both directions. port53 accepts a corpus file exactly when
// nsd-checkzone does (bar the exceptions below), reads the valid ones as NSD prints them, and
// port53d answers a query for every owner name × type in them as NSD (or Knot) does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from '@port53/server';
import {
  canonicalName, decode, encode, isSubdomain, parseName, parentName, formatRecord, rcodeToString, type MessageInit, type ResourceRecord, type TypeName,
} from '@port53/wire';
import { loadZone, parseZoneText, ZoneLoadError, type LoadedZone } from '../../packages/server/src/zonefile/index.js';
import { udpExchange } from '../support/loopback.mjs';
import { runPort53d } from '../support/port53d.js';
import { startKnot, startNsd, type ReferenceServer, type ZoneSpec } from '../support/reference-servers.mjs';
import { describeWithTools } from '../support/tools.js';

const corpusDir = join(import.meta.dirname, 'zones', 'corpus');

/** The zone name of files without a $ORIGIN (the others are named by their first $ORIGIN). */
const ORIGINS: Record<string, string> = {
  'valid-no-origin.zone': 'valid-no-origin.test',
};

/**
 * Deliberate differences from nsd-checkzone (NSD 4.6): file → why port53 decides otherwise.
 * Mirrored in docs/interop.md; an entry that stops differing fails the test.
 */
const EXCEPTIONS: Record<string, string> = {
  // NSD accepts, port53 refuses.
  'broken-bad-owner-quoted.zone': 'NSD takes a quoted owner as a name; quotes delimit character-strings (RFC 1035 §5.1); Knot refuses too',
  'broken-caa-flags-256.zone': 'NSD silently stores 256 as 0; we refuse rather than serve another number than written; Knot refuses too',
  'broken-escape-dangling-txt.zone': 'NSD drops a backslash at the end of a string; it escapes nothing (RFC 1035 §5.1); Knot refuses too',
  'broken-escape-ddd-256.zone': 'NSD warns and keeps \\256 as the digits "256" (Knot too); a \\DDD over 255 is no octet, so it is a typo',
  'broken-escape-ddd-256-txt.zone': 'as above, in a character-string; Knot refuses this one',
  'broken-escape-short-ddd.zone': 'NSD reads "\\0" as "0"; RFC 1035 §5.1 \\DDD has three digits, and \\X is for non-digits; Knot refuses too',
  'broken-generic-length.zone': 'NSD ignores the \\# length; RFC 3597 §5 requires it to match the octets given; Knot refuses too',
  'broken-mx-preference-65536.zone': 'NSD silently stores 65536 as 0; Knot refuses too',
  'broken-mx-preference-negative.zone': 'NSD silently stores -1 as 65535; Knot refuses too',
  'broken-no-ttl.zone': 'NSD and Knot use 3600; with no TTL, no $TTL and no earlier record, RFC 1035 §5.1 gives no value to use',
  'broken-parens-unclosed.zone': "NSD reads to the end of file inside '(' and turns the next record's fields into TXT strings; Knot refuses too",
  'broken-srv-port-65536.zone': 'NSD silently stores 65536 as 0; Knot refuses too',
  'broken-ttl-too-large.zone': 'NSD wraps 4294967296 to 0; TTLs are at most 2^31-1 (RFC 2181 §8); Knot refuses too',
  'broken-ttl-trailing-digits.zone': 'NSD reads "1h2" as 3602 seconds; a unit-less tail is more likely a typo; Knot refuses too',
  'broken-txt-quote-across-lines.zone': 'NSD puts the newline into the string; an unclosed quote is almost always a typo that swallows records; Knot refuses too',
  'broken-type-meta.zone': 'NSD and Knot store TYPE251 (IXFR); query and meta types are not data (RFC 6895 §3.1)',
  'broken-rdata-ds-key-tag-65536.zone': 'NSD silently stores 65536 as 0, a key tag of another key',
  'broken-rdata-dnskey-protocol-256.zone': 'NSD silently stores 256 as 0 (RFC 4034 §2.1.2: the protocol is 3)',
  'broken-rdata-nsec3param-iterations-65536.zone': 'NSD silently stores 65536 as 0 iterations',
  'broken-rdata-zonemd-serial-too-big.zone': 'NSD silently stores 4294967296 as serial 0',
  'broken-rdata-loc-latitude-91.zone': 'NSD stores a latitude past the pole (RFC 1876 §2: at most 90°) and prints it back as \\#',
  'broken-rdata-loc-minutes-60.zone': 'NSD stores 60 minutes; RFC 1876 §3 writes minutes 0 to 59',
  'broken-rdata-svcb-key65535.zone': 'RFC 9460 §14.3.2 reserves key65535 as the "Invalid key"; NSD stores it',
  // NSD refuses, port53 accepts.
  'valid-byte-order-mark.zone': 'NSD and Knot read a UTF-8 byte-order mark as part of the first name; we skip it, as editors on Windows write one',
  'valid-caa-tag-case.zone': 'NSD refuses upper-case CAA tags; RFC 8659 §4.1.1 allows A-Z and matches tags case-insensitively; Knot accepts',
  'valid-generate.zone': "NSD 4.6 and Knot 3.2 have no $GENERATE; it is BIND's, and users of BIND zone files expect it",
  'valid-origin-relative.zone': 'NSD and Knot want an absolute $ORIGIN; RFC 1035 §5.1 completes relative names everywhere, and BIND accepts it',
  'valid-rdata-not-in-nsd.zone': 'NSD 4.6 has no text form for NSAP-PTR, GPOS, EID, NIMLOC, ATMA, A6, SINK, HIP, NINFO, RKEY, TALINK, DOA, AMTRELAY, RESINFO, WALLET and TA; BIND 9.18 loads them all',
  'valid-rdata-ds-digest-mnemonic.zone': 'NSD reads DS digest types only as numbers (RFC 4034 §5.3); BIND also reads SHA-1, SHA-256, SHA-384, and zone files written by BIND use them',
  'valid-rdata-svcb-ohttp.zone': 'ohttp (RFC 9540 §4) was registered after NSD 4.6; BIND 9.18 does not know it either',
};

/** Files both accept but read differently (NSD's printed zone differs from ours): file → why ours is right. */
const CONTENT_EXCEPTIONS: Record<string, string> = {
  'valid-rdata-modern.zone': 'NSD prints (and serves) the name in LP rdata lower-cased; we keep it as written, as BIND does',
  'valid-rdata-rrsig-seconds.zone': 'NSD 4.6 reads an RRSIG time written in seconds (RFC 4034 §3.2) as another date; BIND reads it as we do',
  'valid-no-ttl-directive.zone': 'without $TTL, NSD and Knot give TTL-less records 3600; RFC 1035 §5.1 and BIND use the last TTL given',
};

/** Files both read alike but answer differently from: file → why. */
const ANSWER_EXCEPTIONS: Record<string, string> = {
  'valid-rdata-rrsig-mnemonic.zone': "NSD serves the RRSIG signer's name as written; port53d lower-cases it (RFC 4034 §6.2), as Knot does, but Knot answers a query for RRSIG with TTL 0",
  'valid-rdata-nsec3.zone': 'NSD answers NXDOMAIN at NSEC3 owner names, which live in the hashed chain (RFC 5155 §7.2.8); port53d serves them as data until it answers with DNSSEC',
};

/**
 * Bugs found by the corpus and not yet fixed (they are outside packages/server/src/zonefile/):
 * these tests are expected to fail, and fail loudly once the bug is fixed.
 */
const KNOWN_BUGS: Record<string, string> = {
};

const files = readdirSync(corpusDir).filter((f) => f.endsWith('.zone')).sort();

function originOf(file: string): string {
  if (ORIGINS[file]) return ORIGINS[file];
  const m = /^\$ORIGIN\s+(\S+)/im.exec(readFileSync(join(corpusDir, file), 'utf8'));
  if (!m) throw new Error(`${file}: no $ORIGIN and no entry in ORIGINS`);
  return canonicalName(m[1]);
}

/** Our verdict: the loaded zone, or the load errors. */
async function ours(file: string): Promise<LoadedZone | ZoneLoadError> {
  try {
    return await loadZone({ file: join(corpusDir, file), origin: originOf(file) });
  } catch (e) {
    if (e instanceof ZoneLoadError) return e;
    throw e;
  }
}

describeWithTools('zone corpus: port53 accepts a file exactly when nsd-checkzone does', ['nsd-checkzone'], (tools) => {
  const tally = { checked: 0, agree: 0, exceptions: 0, knownBugs: 0 };
  afterAll(() => {
    const bugs = tally.knownBugs ? `, ${tally.knownBugs} known bugs` : '';
    process.stdout.write(`zone corpus: ${tally.checked} files checked, ${tally.agree} agree, ${tally.exceptions} deliberate exceptions${bugs}\n`);
  });

  test('the corpus has at least 30 files, valid and broken, and every table names a corpus file', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter((f) => f.startsWith('valid-')).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((f) => f.startsWith('broken-')).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((f) => !/^(valid|broken)-/.test(f))).toEqual([]);
    const listed = [ORIGINS, EXCEPTIONS, CONTENT_EXCEPTIONS, ANSWER_EXCEPTIONS, KNOWN_BUGS].flatMap((t) => Object.keys(t));
    expect(listed.filter((f) => !files.includes(f))).toEqual([]);
    // docs/interop.md lists the same differences for readers who never open this file.
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'interop.md'), 'utf8');
    const undocumented = [EXCEPTIONS, CONTENT_EXCEPTIONS, ANSWER_EXCEPTIONS, KNOWN_BUGS].flatMap((t) => Object.keys(t)).filter((f) => !doc.includes(`| ${f} |`));
    expect(undocumented).toEqual([]);
  });

  test('port53d --check gives the record-type files (rdata-*) the verdicts nsd-checkzone gives, bar EXCEPTIONS', async () => {
    const rdataFiles = files.filter((f) => /^(valid|broken)-rdata-/.test(f));
    const dir = mkdtempSync(join(tmpdir(), 'port53-check-'));
    try {
      for (const f of rdataFiles) writeFileSync(join(dir, f), readFileSync(join(corpusDir, f)));
      const run = await runPort53d(['--check', '--zones', dir], { timeoutMs: 30_000 });
      const loaded = new Set([...run.stdout.matchAll(/^zone (\S+)\/IN: loaded serial/gm)].map((m) => canonicalName(parseName(m[1]))));
      // A refused zone is named by its origin when known, else by its file.
      const refused = new Set([...run.stdout.matchAll(/^zone (\S+)\/IN: not loaded due to errors/gm)].map((m) => (m[1].endsWith('.zone') ? basename(m[1]) : canonicalName(parseName(m[1])))));
      const disagree: string[] = [];
      for (const f of rdataFiles) {
        const origin = originOf(f);
        const name = canonicalName(parseName(origin));
        const ours = loaded.has(name) ? 'loads' : refused.has(name) || refused.has(f) ? 'refuses' : 'says nothing about';
        const nsd = spawnSync(tools['nsd-checkzone'], [origin, f], { cwd: corpusDir, timeout: 10_000 }).status === 0 ? 'loads' : 'refuses';
        if ((ours === nsd) === Boolean(EXCEPTIONS[f])) disagree.push(`${f}: port53d --check ${ours} it, nsd-checkzone ${nsd}`);
      }
      expect(disagree).toEqual([]);
      expect(run.code).toBe(1); // the broken files
      process.stdout.write(`port53d --check: ${rdataFiles.length} record-type files, ${loaded.size} load, ${refused.size} refused, agreeing with nsd-checkzone bar the listed exceptions\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test.each(files.filter((f) => !KNOWN_BUGS[f]))('%s', async (file) => check(file));
  test.fails.each(files.filter((f) => KNOWN_BUGS[f]))('%s (known bug: see KNOWN_BUGS)', async (file) => {
    tally.knownBugs++;
    await check(file);
  });

  async function check(file: string): Promise<void> {
    const origin = originOf(file);
    const run = spawnSync(tools['nsd-checkzone'], [origin, file], { cwd: corpusDir, encoding: 'utf8', timeout: 10_000 });
    expect(run.error).toBeUndefined();
    const nsdAccepts = run.status === 0;
    const result = await ours(file);
    const weAccept = !(result instanceof ZoneLoadError);
    if (!KNOWN_BUGS[file]) tally.checked++;
    const detail = `nsd-checkzone: ${(run.stdout + run.stderr).trim()}\nport53: ${weAccept ? 'accepted' : (result as ZoneLoadError).message}`;
    // The name says what the file is: valid files load, broken ones do not.
    expect(weAccept, detail).toBe(file.startsWith('valid-'));
    if (EXCEPTIONS[file]) {
      tally.exceptions++;
      expect(weAccept, `listed as an exception but port53 and NSD agree\n${detail}`).not.toBe(nsdAccepts);
      return;
    }
    expect(weAccept, detail).toBe(nsdAccepts);
    if (result instanceof ZoneLoadError) {
      tally.agree++;
      // Every refusal names its place; only whole-zone problems have none.
      for (const e of result.errors) {
        if (e.code !== 'NO_SOA') expect(e.line, e.message).toBeGreaterThan(0);
      }
      return;
    }
    // Both directions: NSD's printed zone, read back by us, holds the records we loaded.
    const printed = spawnSync(tools['nsd-checkzone'], ['-p', origin, file], { cwd: corpusDir, encoding: 'utf8', timeout: 10_000 });
    const theirs = parseZoneText(printed.stdout, { file: 'nsd-checkzone -p', origin });
    expect(theirs.errors.filter((e) => e.severity === 'error').map((e) => e.message)).toEqual([]);
    if (CONTENT_EXCEPTIONS[file]) {
      tally.exceptions++;
      expect(recordSet(result.records), 'listed in CONTENT_EXCEPTIONS but read alike').not.toEqual(recordSet(theirs.records));
      return;
    }
    expect(recordSet(result.records)).toEqual(recordSet(theirs.records));
    tally.agree++;
  }
});

/** What a reply says, in the fields compared: the rcode, AA, the answer and authority sections. */
interface View {
  rcode: string;
  aa: boolean;
  answer: string[];
  authority: string[];
}

function view(reply: Buffer | null): View | string {
  if (!reply) return 'no reply';
  try {
    const m = decode(reply);
    return { rcode: rcodeToString(m.rcode), aa: m.flags.aa, answer: recordSet(m.answers), authority: recordSet(m.authorities) };
  } catch (err) {
    return `undecodable: ${(err as Error).message}`;
  }
}

function same<K extends keyof View>(a: View | string, b: View | string, fields: K[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return fields.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]));
}

/** A type absent from the name, for the NODATA question (RFC 2308 §2.2). */
const NODATA_CANDIDATES: TypeName[] = ['TXT', 'AAAA', 'MX', 'SRV', 'A'];

interface Query {
  name: string;
  type: TypeName;
}

/**
 * Every owner name × every type present there, plus one type absent there (NODATA); then each
 * empty non-terminal, and a name each wildcard synthesises, with the wildcard's types.
 */
function queriesFor(zone: LoadedZone): Query[] {
  const types = new Map<string, Set<TypeName>>();
  for (const rr of zone.records) {
    const owner = canonicalName(rr.name);
    if (!types.has(owner)) types.set(owner, new Set());
    types.get(owner)?.add(rr.type);
  }
  const out: Query[] = [];
  const apex = canonicalName(zone.origin);
  for (const [name, present] of types) {
    const absent = NODATA_CANDIDATES.find((t) => !present.has(t));
    for (const type of [...present, ...(absent ? [absent] : [])]) out.push({ name, type });
    for (let up = parentName(name); up !== apex && isSubdomain(up, apex); up = parentName(up)) {
      if (!types.has(up) && !out.some((q) => q.name === up)) out.push({ name: up, type: 'A' });
    }
    if (name.startsWith('*.')) {
      for (const type of [...present, ...(absent ? [absent] : [])]) out.push({ name: `synthesised${name.slice(1)}`, type });
    }
  }
  return out;
}

/** A copy of a zone file with $INCLUDE paths made absolute: NSD reads them relative to its zonesdir. */
function withAbsoluteIncludes(file: string, dir: string): string {
  const text = readFileSync(file, 'utf8');
  if (!/^\$INCLUDE/im.test(text)) return file;
  const copy = join(dir, basename(file));
  writeFileSync(copy, text.replace(/^(\$INCLUDE\s+)(\S+)/gim, (_, d: string, p: string) => `${d}${p.startsWith('/') ? p : join(corpusDir, p)}`));
  return copy;
}

describeWithTools('zone corpus: port53d answers the valid files as NSD (or Knot) does', ['nsd', 'knotd', 'nsd-checkzone'], (tools) => {
  let nsd: ReferenceServer;
  let knot: ReferenceServer;
  let server: Server;
  let copies: string;
  const zones: LoadedZone[] = [];
  /** Origins each reference actually serves (it refused to load the others). */
  const serves = { nsd: new Set<string>(), knot: new Set<string>() };

  beforeAll(async () => {
    copies = mkdtempSync(join(tmpdir(), 'port53-corpus-'));
    const valid = files.filter((f) => f.startsWith('valid-') && !KNOWN_BUGS[f]);
    for (const f of valid) {
      const loaded = await ours(f);
      if (!(loaded instanceof ZoneLoadError)) zones.push(loaded);
    }
    const nsdAccepts = (f: string) => spawnSync(tools['nsd-checkzone'], [originOf(f), f], { cwd: corpusDir, timeout: 10_000 }).status === 0;
    const ref: ZoneSpec[] = zones.map((z) => ({ origin: z.origin, file: withAbsoluteIncludes(z.file, copies) }));
    const forNsd = ref.filter((s) => nsdAccepts(basename(s.file)));
    [nsd, knot, server] = await Promise.all([
      startNsd(tools.nsd, forNsd),
      startKnot(tools.knotd, ref),
      createServer({ zones: zones.map((z) => ({ origin: z.origin, file: z.file })), addresses: ['127.0.0.1'], port: 0 }),
    ]);
    for (const [name, ref] of [['nsd', nsd], ['knot', knot]] as const) {
      for (const z of zones) {
        const reply = view(await udpExchange(ref.port, encode(question(z.origin, 'SOA'))));
        if (typeof reply !== 'string' && reply.rcode === 'NOERROR' && reply.aa) serves[name].add(z.origin);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([nsd?.stop(), knot?.stop(), server?.close()]);
    if (copies) rmSync(copies, { recursive: true, force: true });
  });

  test('every owner name × type of every valid file', async () => {
    const count = { compared: 0, nsd: 0, apexNs: 0, knot: 0, explained: 0 };
    const failures: string[] = [];
    const notes: string[] = [];
    const answeredOtherwise = new Set<string>();
    // NSD serves every valid file it accepts; a file neither reference loads is a listed exception.
    const unserved = zones.filter((z) => !serves.nsd.has(z.origin) && !serves.knot.has(z.origin));
    expect(unserved.map((z) => basename(z.file)).filter((f) => !EXCEPTIONS[f])).toEqual([]);
    expect(zones.filter((z) => !serves.nsd.has(z.origin) && !EXCEPTIONS[basename(z.file)]).map((z) => z.origin)).toEqual([]);
    for (const zone of zones.filter((z) => !unserved.includes(z))) {
      const apexNs = recordSet(zone.records.filter((r) => r.type === 'NS' && canonicalName(r.name) === canonicalName(zone.origin)));
      for (const q of queriesFor(zone)) {
        const bytes = encode(question(q.name, q.type));
        const [a, n, k] = await Promise.all([server.port, nsd.port, knot.port].map((port) => udpExchange(port, bytes)));
        const mine = view(a);
        const fromNsd = serves.nsd.has(zone.origin) ? view(n) : undefined;
        const fromKnot = serves.knot.has(zone.origin) ? view(k) : undefined;
        count.compared++;
        const all: (keyof View)[] = ['rcode', 'aa', 'answer', 'authority'];
        if (fromNsd && same(mine, fromNsd, all)) {
          count.nsd++;
          continue;
        }
        // NSD adds the apex NS RRset to the authority section of positive answers; we follow Knot's
        // minimal responses, so that difference alone is policy.
        if (
          fromNsd && typeof mine !== 'string' && typeof fromNsd !== 'string' && same(mine, fromNsd, ['rcode', 'aa', 'answer']) &&
          mine.rcode === 'NOERROR' && mine.answer.length > 0 && mine.authority.length === 0 &&
          JSON.stringify(fromNsd.authority) === JSON.stringify(apexNs)
        ) {
          count.apexNs++;
          continue;
        }
        const label = `${q.name} ${q.type}: ours ${JSON.stringify(mine)}\n    nsd ${JSON.stringify(fromNsd ?? 'not loaded')}\n    knot ${JSON.stringify(fromKnot ?? 'not loaded')}`;
        if (fromKnot && same(mine, fromKnot, all)) {
          count.knot++;
          notes.push(`agrees with Knot, not NSD: ${label}`);
        } else if (CONTENT_EXCEPTIONS[basename(zone.file)] || ANSWER_EXCEPTIONS[basename(zone.file)]) {
          count.explained++;
          answeredOtherwise.add(basename(zone.file));
          notes.push(`${basename(zone.file)} is read differently (CONTENT_EXCEPTIONS): ${label}`);
        } else {
          failures.push(label);
        }
      }
    }
    if (notes.length) process.stdout.write(`zone corpus queries, differences from NSD:\n  ${notes.join('\n  ')}\n`);
    if (failures.length) process.stdout.write(`zone corpus query failures:\n  ${failures.join('\n  ')}\n`);
    process.stdout.write(
      `zone corpus queries: ${count.compared} compared over ${zones.length - unserved.length} zones: ${count.nsd} agree with NSD, ` +
        `${count.apexNs} differ only by NSD's apex NS in authority, ${count.knot} agree with Knot, ${count.explained} explained by CONTENT_EXCEPTIONS, ${failures.length} failed\n`,
    );
    expect(count.compared).toBeGreaterThanOrEqual(200);
    expect(failures).toEqual([]);
    // An ANSWER_EXCEPTIONS entry whose answers now agree is stale.
    expect(Object.keys(ANSWER_EXCEPTIONS).filter((f) => !answeredOtherwise.has(f))).toEqual([]);
  }, 120_000);
});

let nextId = 1;
function question(name: string, type: TypeName): MessageInit {
  return {
    id: nextId++ & 0xffff,
    flags: { rd: false },
    questions: [{ name, type, class: 'IN' }],
    edns: { version: 0, udpPayloadSize: 4096, do: false, flags: 0, options: [] },
  };
}

/** A record as a comparable string: owner and rdata names lower-cased (RFC 4343), TTL kept. */
function recordKey(rr: ResourceRecord): string {
  const text = formatRecord({ ...rr, name: canonicalName(rr.name) } as ResourceRecord);
  return ['NS', 'CNAME', 'PTR', 'MX', 'SRV', 'SOA'].includes(rr.type) ? text.toLowerCase() : text;
}

function recordSet(rrs: readonly ResourceRecord[]): string[] {
  return rrs.map(recordKey).sort();
}
