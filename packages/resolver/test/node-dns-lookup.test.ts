import * as nodeDns from 'node:dns';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dns from '@port53/resolver/dns';
import { createLookup, type Lookups } from '@port53/resolver/dns';
import { startBlackhole, startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';

let fake: FakeServer;
let hostsPath: string;
let ours: Lookups;
const asked = () => fake.queries.map((q) => q.message.questions[0].name.toLowerCase());

beforeAll(async () => {
  fake = await startFakeServer((q) => [zoneAnswer(EXAMPLE)(q)]);
  hostsPath = join(mkdtempSync(join(tmpdir(), 'port53-hosts-')), 'hosts');
  writeFileSync(hostsPath, '# test hosts\n192.0.2.50 pinned.test pinned-alias  # comment\n2001:db8::50 pinned.test\n');
  ours = createLookup({
    resolver: { servers: [fake.server], timeout: 300, tries: 1, resolvConf: false, search: ['search.test'], ndots: 1 },
    hostsFile: hostsPath,
    hostsCheckMs: 0,
  });
});
afterAll(() => fake.close());

describe('lookup(): results as dns.lookup gives them', () => {
  const rows: [string, string, dns.LookupOptions, unknown][] = [
    ['first address, family 4', 'example.test', {}, { address: '192.0.2.1', family: 4 }],
    ['all, verbatim: A then AAAA', 'example.test', { all: true }, [
      { address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 }, { address: '2001:db8::1', family: 6 },
    ]],
    ['all, ipv6first', 'example.test', { all: true, order: 'ipv6first' }, [
      { address: '2001:db8::1', family: 6 }, { address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 },
    ]],
    ['verbatim: false is ipv4first', 'example.test', { all: true, verbatim: false, family: 0 }, [
      { address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 }, { address: '2001:db8::1', family: 6 },
    ]],
    ['family 6', 'example.test', { family: 6 }, { address: '2001:db8::1', family: 6 }],
    ["family 'IPv4', all", 'example.test', { family: 'IPv4', all: true }, [{ address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 }]],
    ['through a CNAME', 'www.example.test', { family: 4, all: true }, [{ address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 }]],
    ['V4MAPPED: no AAAA, mapped A', 'mail.example.test', { family: 6, hints: dns.V4MAPPED }, { address: '::ffff:192.0.2.25', family: 6 }],
    ['V4MAPPED|ALL: AAAA and mapped A', 'example.test', { family: 6, hints: dns.V4MAPPED | dns.ALL, all: true }, [
      { address: '2001:db8::1', family: 6 }, { address: '::ffff:192.0.2.1', family: 6 }, { address: '::ffff:192.0.2.2', family: 6 },
    ]],
    ['search list: fewer dots than ndots', 'host', { all: true }, [{ address: '192.0.2.99', family: 4 }]],
    ['hosts file before DNS', 'PINNED.test', { all: true }, [{ address: '192.0.2.50', family: 4 }, { address: '2001:db8::50', family: 6 }]],
    ['hosts file alias', 'pinned-alias', { all: true }, [{ address: '192.0.2.50', family: 4 }]],
    ['localhost (RFC 6761)', 'localhost', { all: true }, [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]],
    ['below localhost', 'app.localhost.', { family: 6 }, { address: '::1', family: 6 }],
    ['an address is itself', '192.0.2.7', { family: 6 }, { address: '192.0.2.7', family: 4 }],
    ['empty hostname', '', { family: 6 }, { address: null, family: 6 }],
  ];
  it.each(rows)('%s', async (_, name, options, expected) => {
    expect(await ours.promises.lookup(name, options)).toEqual(expected);
    const viaCallback = await new Promise((resolve, reject) =>
      ours.lookup(name, options, (err, address, family) => (err ? reject(err) : resolve(options.all ? address : { address, family }))),
    );
    expect(viaCallback).toEqual(expected);
  });

  it('localhost names and hosts-file names never reach the server', async () => {
    const before = fake.queries.length;
    await ours.promises.lookup('localhost', { all: true });
    await ours.promises.lookup('db.localhost', { all: true });
    await ours.promises.lookup('pinned.test', { all: true });
    expect(fake.queries.length).toBe(before);
  });

  it('answers come from the cache until their TTL runs out: a second lookup asks nothing', async () => {
    const { promises, source } = createLookup({ resolver: { servers: [fake.server], resolvConf: false }, hostsFile: false });
    await promises.lookup('www.example.test', { all: true });
    const before = fake.queries.length;
    expect(await promises.lookup('www.example.test', { all: true })).toEqual([
      { address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 }, { address: '2001:db8::1', family: 6 },
    ]);
    // Another family is another question for lookup() but the same A record for the Resolver's cache.
    expect(await promises.lookup('www.example.test', { family: 4 })).toEqual({ address: '192.0.2.1', family: 4 });
    expect(fake.queries.length).toBe(before);
    expect(source.resolver.cache?.stats.hits).toBeGreaterThan(0);
    source.resolver.close();
  });

  it("setServers() on the lookup's resolver forgets what the old servers said", async () => {
    const other = await startFakeServer((q) => [{ ...zoneAnswer(EXAMPLE)(q), answers: [{ name: q.questions[0].name, type: 'A', class: 'IN', ttl: 300, data: '192.0.2.200' }] }]);
    try {
      const { promises, source } = createLookup({ resolver: { servers: [fake.server], resolvConf: false }, hostsFile: false });
      expect(await promises.lookup('example.test', { family: 4 })).toEqual({ address: '192.0.2.1', family: 4 });
      expect(await promises.lookup('example.test', { family: 4 })).toEqual({ address: '192.0.2.1', family: 4 });
      source.resolver.setServers([other.server]);
      expect(await promises.lookup('example.test', { family: 4 })).toEqual({ address: '192.0.2.200', family: 4 });
      source.resolver.close();
    } finally {
      await other.close();
    }
  });

  it('re-reads the hosts file when it changes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'port53-hosts-')), 'hosts');
    writeFileSync(path, '192.0.2.60 moving.test\n');
    const { promises } = createLookup({ resolver: { servers: [fake.server], resolvConf: false }, hostsFile: path, hostsCheckMs: 0 });
    expect(await promises.lookup('moving.test')).toEqual({ address: '192.0.2.60', family: 4 });
    writeFileSync(path, '192.0.2.61   moving.test\n');
    expect(await promises.lookup('moving.test')).toEqual({ address: '192.0.2.61', family: 4 });
  });
});

