// Issue 15: port53d as a hidden primary, real NSD and Knot as its secondaries over loopback with
// TSIG: both transfer every zone, a reload reaches both by NOTIFY within seconds (Knot by IXFR),
// and then both answer the differential battery as port53d does.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode } from '@port53/wire';
import { loadZone } from '../../packages/server/src/zonefile/index.js';
import { buildBattery, type Probe } from '../support/battery.js';
import { view, type View } from '../support/differential.js';
import { freePort, tcpExchange, udpExchange } from '../support/loopback.mjs';
import { RunningPort53d } from '../support/port53d.js';
import { startKnotSecondary, startNsdSecondary, type Secondary } from '../support/secondary-servers.js';
import { servedZoneSpecs } from '../support/served-zones.js';
import { describeWithTools } from '../support/tools.js';

const SECRET = Buffer.from('port53 hidden primary secret, 32').toString('base64');
const KEY = { name: 'xfr.key', algorithm: 'hmac-sha256', secret: SECRET };

/** The zone the test changes: refresh an hour, so only NOTIFY can bring a change within seconds. */
function xfrZone(serial: number, extra: string[] = []): string {
  return [
    '$ORIGIN xfr.test.',
    '$TTL 300',
    `@ SOA ns1 hostmaster ${serial} 3600 600 86400 300`,
    '@ NS ns1',
    'ns1 A 192.0.2.53',
    '@ MX 10 mail',
    'mail A 192.0.2.25',
    'mail AAAA 2001:db8::25',
    '@ TXT "v=spf1 -all"',
    '_sip._udp SRV 10 60 5060 sip',
    'sip A 192.0.2.60',
    '@ CAA 0 issue "ca.example"',
    'opaque TYPE65280 \\# 4 deadbeef',
    `www A 192.0.2.${serial % 250}`,
    '* TXT "wildcard"',
    'child NS ns.child',
    'ns.child A 192.0.2.99',
    ...extra,
    '',
  ].join('\n');
}

async function soaSerial(port: number, zone: string): Promise<number | undefined> {
  const reply = await udpExchange(port, encode({ id: 7, questions: [{ name: zone, type: 'SOA', class: 'IN' }] }), { timeoutMs: 300 });
  if (!reply) return undefined;
  const m = decode(reply);
  const soa = m.answers.find((r) => r.type === 'SOA');
  return m.rcode === 0 && soa?.type === 'SOA' ? soa.data.serial : undefined;
}

