// Issue 5 §4: the resolver against real servers. For every query of the differential battery that a
// stub resolver can ask (opcode QUERY, class IN, EDNS version 0 without options, or no EDNS),
// Resolver.query() against NSD and against port53d must get the same rcode and the same records
// as dig asking the same server the same question; so must the resolve CLI (--json) on a sample.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Resolver, type QueryResult } from '@port53/resolver';
import { createServer, type Server } from '@port53/server';
import { rcodeToString } from '@port53/wire';
import { loadZone } from '../../packages/server/src/zonefile/index.js';
import { buildBattery, type Probe } from '../support/battery.js';
import { digBatch } from '../support/dig-batch.js';
import { pooled } from '../support/pooled.js';
import { startNsd, type ReferenceServer } from '../support/reference-servers.mjs';
import { lowerCased, presentRecord, sameAddressForm, viewDifferences, viewOfDig, type ReplyView } from '../support/reply-view.js';
import { servedZoneSpecs } from '../support/served-zones.js';
import { describeWithTools } from '../support/tools.js';

const RESOLVE = fileURLToPath(new URL('../../packages/resolver/bin/resolve.js', import.meta.url));

/** A battery probe in the terms of Resolver.query() and dig. */
interface Ask {
  label: string;
  name: string;
  type: string;
  tcp: boolean;
  edns: boolean;
  /** Advertised UDP payload (EDNS only): 1232 (both defaults) or the probe's 512. */
  payload: number;
  rd: boolean;
  dnssecOk: boolean;
}

/**
 * The probe as a stub resolver can ask it, or undefined: other opcodes, classes, EDNS versions,
 * options or flags and payloads under 512 are raw-protocol probes (the differential test's job).
 */
function asAsk(p: Probe): Ask | undefined {
  const m = p.message;
  const q = m.questions?.[0];
  if ((m.opcode ?? 0) !== 0 || !q || q.class !== 'IN' || m.questions!.length !== 1) return undefined;
  const e = m.edns;
  if (e && (e.version !== 0 || e.flags !== 0 || e.options.length > 0 || e.udpPayloadSize < 512)) return undefined;
  return {
    label: p.label,
    name: q.name,
    type: q.type,
    tcp: p.tcp,
    edns: e !== undefined,
    payload: e?.udpPayloadSize ?? 1232,
    rd: m.flags?.rd ?? false,
    dnssecOk: e?.do ?? false,
  };
}

/** The same question as one line of a dig batch (the transport is global: +tcp). */
function digLine(a: Ask): string[] {
  return [
    a.name, a.type, a.rd ? '+rec' : '+norec',
    ...(a.edns ? ['+edns=0', `+bufsize=${a.payload}`, a.dnssecOk ? '+dnssec' : '+nodnssec'] : ['+noedns']),
  ];
}

/** Records compare case-insensitively (RFC 4343): the same records, not the same spelling. */
function viewOfResult(r: QueryResult): ReplyView {
  const set = (rrs: QueryResult['answers']) => rrs.map(presentRecord).sort();
  return lowerCased({
    status: r.rcodeName,
    flags: [],
    answer: set(r.answers),
    authority: set(r.authorities),
    additional: set(r.additionals),
    edns: r.edns !== undefined,
  });
}

/** RFC 8427 records from `resolve --json` as presentation lines. */
interface JsonRecord {
  NAME: string;
  TTL: number;
  CLASSname?: string;
  CLASS: number;
  TYPEname: string;
  RDATAHEX?: string;
  [key: string]: unknown;
}
function jsonLine(rr: JsonRecord): string {
  const rdata = rr.RDATAHEX !== undefined ? `\\# ${rr.RDATAHEX.length / 2} ${rr.RDATAHEX}` : String(rr[`rdata${rr.TYPEname}`]);
  return sameAddressForm(`${rr.NAME} ${rr.TTL} ${rr.CLASSname ?? `CLASS${rr.CLASS}`} ${rr.TYPEname} ${rdata}`.replace(/\s+/g, ' '));
}
function viewOfJson(json: Record<string, unknown>): ReplyView {
  const set = (key: string) => ((json[key] as JsonRecord[]) ?? []).filter((rr) => rr.TYPEname !== 'OPT').map(jsonLine).sort();
  return lowerCased({
    status: rcodeToString(json.RCODE as number),
    flags: [],
    answer: set('answerRRs'),
    authority: set('authorityRRs'),
    additional: set('additionalRRs'),
    edns: ((json.additionalRRs as JsonRecord[]) ?? []).some((rr) => rr.TYPEname === 'OPT'),
  });
}

function resolveCli(port: number, a: Ask): Promise<Record<string, unknown> | string> {
  const args = [
    RESOLVE, '@127.0.0.1', '-p', String(port), '--timeout', '2', '--tries', '1', '--json', a.name, a.type,
    ...(a.rd ? [] : ['--no-recurse']), ...(a.edns ? [] : ['--no-edns']), ...(a.tcp ? ['--tcp'] : []), ...(a.dnssecOk ? ['--dnssec'] : []),
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      } catch {
        resolve(`resolve exited ${err ? String(err.code) : 0}: ${stderr.trim() || stdout.trim()}`);
      }
    });
  });
}

