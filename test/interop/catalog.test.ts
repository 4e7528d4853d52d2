// Issue 15 §6: port53d's catalog zone (RFC 9432) drives a Knot secondary that interprets it: the
// zones listed are transferred, a zone added or removed on port53d is added or removed on Knot.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode, rcodeToString } from '@port53/wire';
import { freePort, udpExchange } from '../support/loopback.mjs';
import { RunningPort53d } from '../support/port53d.js';
import { startKnotSecondary, type Secondary } from '../support/secondary-servers.js';
import { describeWithTools } from '../support/tools.js';

const SECRET = Buffer.from('port53 catalog zone secret, 32 o').toString('base64');
const KEY = { name: 'xfr.key', algorithm: 'hmac-sha256', secret: SECRET };

const zoneText = (origin: string) => [`$ORIGIN ${origin}.`, '$TTL 300', '@ SOA ns1 hostmaster 1 3600 600 86400 300', '@ NS ns1', 'ns1 A 192.0.2.53', 'www A 192.0.2.80', ''].join('\n');

async function status(port: number, zone: string): Promise<string> {
  const reply = await udpExchange(port, encode({ id: 3, questions: [{ name: `www.${zone}`, type: 'A', class: 'IN' }] }), { timeoutMs: 300 });
  if (!reply) return 'no reply';
  const m = decode(reply);
  return m.rcode === 0 && m.answers.length > 0 ? 'served' : rcodeToString(m.rcode);
}

describeWithTools('catalog zone: a Knot secondary follows port53d\'s zone list', ['knotd'], (tools) => {
  let dir: string;
  let primary: RunningPort53d | undefined;
  let knot: Secondary | undefined;

  const waitFor = async (zones: Record<string, boolean>, ms: number) => {
    const started = Date.now();
    for (;;) {
      const got = await Promise.all(Object.keys(zones).map((z) => status(knot!.port, z)));
      if (Object.values(zones).every((want, i) => (got[i] === 'served') === want)) return Date.now() - started;
      if (Date.now() - started > ms) throw new Error(`Knot: ${JSON.stringify(Object.keys(zones).map((z, i) => `${z} ${got[i]}`))} after ${ms} ms\n${knot!.log().slice(-3000)}\n${primary!.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'port53-catalog-'));
    mkdirSync(join(dir, 'zones'));
    for (const z of ['a.test', 'b.test']) writeFileSync(join(dir, 'zones', `${z}.zone`), zoneText(z));
    const [primaryPort, knotPort] = await Promise.all([freePort(), freePort()]);
    primary = RunningPort53d.start([
      '--zones', join(dir, 'zones'), '--port', String(primaryPort), '--address', '127.0.0.1', '--no-udp-batch',
      '--tsig-key', `${KEY.algorithm}:${KEY.name}:${KEY.secret}`, '--allow-transfer', `127.0.0.1@${KEY.name}`,
      '--notify', `127.0.0.1:${knotPort}@${KEY.name}`, '--catalog', 'catalog.test',
    ]);
    await primary.waitLog((l) => l.event === 'listening' && l.transport === 'tcp', 10_000);
    knot = startKnotSecondary(tools.knotd, knotPort, primaryPort, [], KEY, 'catalog.test');
  }, 20_000);

  afterAll(async () => {
    await knot?.stop();
    primary?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Knot serves every zone the catalog lists', async () => {
    await waitFor({ 'a.test': true, 'b.test': true }, 15_000);
    expect(knot!.log()).toMatch(/\[catalog\.test\.\] .*AXFR, incoming/);
  }, 20_000);

  test('a zone added and a zone removed on port53d are added and removed on Knot', async () => {
    writeFileSync(join(dir, 'zones', 'c.test.zone'), zoneText('c.test'));
    unlinkSync(join(dir, 'zones', 'b.test.zone'));
    primary!.child.kill('SIGHUP');
    const ms = await waitFor({ 'a.test': true, 'b.test': false, 'c.test': true }, 15_000);
    expect(ms).toBeLessThan(15_000); // the catalog's SOA refresh is an hour: NOTIFY brought it
    expect(primary!.logs.some((l) => l.event === 'catalog-updated' && l.members === 2)).toBe(true);
  }, 20_000);
});