/** Polls until every server answers every zone's SOA with `serial` (or any serial); bounded. */
async function waitForSerials(servers: Secondary[], zones: string[], serial: number | undefined, ms: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = await Promise.all(servers.flatMap((s) => zones.map((z) => soaSerial(s.port, z))));
    if (got.every((g) => g !== undefined && (serial === undefined || g === serial))) return Date.now() - started;
    if (Date.now() - started > ms) {
      throw new Error(`not every secondary serves ${serial ?? 'the zones'} after ${ms} ms: ${JSON.stringify(got)}\n${servers.map((s) => `${s.name}:\n${s.log().slice(-3000)}`).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function dig(digPath: string, port: number, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(digPath, ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args], { timeout: 10_000 }, (_e, out, err) => resolve(`${out}\n${err}`));
  });
}

describeWithTools('port53d as primary of NSD and Knot secondaries (TSIG, NOTIFY, IXFR)', ['nsd', 'knotd', 'dig'], (tools) => {
  let dir: string;
  let zonesDir: string;
  let journalDir: string;
  let primary: RunningPort53d | undefined;
  let primaryPort: number;
  let nsd: Secondary | undefined;
  let knot: Secondary | undefined;
  let zones: string[];
  let probes: Probe[];

  const startPrimary = async () => {
    const p = RunningPort53d.start([
      '--zones', zonesDir, '--port', String(primaryPort), '--address', '127.0.0.1', '--no-udp-batch',
      '--tsig-key', `${KEY.algorithm}:${KEY.name}:${KEY.secret}`,
      '--allow-transfer', `127.0.0.1@${KEY.name}`,
      '--notify', `127.0.0.1:${nsd?.port ?? nsdPort}@${KEY.name}`,
      '--notify', `127.0.0.1:${knot?.port ?? knotPort}@${KEY.name}`,
      '--journal', journalDir,
    ]);
    await p.waitLog((l) => l.event === 'listening' && l.transport === 'tcp', 10_000);
    return p;
  };
  let nsdPort: number;
  let knotPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'port53-primary-'));
    zonesDir = join(dir, 'zones');
    journalDir = join(dir, 'journal');
    mkdirSync(zonesDir);
    const specs = servedZoneSpecs();
    for (const s of specs) copyFileSync(s.file, join(zonesDir, basename(s.file)));
    writeFileSync(join(zonesDir, 'xfr.test.zone'), xfrZone(1));
    zones = [...specs.map((s) => s.origin), 'xfr.test'];
    [primaryPort, nsdPort, knotPort] = await Promise.all([freePort(), freePort(), freePort()]);
    primary = await startPrimary();
    nsd = startNsdSecondary(tools.nsd, nsdPort, primaryPort, zones, KEY);
    knot = startKnotSecondary(tools.knotd, knotPort, primaryPort, zones, KEY);
    await waitForSerials([nsd, knot], zones, undefined, 20_000);
    const loaded = await Promise.all(zones.map((z) => loadZone({ file: join(zonesDir, `${z}.zone`), origin: z })));
    probes = buildBattery(loaded);
  }, 40_000);

  afterAll(async () => {
    await Promise.all([nsd?.stop(), knot?.stop()]);
    primary?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('both secondaries transferred every zone from port53d, signed with the key', () => {
    const transfers = primary!.logs.filter((l) => l.event === 'transfer' && (l.kind === 'AXFR' || l.kind === 'IXFR-AXFR'));
    for (const zone of zones) {
      const forZone = transfers.filter((l) => l.zone === zone);
      expect(forZone.length, `${zone}: ${JSON.stringify(transfers)}`).toBeGreaterThanOrEqual(2);
      expect(forZone.every((l) => l.key === KEY.name)).toBe(true);
    }
  });

  test('NSD and Knot answer the differential battery as port53d does', async () => {
    expect(probes.length).toBeGreaterThanOrEqual(200);
    const failures: string[] = [];
    for (const probe of probes) {
      const bytes = encode(probe.message);
      const exchange = probe.tcp ? tcpExchange : udpExchange;
      const [ours, n, k] = (await Promise.all([primaryPort, nsd!.port, knot!.port].map((port) => exchange(port, bytes)))).map(view);
      const strip = (v: View | string) => (typeof v === 'string' || !probe.any ? v : { ...v, answer: [], authority: [] });
      const same = (a: View | string, b: View | string) => JSON.stringify(strip(a)) === JSON.stringify(strip(b));
      // The same policy as the differential test: ours must match NSD or Knot where they agree with each other.
      if (same(ours, n) || same(ours, k) || !same(n, k)) continue;
      failures.push(`${probe.label}: ours ${JSON.stringify(ours)} nsd ${JSON.stringify(n)} knot ${JSON.stringify(k)}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  test('a reload with a higher serial reaches NSD and Knot by NOTIFY within seconds; Knot transfers it by IXFR', async () => {
    writeFileSync(join(zonesDir, 'xfr.test.zone'), xfrZone(2, ['new A 192.0.2.200']));
    primary!.child.kill('SIGHUP');
    const ms = await waitForSerials([nsd!, knot!], ['xfr.test'], 2, 10_000);
    expect(ms).toBeLessThan(10_000); // the SOA refresh is an hour: only NOTIFY explains this
    for (const s of [nsd!, knot!]) {
      const a = view(await udpExchange(s.port, encode({ id: 9, questions: [{ name: 'new.xfr.test', type: 'A', class: 'IN' }] })));
      expect(a, s.name).toMatchObject({ rcode: 'NOERROR', answer: ['new.xfr.test.\t300\tin\ta\t192.0.2.200'] });
      const www = view(await udpExchange(s.port, encode({ id: 10, questions: [{ name: 'www.xfr.test', type: 'A', class: 'IN' }] })));
      expect(www, s.name).toMatchObject({ answer: ['www.xfr.test.\t300\tin\ta\t192.0.2.2'] });
    }
    const acked = () => primary!.logs.filter((l) => l.event === 'notify' && l.outcome === 'acknowledged' && l.serial === 2).length;
    await expect.poll(acked, { timeout: 3000 }).toBe(2);
    await expect.poll(() => knot!.log(), { timeout: 3000 }).toMatch(/\[xfr\.test\.\] IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/);
    expect(knot!.log().match(/\[xfr\.test\.\] AXFR, incoming, remote [^,]+, started/g)).toHaveLength(1); // only the first copy
    expect(primary!.logs.some((l) => l.event === 'transfer' && l.kind === 'IXFR' && l.zone === 'xfr.test' && l.from === 1 && l.serial === 2)).toBe(true);
  }, 20_000);

  test('dig IXFR=1 returns the difference over TCP and over UDP, and it survives a restart (journal)', async () => {
    const key = `${KEY.algorithm}:${KEY.name}:${KEY.secret}`;
    const diff = [
      /xfr\.test\.\s+300\s+IN\s+SOA\s+ns1\.xfr\.test\. hostmaster\.xfr\.test\. 2 /,
      /xfr\.test\.\s+300\s+IN\s+SOA\s+ns1\.xfr\.test\. hostmaster\.xfr\.test\. 1 /,
      /www\.xfr\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.1\n/,
      /www\.xfr\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.2\n/,
      /new\.xfr\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.200/,
    ];
    const check = (out: string) => {
      for (const re of diff) expect(out).toMatch(re);
      expect(out).toMatch(/XFR size: 7 records/); // SOA 2, SOA 1, -www, SOA 2, +www, +new, SOA 2
      expect(out).not.toMatch(/ns1\.xfr\.test\.\s+300\s+IN\s+A/); // unchanged records stay out
    };
    check(await dig(tools.dig, primaryPort, ['-y', key, 'xfr.test', 'IXFR=1']));
    const udp = await dig(tools.dig, primaryPort, ['-y', key, '+notcp', 'xfr.test', 'IXFR=1']);
    for (const re of diff) expect(udp).toMatch(re);
    expect(udp).toMatch(/\(UDP\)/);
    primary!.child.kill('SIGTERM');
    await primary!.exited;
    primary = await startPrimary();
    check(await dig(tools.dig, primaryPort, ['-y', key, 'xfr.test', 'IXFR=1']));
  }, 20_000);
});