/** dig's view of every ask against `port`: one dig process per transport. */
async function digViews(digPath: string, port: number, asks: Ask[]): Promise<ReplyView[]> {
  const views: ReplyView[] = new Array(asks.length);
  for (const tcp of [false, true]) {
    const idx = asks.map((a, i) => (a.tcp === tcp ? i : -1)).filter((i) => i >= 0);
    // dig 9.18 asks ANY over TCP unless told +notcp.
    const results = await digBatch(digPath, port, [tcp ? '+tcp' : '+notcp'], idx.map((i) => digLine(asks[i])));
    idx.forEach((i, k) => (views[i] = lowerCased(viewOfDig(results[k]))));
  }
  return views;
}

/** The node:dns-style method for a type, its results as dig prints the rdata (names without the final dot). */
const METHODS: Record<string, (r: Resolver, name: string) => Promise<string[]>> = {
  A: (r, n) => r.resolve4(n),
  AAAA: async (r, n) => (await r.resolve6(n)).map(hexAddress),
  NS: (r, n) => r.resolveNs(n),
  PTR: (r, n) => r.resolvePtr(n),
  CNAME: (r, n) => r.resolveCname(n),
  MX: async (r, n) => (await r.resolveMx(n)).map((m) => `${m.priority} ${m.exchange}`),
  SRV: async (r, n) => (await r.resolveSrv(n)).map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name}`),
};

function hexAddress(a: string): string {
  return new URL(`http://[${a}]/`).hostname.slice(1, -1);
}

/** node:dns error codes for the statuses dig shows (NOERROR without the records is ENODATA). */
const STATUS_CODES: Record<string, string> = { NXDOMAIN: 'ENOTFOUND', REFUSED: 'EREFUSED', SERVFAIL: 'ESERVFAIL', FORMERR: 'EFORMERR', NOTIMP: 'ENOTIMP' };

/**
 * What a node:dns method should return, from dig's (lower-cased) answer: the records of the type
 * owned by the end of the CNAME chain from the name (for CNAME, the name's own CNAME), or an error code.
 */
function expectedFromDig(dig: ReplyView, name: string, type: string): string[] | string {
  if (dig.status !== 'NOERROR') return STATUS_CODES[dig.status] ?? dig.status;
  const rows = dig.answer.map((line) => /^(\S+) \d+ in (\S+) (.*)$/.exec(line)!).map(([, owner, t, rdata]) => ({ owner, type: t.toUpperCase(), rdata }));
  let owner = `${name.toLowerCase().replace(/\.$/, '')}.`;
  for (let hops = 0; type !== 'CNAME' && hops < 16; hops++) {
    const cname = rows.find((r) => r.owner === owner && r.type === 'CNAME');
    if (!cname) break;
    owner = cname.rdata;
  }
  const found = rows.filter((r) => r.owner === owner && r.type === type).map((r) => r.rdata.replace(/\.$/, ''));
  return found.length ? found.sort() : 'ENODATA';
}

// What is compared: the rcode and the three record sections (flags differ by design: dig sets AD).
const FIELDS = ['status', 'answer', 'authority', 'additional', 'edns'] as const;