describe('lookup(): resolv.conf and lookupService', () => {
  it("resolv.conf's search list and ndots apply", async () => {
    const conf = join(mkdtempSync(join(tmpdir(), 'port53-resolv-')), 'resolv.conf');
    writeFileSync(conf, 'search nowhere.test search.test\noptions ndots:2\n');
    const { promises, source } = createLookup({ resolver: { servers: [fake.server], resolvConf: conf }, hostsFile: false });
    expect(await promises.lookup('host', { family: 4 })).toEqual({ address: '192.0.2.99', family: 4 });
    // 'host.search' has one dot, fewer than ndots:2: the search list is tried first, then the name as given.
    const before = fake.queries.length;
    await promises.lookup('host.search', { family: 4 }).catch(() => undefined);
    expect(asked().slice(before)).toEqual(['host.search.nowhere.test', 'host.search.search.test', 'host.search']);
    source.resolver.close();
  });

  it('lookupService: the hosts file, else the PTR record; ENOTFOUND when there is none (getnameinfo, NI_NAMEREQD)', async () => {
    const { lookupService } = await import('../src/node-dns/lookup-service.js');
    const { source } = createLookup({ resolver: { servers: [fake.server], resolvConf: false }, hostsFile: hostsPath });
    expect(await lookupService(source as never, '192.0.2.1', 80)).toEqual({ hostname: 'example.test', service: 'http' });
    expect(await lookupService(source as never, '192.0.2.50', 54321)).toEqual({ hostname: 'pinned.test', service: '54321' });
    await expect(lookupService(source as never, '192.0.2.9', 22)).rejects.toMatchObject({ code: 'ENOTFOUND', syscall: 'getnameinfo', message: 'getnameinfo ENOTFOUND 192.0.2.9', errno: -3008 });
    source.resolver.close();
  });
});

