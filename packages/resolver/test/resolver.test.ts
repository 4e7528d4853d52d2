import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError, Resolver } from '@port53/resolver';
import { startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';

let fake: FakeServer;
let resolver: Resolver;
beforeAll(async () => {
  const answer = zoneAnswer(EXAMPLE);
  fake = await startFakeServer((q) => [answer(q)]);
  resolver = new Resolver({ servers: [fake.server], timeout: 500, tries: 1, resolvConf: false });
});
afterAll(() => fake.close());

describe('node:dns-shaped methods', () => {
  const rows: [string, () => Promise<unknown>, unknown][] = [
    ['resolve4', () => resolver.resolve4('example.test'), ['192.0.2.1', '192.0.2.2']],
    ['resolve4 ttl', () => resolver.resolve4('example.test', { ttl: true }), [{ address: '192.0.2.1', ttl: 300 }, { address: '192.0.2.2', ttl: 300 }]],
    ['resolve4 via CNAME, chain TTL', () => resolver.resolve4('www.example.test', { ttl: true }), [{ address: '192.0.2.1', ttl: 60 }, { address: '192.0.2.2', ttl: 60 }]],
    ['resolve6', () => resolver.resolve6('example.test'), ['2001:db8::1']],
    ['resolveMx', () => resolver.resolveMx('example.test'), [{ exchange: 'mail.example.test', priority: 10 }]],
    ['resolveTxt', () => resolver.resolveTxt('example.test'), [['v=spf1 -all', 'second']]],
    ['resolveSrv', () => resolver.resolveSrv('_sip._udp.example.test'), [{ name: 'sip.example.test', port: 5060, priority: 1, weight: 5 }]],
    ['resolveCname', () => resolver.resolveCname('www.example.test'), ['example.test']],
    ['resolveNs', () => resolver.resolveNs('example.test'), ['ns1.example.test']],
    ['resolvePtr', () => resolver.resolvePtr('1.2.0.192.in-addr.arpa'), ['example.test']],
    ['reverse', () => resolver.reverse('192.0.2.1'), ['example.test']],
    ['resolveCaa', () => resolver.resolveCaa('example.test'), [{ critical: 0, issue: 'ca.example' }]],
    ['resolveSoa', () => resolver.resolveSoa('example.test'), { nsname: 'ns1.example.test', hostmaster: 'hostmaster.example.test', serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minttl: 300 }],
    ['resolveNaptr', () => resolver.resolveNaptr('enum.example.test'), [
      { flags: 'u', service: 'E2U+sip', regexp: '!^.*$!sip:info@example.test!', replacement: '', order: 100, preference: 10 },
      { flags: 's', service: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.test', order: 102, preference: 10 },
    ]],
    ['resolve MX', () => resolver.resolve('example.test', 'MX'), [{ exchange: 'mail.example.test', priority: 10 }]],
    ['resolve default A', () => resolver.resolve('example.test'), ['192.0.2.1', '192.0.2.2']],
    ['name with final dot', () => resolver.resolve4('example.test.'), ['192.0.2.1', '192.0.2.2']],
  ];
  it.each(rows)('%s', async (_, call, expected) => {
    expect(await call()).toEqual(expected);
  });

  it('resolveAny returns typed entries', async () => {
    const any = await resolver.resolveAny('example.test');
    expect(any).toContainEqual({ type: 'A', address: '192.0.2.1', ttl: 300 });
    expect(any).toContainEqual({ type: 'MX', exchange: 'mail.example.test', priority: 10 });
    expect(any).toContainEqual({ type: 'TXT', entries: ['v=spf1 -all', 'second'] });
  });

  const errors: [string, () => Promise<unknown>, string][] = [
    ['NXDOMAIN', () => resolver.resolve4('nope.example.test'), 'ENOTFOUND'],
    ['NODATA', () => resolver.resolveMx('mail.example.test'), 'ENODATA'],
    ['reverse of garbage', () => resolver.reverse('not-an-ip'), 'EINVAL'],
    ['resolve unknown type', () => resolver.resolve('example.test', 'BOGUS'), 'EINVAL'],
    ['bad name', () => resolver.resolve4('a..b'), 'EBADNAME'],
  ];
  it.each(errors)('%s → %s', async (_, call, code) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect((err as DnsError).code).toBe(code);
  });

  it('errors carry node:dns fields and the attempts', async () => {
    const err = (await resolver.resolve4('nope.example.test').catch((e: unknown) => e)) as DnsError;
    expect(err).toMatchObject({ code: 'ENOTFOUND', hostname: 'nope.example.test', syscall: 'queryA', type: 'A' });
    expect(err.attempts).toEqual([expect.objectContaining({ server: fake.server, outcome: 'answer', transport: 'udp' })]);
  });
});

describe('search list', () => {
  const make = (search: boolean | string[], ndots?: number) =>
    new Resolver({ servers: [fake.server], timeout: 500, tries: 1, resolvConf: false, search, ndots });

  it('is not applied unless asked for', async () => {
    await expect(make(false).resolve4('host')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('completes a short name with the search domains, in order', async () => {
    const before = fake.queries.length;
    expect(await make(['nothere.test', 'search.test']).resolve4('host')).toEqual(['192.0.2.99']);
    expect(fake.queries.slice(before).map((q) => q.message.questions[0].name)).toEqual(['host.nothere.test', 'host.search.test']);
  });

  it('tries a name with ndots dots as given first, and never expands an absolute name', async () => {
    const r = make(['search.test'], 1);
    const before = fake.queries.length;
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(fake.queries.length - before).toBe(1);
    await expect(r.resolve4('host.')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(fake.queries.at(-1)!.message.questions[0].name).toBe('host');
  });

  it("takes resolv.conf's list, and can be turned on per query", async () => {
    const conf = join(mkdtempSync(join(tmpdir(), 'port53-search-')), 'resolv.conf');
    writeFileSync(conf, 'nameserver 192.0.2.53\nsearch nothere.test search.test\noptions ndots:2\n');
    const r = new Resolver({ servers: [fake.server], timeout: 500, tries: 1, resolvConf: conf });
    expect((await r.query('host', 'A')).rcodeName).toBe('NXDOMAIN');
    const found = await r.query('host', 'A', { search: true });
    expect(found.questions[0].name).toBe('host.search.test');
    expect(await new Resolver({ servers: [fake.server], resolvConf: conf, search: true }).resolve4('host')).toEqual(['192.0.2.99']);
  });
});

describe('query()', () => {
  it('returns the whole response', async () => {
    const r = await resolver.query('example.test', 'MX');
    expect(r).toMatchObject({ rcode: 0, rcodeName: 'NOERROR', server: fake.server, transport: 'udp' });
    expect(r.flags).toMatchObject({ qr: true, aa: true, rd: true });
    expect(r.answers).toHaveLength(1);
    expect(r.edns?.udpPayloadSize).toBe(1232);
    expect(r.attempts).toHaveLength(1);
    expect(r.size).toBeGreaterThan(12);
  });

  it('does not throw on NXDOMAIN', async () => {
    const r = await resolver.query('nope.example.test', 'A');
    expect(r.rcodeName).toBe('NXDOMAIN');
  });

  it('sends EDNS(0) with a 1232 payload by default and none with edns: false', async () => {
    await resolver.query('example.test', 'A');
    expect(fake.queries.at(-1)?.message.edns?.udpPayloadSize).toBe(1232);
    await resolver.query('example.test', 'A', { edns: false });
    expect(fake.queries.at(-1)?.message.edns).toBeUndefined();
  });

  it('sends RD, one question, and a class when asked', async () => {
    await resolver.query('example.test', 'TXT', { class: 'CH' });
    const q = fake.queries.at(-1)!.message;
    expect(q.flags.rd).toBe(true);
    expect(q.questions).toEqual([{ name: 'example.test', type: 'TXT', class: 'CH' }]);
  });

  it('uses a random, fresh ID per query', async () => {
    const before = fake.queries.length;
    await Promise.all(Array.from({ length: 20 }, () => resolver.query('example.test')));
    const ids = new Set(fake.queries.slice(before).map((q) => q.message.id));
    expect(ids.size).toBeGreaterThan(15);
  });

  it('getServers/setServers use node:dns forms', () => {
    const r = new Resolver({ servers: ['127.0.0.1', '127.0.0.1:5353', '[::1]:5353', '::1', '[fe80::1%lo]:53'], resolvConf: false });
    expect(r.getServers()).toEqual(['127.0.0.1', '127.0.0.1:5353', '[::1]:5353', '::1', 'fe80::1%lo']);
    expect(() => r.setServers(['127.0.0.1', 'not an ip'])).toThrow(/invalid server/);
    expect(r.getServers()).toHaveLength(5);
    r.setServers(['192.0.2.53:53']);
    expect(r.getServers()).toEqual(['192.0.2.53']);
  });
});