describeWithTools('resolver: Resolver and resolve --json vs dig, against NSD and port53d', ['dig', 'nsd'], (tools) => {
  let nsd: ReferenceServer;
  let ours: Server;
  let asks: Ask[] = [];
  let battery = 0;
  const compared = { resolver: 0, methods: 0, cli: 0 };

  beforeAll(async () => {
    const specs = servedZoneSpecs();
    const zones = await Promise.all(specs.map((s) => loadZone({ file: s.file, origin: s.origin })));
    const probes = buildBattery(zones);
    battery = probes.length;
    asks = probes.map(asAsk).filter((a): a is Ask => a !== undefined);
    [nsd, ours] = await Promise.all([startNsd(tools.nsd, specs), createServer({ zones: specs, addresses: ['127.0.0.1'], port: 0 })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([nsd?.stop(), ours?.close()]);
    process.stdout.write(`resolver interop: ${compared.resolver} probes compared against NSD and port53d (of a battery of ${battery}), ${compared.methods} through the node:dns-style methods, ${compared.cli} through resolve --json\n`);
  });

  const servers = () => [
    { name: 'port53d', port: ours.port },
    { name: 'NSD', port: nsd.port },
  ];
  // dig's view of every ask, once per server (the node:dns-style test reuses it).
  const digCache = new Map<number, Promise<ReplyView[]>>();
  const digsFor = (port: number) => {
    if (!digCache.has(port)) digCache.set(port, digViews(tools.dig, port, asks));
    return digCache.get(port)!;
  };

  test('the battery leaves most probes for the resolver, of every transport and EDNS setting', () => {
    expect(asks.length).toBeGreaterThanOrEqual(200);
    expect(asks.some((a) => a.tcp)).toBe(true);
    expect(asks.some((a) => !a.edns)).toBe(true);
    expect(asks.some((a) => a.payload === 512)).toBe(true);
    expect(asks.some((a) => a.dnssecOk)).toBe(true);
    expect(asks.some((a) => a.rd)).toBe(true);
  });

  test('Resolver.query() gets what dig gets, from NSD and from port53d', async () => {
    const failures: string[] = [];
    for (const server of servers()) {
      const resolvers = new Map<number, Resolver>();
      const resolverFor = (payload: number) => {
        let r = resolvers.get(payload);
        if (!r) {
          r = new Resolver({ servers: [`127.0.0.1:${server.port}`], timeout: 2000, tries: 1, resolvConf: false, search: false, ednsPayload: payload });
          resolvers.set(payload, r);
        }
        return r;
      };
      const digs = await digsFor(server.port);
      await pooled(asks, 8, async (a, i) => {
        let mine: ReplyView | string;
        try {
          const result = await resolverFor(a.payload).query(a.name, a.type, { tcp: a.tcp, edns: a.edns, recursion: a.rd, dnssecOk: a.dnssecOk, search: false });
          mine = viewOfResult(result);
          if (a.tcp && result.transport !== 'tcp') mine = `asked over TCP, answered over ${result.transport}`;
        } catch (err) {
          mine = `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`;
        }
        const diff = viewDifferences(digs[i], mine, [...FIELDS]);
        if (digs[i].status === '') diff.push('dig got no reply');
        if (diff.length) failures.push(`${server.name} ${a.label}${a.tcp ? ' (tcp)' : ''} [dig ${digLine(a).join(' ')}]:\n    ${diff.join('\n    ')}`);
      });
      compared.resolver += asks.length;
    }
    if (failures.length) process.stdout.write(`resolver vs dig: ${failures.length} differ:\n  ${failures.slice(0, 40).join('\n  ')}\n`);
    expect(failures).toEqual([]);
  }, 60_000);

  test('the node:dns-style methods return the records dig shows, or the error code its status means', async () => {
    // The probes asked as the methods ask: UDP, EDNS with the default payload, no DO.
    const plain = asks.filter((a) => METHODS[a.type] && !a.tcp && a.edns && a.payload === 1232 && !a.dnssecOk);
    expect(plain.length).toBeGreaterThanOrEqual(100);
    const failures: string[] = [];
    const outcomes = new Set<string>();
    for (const server of servers()) {
      const resolver = new Resolver({ servers: [`127.0.0.1:${server.port}`], timeout: 2000, tries: 1, resolvConf: false, search: false });
      const digs = await digsFor(server.port);
      await pooled(plain, 8, async (a) => {
        const dig = digs[asks.indexOf(a)];
        const want = expectedFromDig(dig, a.name, a.type);
        outcomes.add(typeof want === 'string' ? want : 'records');
        let got: string[] | string;
        try {
          got = (await METHODS[a.type](resolver, a.name)).map((x) => x.toLowerCase()).sort();
        } catch (err) {
          got = (err as { code?: string }).code ?? String(err);
        }
        if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${server.name} ${a.label}: ${JSON.stringify(got)} ≠ dig's ${JSON.stringify(want)}`);
      });
      compared.methods += plain.length;
    }
    // Answers, NODATA, NXDOMAIN and refusals all occur, so each mapping is exercised.
    expect([...outcomes].sort()).toEqual(['ENODATA', 'ENOTFOUND', 'EREFUSED', 'records']);
    if (failures.length) process.stdout.write(`node:dns-style methods vs dig: ${failures.length} differ:\n  ${failures.join('\n  ')}\n`);
    expect(failures).toEqual([]);
  }, 60_000);

  test('resolve --json prints what dig prints, on a sample of the battery', async () => {
    // Every k-th probe the CLI can express (it has no buffer-size option), alternating servers.
    const usable = asks.filter((a) => a.payload === 1232);
    const step = Math.max(1, Math.floor(usable.length / 30));
    const sample = usable.filter((_, i) => i % step === 0).slice(0, 30);
    const failures: string[] = [];
    for (const [s, server] of servers().entries()) {
      const mine = sample.filter((_, i) => i % 2 === s);
      const digs = await digViews(tools.dig, server.port, mine);
      await pooled(mine, 3, async (a, i) => {
        const json = await resolveCli(server.port, a);
        const view = typeof json === 'string' ? json : viewOfJson(json);
        const diff = viewDifferences(digs[i], view, [...FIELDS]);
        if (diff.length) failures.push(`${server.name} ${a.label}${a.tcp ? ' (tcp)' : ''}:\n    ${diff.join('\n    ')}`);
      });
      compared.cli += mine.length;
    }
    if (failures.length) process.stdout.write(`resolve --json vs dig: ${failures.length} differ:\n  ${failures.join('\n  ')}\n`);
    expect(sample.length).toBeGreaterThanOrEqual(25);
    expect(failures).toEqual([]);
  }, 60_000);
});
