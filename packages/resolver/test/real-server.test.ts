import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from '@port53/server';
import { DnsError, Resolver } from '@port53/resolver';
import { assertBuilt, runCli } from './support/run-cli.js';

// The demo zones of the repository, served by the real server on an ephemeral port.
const zonesDir = fileURLToPath(new URL('../../../zones', import.meta.url));
let server: Server;
let resolver: Resolver;
beforeAll(async () => {
  server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
  resolver = new Resolver({ servers: [`127.0.0.1:${server.port}`], timeout: 1000, resolvConf: false });
});
afterAll(() => server.close());

describe('against @port53/server', () => {
  it('resolve4 follows the www → web → host1 chain', async () => {
    expect((await resolver.resolve4('www.example.test')).sort()).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12']);
  });

  it('node:dns shapes for MX, TXT, SRV, SOA, CAA, NS', async () => {
    expect(await resolver.resolveMx('example.test')).toEqual(
      expect.arrayContaining([{ exchange: 'mail.example.test', priority: 10 }, { exchange: 'mail2.example.test', priority: 20 }]),
    );
    expect(await resolver.resolveTxt('example.test')).toEqual([['v=spf1 mx -all']]);
    expect((await resolver.resolveTxt('long.example.test'))[0].length).toBeGreaterThan(1);
    expect(await resolver.resolveSrv('_imaps._tcp.example.test')).toEqual([{ name: 'mail.example.test', port: 993, priority: 0, weight: 1 }]);
    expect(await resolver.resolveSoa('example.test')).toMatchObject({ nsname: 'ns1.example.test', hostmaster: 'hostmaster.example.test', serial: 2024061501, minttl: 300 });
    expect(await resolver.resolveCaa('example.test')).toEqual(
      expect.arrayContaining([{ critical: 0, issue: 'ca.example.net' }, { critical: 128, iodef: 'mailto:security@example.test' }]),
    );
    expect((await resolver.resolveNs('example.test')).sort()).toEqual(['ns1.example.test', 'ns2.example.test']);
  });

  it('NXDOMAIN → ENOTFOUND, NODATA → ENODATA', async () => {
    const nx = (await resolver.resolve4('nope.example.test').catch((e: unknown) => e)) as DnsError;
    expect(nx.code).toBe('ENOTFOUND');
    const nodata = (await resolver.resolveSrv('example.test').catch((e: unknown) => e)) as DnsError;
    expect(nodata.code).toBe('ENODATA');
  });

  it('query() over TCP gets the whole ANY answer', async () => {
    const udp = await resolver.query('example.test', 'ANY');
    const tcp = await resolver.query('example.test', 'ANY', { tcp: true });
    expect([udp.transport, tcp.transport]).toEqual(['udp', 'tcp']);
    expect(udp.answers.length).toBeGreaterThanOrEqual(1);
    expect(tcp.answers.map((r) => r.type)).toEqual(expect.arrayContaining(['SOA', 'NS', 'MX', 'A', 'AAAA', 'TXT', 'CAA']));
  });

  it('0x20: the real server echoes our case', async () => {
    const r = new Resolver({ servers: [`127.0.0.1:${server.port}`], use0x20: true, timeout: 1000, resolvConf: false });
    expect(await r.resolve4('mail.example.test')).toEqual(['192.0.2.25']);
    expect(r.stats.ignored).toBe(0);
  });

  it('the CLI prints the answer and valid JSON', async () => {
    assertBuilt();
    const text = await runCli(['@127.0.0.1', '-p', String(server.port), 'example.test']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('example.test.\t3600\tIN\tA\t192.0.2.1');
    const json = await runCli(['@127.0.0.1', '-p', String(server.port), 'example.test', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).answerRRs).toEqual([expect.objectContaining({ NAME: 'example.test.', rdataA: '192.0.2.1' })]);
  });
});