describe('lookup(): errors as dns.lookup gives them', () => {
  it('a name that does not exist: getaddrinfo ENOTFOUND name', async () => {
    const err = await ours.promises.lookup('nope.example.test').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'Error', message: 'getaddrinfo ENOTFOUND nope.example.test', code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: 'nope.example.test' });
    expect(Object.keys(err as object)).toEqual(['errno', 'code', 'syscall', 'hostname']);
  });

  it('a name with no address of the family asked: ENOTFOUND', async () => {
    await expect(ours.promises.lookup('mail.example.test', { family: 6 })).rejects.toMatchObject({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND mail.example.test' });
  });

  it('.invalid and .onion fail without a query (RFC 6761 §6.4, RFC 7686 §2)', async () => {
    const before = fake.queries.length;
    await expect(ours.promises.lookup('x.invalid')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(ours.promises.lookup('hidden.onion')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(fake.queries.length).toBe(before);
  });

  it('a server that never answers: EAI_AGAIN by the deadline, with the attempts as a property', async () => {
    const hole = await startBlackhole();
    try {
      const { promises } = createLookup({ resolver: { servers: [hole.server], timeout: 100, tries: 2, deadline: 400, resolvConf: false }, hostsFile: false });
      const started = performance.now();
      const err = await promises.lookup('slow.example.test').catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(err).toMatchObject({ code: 'EAI_AGAIN', errno: -3001, syscall: 'getaddrinfo', message: 'getaddrinfo EAI_AGAIN slow.example.test' });
      expect((err as { attempts: unknown[] }).attempts.length).toBeGreaterThan(0);
    } finally {
      await hole.close();
    }
  });
});

describe('lookup(): argument checks as node:dns', () => {
  const noop = () => {};
  // Each row is called on node:dns and on ours; both must throw the same synchronous error.
  const rows: [string, unknown[]][] = [
    ['number hostname', [1, noop]],
    ['object hostname', [{}, noop]],
    ['no callback', ['example.test']],
    ['no callback after options', ['example.test', {}]],
    ['family 5', ['example.test', 5, noop]],
    ['options.family 5', ['example.test', { family: 5 }, noop]],
    ["options.family 'IPv5'", ['example.test', { family: 'IPv5' }, noop]],
    ['hints 3', ['example.test', { hints: 3 }, noop]],
    ["hints '1024'", ['example.test', { hints: '1024' }, noop]],
    ['all 1', ['example.test', { all: 1 }, noop]],
    ["verbatim 'yes'", ['example.test', { verbatim: 'yes' }, noop]],
    ["order 'random'", ['example.test', { order: 'random' }, noop]],
    ['options a string', ['example.test', 'x', noop]],
    ['options a string, no callback', ['example.test', 'x']],
  ];
  it.each(rows)('%s', (_, args) => {
    const theirs = thrown(() => Reflect.apply(nodeDns.lookup, undefined, args));
    const mine = thrown(() => Reflect.apply(dns.lookup, undefined, args));
    expect(theirs).toBeDefined();
    expect(mine).toEqual(theirs);
  });

  const promiseRows: [string, unknown[]][] = [
    ['number hostname', [1]],
    ['true hostname', [true]],
    ['family 5', ['example.test', 5]],
    ['hints 3', ['example.test', { hints: 3 }]],
    ['options a string', ['example.test', 'x']],
    ["order 'random'", ['example.test', { order: 'random' }]],
  ];
  it.each(promiseRows)('promises: %s', (_, args) => {
    const theirs = thrown(() => Reflect.apply(nodeDns.promises.lookup, undefined, args));
    const mine = thrown(() => Reflect.apply(dns.promises.lookup, undefined, args));
    expect(theirs).toBeDefined();
    expect(mine).toEqual(theirs);
  });

  it('setDefaultResultOrder refuses what node:dns refuses', () => {
    expect(thrown(() => dns.setDefaultResultOrder('random' as never))).toEqual(thrown(() => nodeDns.setDefaultResultOrder('random' as never)));
  });
});

/** What a call throws synchronously, as the fields a caller compares. */
function thrown(f: () => unknown): { name: string; code: unknown; message: string } | undefined {
  try {
    f();
  } catch (err) {
    const e = err as { name: string; code: unknown; message: string };
    return { name: e.name, code: e.code, message: e.message };
  }
  return undefined;
}
