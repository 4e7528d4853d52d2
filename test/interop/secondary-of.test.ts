// Issue 15 §5: port53d as a secondary of real NSD and Knot primaries over loopback with TSIG: it
// copies their zones, follows their serial changes when NOTIFY says so, serves its disk copy
// after a restart while they are gone, and stops answering (SERVFAIL) past the SOA expire.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode } from '@port53/wire';
import { start, stop, type StartedChild } from '../support/child-processes.mjs';
import { freePort, udpExchange } from '../support/loopback.mjs';
import { RunningPort53d } from '../support/port53d.js';
import { describeWithTools } from '../support/tools.js';

const SECRET = Buffer.from('port53 as secondary secret, 32 o').toString('base64');
const KEY = `hmac-sha256:xfr.key:${SECRET}`;

/** SOA refresh 2 s, retry 1 s, expire 6 s: small, so expiry is quick to see. */
function zoneText(origin: string, serial: number, extra: string[] = []): string {
  return [`$ORIGIN ${origin}.`, '$TTL 300', `@ SOA ns1 hostmaster ${serial} 2 1 6 300`, '@ NS ns1', 'ns1 A 192.0.2.53', `www A 192.0.2.${serial}`, '@ MX 10 mail', 'mail AAAA 2001:db8::25', ...extra, ''].join('\n');
}

async function answer(port: number, name: string, type: 'SOA' | 'A'): Promise<{ rcode: number; serial?: number; a?: string[] }> {
  const reply = await udpExchange(port, encode({ id: 5, questions: [{ name, type, class: 'IN' }] }), { timeoutMs: 500 });
  if (!reply) return { rcode: -1 };
  const m = decode(reply);
  const soa = m.answers.find((r) => r.type === 'SOA');
  return { rcode: m.rcode, serial: soa?.type === 'SOA' ? soa.data.serial : undefined, a: m.answers.flatMap((r) => (r.type === 'A' ? [r.data] : [])) };
}

