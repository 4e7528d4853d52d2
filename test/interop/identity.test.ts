// dig CH TXT id.server / version.bind, +nsid and +cookie against port53d, NSD and Knot configured
// alike: identity "ns-test", NSID "ns-test", version hidden; Knot with its cookies module.
import { createServer, type Server } from '@port53/server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dig, type DigResult } from '../support/dig.js';
import { startKnot, startNsd, type ReferenceServer } from '../support/reference-servers.mjs';
import { describeWithTools } from '../support/tools.js';

const zones = [{ origin: 'example.test', file: 'zones/example.test.zone' }];
const line = (r: DigResult, key: string) => r.raw.split('\n').find((l) => l.startsWith(`; ${key}:`))?.replace(/\s+\(good\)$/, '');

describeWithTools('identity, NSID and cookies as dig sees them', ['dig', 'nsd', 'knotd'], (tools) => {
  let ours: Server;
  let nsd: ReferenceServer;
  let knot: ReferenceServer;
  const ports: Record<string, number> = {};
  beforeAll(async () => {
    [ours, nsd, knot] = await Promise.all([
      createServer({ zones, addresses: ['127.0.0.1'], port: 0, identity: 'ns-test', version: '', nsid: 'ascii_ns-test' }),
      startNsd(tools.nsd, zones, { serverLines: ['  identity: "ns-test"', '  hide-version: yes', '  nsid: "ascii_ns-test"'] }),
      startKnot(tools.knotd, zones, { serverLines: ['  identity: "ns-test"', '  version: ""', '  nsid: "ns-test"'], templateLines: ['    global-module: mod-cookies'] }),
    ]);
    Object.assign(ports, { port53d: ours.port, NSD: nsd.port, Knot: knot.port });
  }, 30_000);
  afterAll(async () => {
    await Promise.all([ours?.close(), nsd?.stop(), knot?.stop()]);
  });

  const each = async (args: string[]) => {
    const out: Record<string, DigResult> = {};
    for (const [name, port] of Object.entries(ports)) out[name] = await dig(tools.dig, port, args);
    return out;
  };

  test('dig CH TXT id.server and hostname.bind: the identity, TTL 0, no AA, from all three', async () => {
    for (const qname of ['id.server', 'hostname.bind']) {
      const r = await each(['+norec', '+nocookie', 'CH', 'TXT', qname]);
      for (const [name, got] of Object.entries(r)) {
        expect([name, got.status, got.flags, got.answer]).toEqual([name, 'NOERROR', ['qr'], [`${qname}. 0 CH TXT "ns-test"`]]);
      }
    }
  });

  test('a hidden version is REFUSED by all three; port53d and NSD say EDE 18 Prohibited', async () => {
    const r = await each(['+norec', '+nocookie', 'CH', 'TXT', 'version.bind']);
    expect(Object.values(r).map((x) => x.status)).toEqual(['REFUSED', 'REFUSED', 'REFUSED']);
    expect(line(r.port53d, 'EDE')).toBe(line(r.NSD, 'EDE'));
    expect(line(r.port53d, 'EDE')).toBe('; EDE: 18 (Prohibited)');
  });

  test('dig +nsid shows the same NSID from all three', async () => {
    const r = await each(['+norec', '+nocookie', '+nsid', 'example.test', 'SOA']);
    for (const got of Object.values(r)) expect(line(got, 'NSID')).toBe('; NSID: 6e 73 2d 74 65 73 74 ("ns-test")');
  });

  test('dig +cookie: port53d and Knot both return a server cookie dig calls good, and the second query with it validates', async () => {
    for (const name of ['port53d', 'Knot']) {
      const first = await dig(tools.dig, ports[name], ['+norec', '+cookie=0102030405060708', 'example.test', 'SOA']);
      expect([name, first.status, first.raw.includes('(good)')]).toEqual([name, 'NOERROR', true]);
      const cookie = /; COOKIE: ([0-9a-f]+)/.exec(first.raw)![1];
      expect(cookie).toMatch(/^0102030405060708010000[0-9a-f]{26}$/); // RFC 9018 layout: version 1, reserved 0
      const before = ours.stats.cookies.valid;
      const second = await dig(tools.dig, ports[name], ['+norec', `+cookie=${cookie}`, 'example.test', 'SOA']);
      expect([name, second.status, second.raw.includes('(good)'), second.answer.length]).toEqual([name, 'NOERROR', true, 1]);
      if (name === 'port53d') expect(ours.stats.cookies.valid).toBe(before + 1);
    }
  });
});
