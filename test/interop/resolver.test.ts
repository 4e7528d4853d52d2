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
import { loadZone } from '../../packages/server/src/zone/index.js';
import { buildBattery, type Probe } from '../support/battery.js';
import { digBatch } from '../support/dig-batch.js';
import { startNsd, type ReferenceServer } from '../support/reference-servers.js';
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

/** Runs `work` over `items` with at most `width` in flight (port53d allows 10 TCP connections per client). */
async function pooled<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i], i);
      }
    }),
  );
  return out;
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

// What is compared: the rcode and the three record sections (flags differ by design: dig sets AD).
const FIELDS = ['status', 'answer', 'authority', 'additional', 'edns'] as const;

describeWithTools('resolver: Resolver and resolve --json vs dig, against NSD and port53d', ['dig', 'nsd'], (tools) => {
  let nsd: ReferenceServer;
  let ours: Server;
  let asks: Ask[] = [];
  let battery = 0;
  const compared = { resolver: 0, cli: 0 };

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
    process.stdout.write(`resolver interop: ${compared.resolver} probes compared against NSD and port53d (of a battery of ${battery}), ${compared.cli} through resolve --json\n`);
  });

  const servers = () => [
    { name: 'port53d', port: ours.port },
    { name: 'NSD', port: nsd.port },
  ];

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
      const digs = await digViews(tools.dig, server.port, asks);
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