async function until(what: string, ms: number, check: () => Promise<boolean>, detail: () => string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

describeWithTools('port53d as secondary of NSD and Knot primaries', ['nsd', 'knotd'], (tools) => {
  let dir: string;
  let ours: RunningPort53d | undefined;
  let nsd: StartedChild | undefined;
  let knot: StartedChild | undefined;
  let oursPort: number;
  let nsdPort: number;
  let knotPort: number;

  const startOurs = async () => {
    const p = RunningPort53d.start([
      '--port', String(oursPort), '--address', '127.0.0.1', '--no-udp-batch', '--tsig-key', KEY,
      '--secondary', `n.test=127.0.0.1:${nsdPort}@xfr.key`, '--secondary', `k.test=127.0.0.1:${knotPort}@xfr.key`,
      '--secondary-dir', join(dir, 'copies'),
    ]);
    await p.waitLog((l) => l.event === 'listening' && l.transport === 'udp', 10_000);
    return p;
  };
  const logs = () => `port53d:\n${ours?.stderr.slice(-3000)}\nNSD:\n${nsd?.output.slice(-1500)}\nKnot:\n${knot?.output.slice(-1500)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'port53-secondary-of-'));
    [oursPort, nsdPort, knotPort] = await Promise.all([freePort(), freePort(), freePort()]);
    mkdirSync(join(dir, 'knotdb'));
    writeFileSync(join(dir, 'n.test.zone'), zoneText('n.test', 1));
    writeFileSync(join(dir, 'k.test.zone'), zoneText('k.test', 1));
    writeFileSync(join(dir, 'nsd.conf'), [
      'server:', `  ip-address: 127.0.0.1@${nsdPort}`, '  username: ""', '  chroot: ""', `  zonesdir: "${dir}"`, '  database: ""',
      `  pidfile: "${dir}/nsd.pid"`, `  xfrdfile: "${dir}/xfrd.state"`, `  zonelistfile: "${dir}/zone.list"`, '  server-count: 1', '  verbosity: 2',
      'remote-control:', '  control-enable: no',
      'key:', '  name: "xfr.key"', '  algorithm: hmac-sha256', `  secret: "${SECRET}"`,
      'zone:', '  name: "n.test"', `  zonefile: "${dir}/n.test.zone"`, '  provide-xfr: 127.0.0.1 xfr.key', `  notify: 127.0.0.1@${oursPort} xfr.key`, '',
    ].join('\n'));
    writeFileSync(join(dir, 'knot.conf'), [
      'server:', `  listen: 127.0.0.1@${knotPort}`, `  rundir: "${dir}"`,
      'database:', `  storage: "${dir}/knotdb"`,
      'log:', '  - target: stderr', '    any: info',
      'key:', '  - id: xfr.key', '    algorithm: hmac-sha256', `    secret: ${SECRET}`,
      'remote:', '  - id: port53d', `    address: 127.0.0.1@${oursPort}`, '    key: xfr.key',
      'acl:', '  - id: transfer', '    address: 127.0.0.1', '    key: xfr.key', '    action: transfer',
      'zone:', '  - domain: k.test', `    file: "${dir}/k.test.zone"`, '    zonefile-load: difference', '    journal-content: changes', '    zonefile-sync: -1',
      '    notify: port53d', '    acl: transfer', '',
    ].join('\n'));
    nsd = start(tools.nsd, ['-d', '-c', join(dir, 'nsd.conf')]);
    knot = start(tools.knotd, ['-c', join(dir, 'knot.conf')]);
    ours = await startOurs();
    await until('port53d serves both zones at serial 1', 15_000, async () => {
      const [n, k] = await Promise.all([answer(oursPort, 'n.test', 'SOA'), answer(oursPort, 'k.test', 'SOA')]);
      return n.serial === 1 && k.serial === 1;
    }, logs);
  }, 30_000);

  afterAll(async () => {
    ours?.kill();
    await Promise.all([nsd && stop(nsd), knot && stop(knot)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('both zones are copied and answered with their data', async () => {
    expect(await answer(oursPort, 'www.n.test', 'A')).toMatchObject({ rcode: 0, a: ['192.0.2.1'] });
    expect(await answer(oursPort, 'www.k.test', 'A')).toMatchObject({ rcode: 0, a: ['192.0.2.1'] });
    const updates = ours!.logs.filter((l) => l.event === 'secondary-updated');
    expect(updates.map((l) => `${l.zone} ${l.kind} ${l.serial}`).sort()).toEqual(['k.test AXFR 1', 'n.test AXFR 1']);
  });

  test('a serial change on the primaries reaches port53d by NOTIFY (Knot by IXFR)', async () => {
    writeFileSync(join(dir, 'n.test.zone'), zoneText('n.test', 2, ['new A 192.0.2.200']));
    writeFileSync(join(dir, 'k.test.zone'), zoneText('k.test', 2, ['new A 192.0.2.200']));
    nsd!.kill('SIGHUP');
    knot!.kill('SIGHUP');
    await until('port53d serves serial 2 of both zones', 10_000, async () => {
      const [n, k] = await Promise.all([answer(oursPort, 'n.test', 'SOA'), answer(oursPort, 'k.test', 'SOA')]);
      return n.serial === 2 && k.serial === 2;
    }, logs);
    expect(await answer(oursPort, 'new.k.test', 'A')).toMatchObject({ rcode: 0, a: ['192.0.2.200'] });
    expect(await answer(oursPort, 'new.n.test', 'A')).toMatchObject({ rcode: 0, a: ['192.0.2.200'] });
    const notified = ours!.logs.filter((l) => l.event === 'notify-received').map((l) => l.zone);
    expect(new Set(notified)).toEqual(new Set(['n.test', 'k.test']));
    expect(ours!.logs.some((l) => l.event === 'secondary-updated' && l.zone === 'k.test' && l.kind === 'IXFR' && l.serial === 2)).toBe(true);
  }, 15_000);

  test('restarted with both primaries gone, port53d answers from its disk copy at once; past expire, SERVFAIL', async () => {
    await Promise.all([stop(nsd!), stop(knot!)]);
    ours!.kill();
    await ours!.exited;
    ours = await startOurs();
    expect(await answer(oursPort, 'www.k.test', 'A')).toMatchObject({ rcode: 0, a: ['192.0.2.2'] });
    expect(await answer(oursPort, 'n.test', 'SOA')).toMatchObject({ rcode: 0, serial: 2 });
    await until('both zones expire (SOA expire 6 s)', 10_000, async () => {
      const [n, k] = await Promise.all([answer(oursPort, 'www.n.test', 'A'), answer(oursPort, 'www.k.test', 'A')]);
      return n.rcode === 2 && k.rcode === 2;
    }, logs);
    expect(ours!.logs.filter((l) => l.event === 'secondary-expired').length).toBe(2);
  }, 20_000);
});
