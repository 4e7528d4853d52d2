import { once } from 'node:events';
import { connect as netConnect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dns, { Resolver, PromiseResolver } from '@port53/resolver/dns';
import { respond, startBlackhole, startFakeServer, type FakeServer } from './support/fake-server.js';
import { Rcode, type ResourceRecord } from '@port53/wire';

/**
 * The behaviours Node's own test/parallel/test-dns-*.js check against a local mock server, written
 * again here for @port53/resolver/dns: cancel, timeouts, tries, several channels, resolveAny, a bad
 * record count, setServers during a query, server lists, lookup as net.connect's option.
 */
const enc = (s: string) => new TextEncoder().encode(s);
const rr = (name: string, type: string, data: unknown, ttl = 123) => ({ name, type, class: 'IN', ttl, data }) as ResourceRecord;

let answering: FakeServer;
let silent: Awaited<ReturnType<typeof startBlackhole>>;
const made: { resolver: { close(): void } }[] = [];
const track = <T extends { resolver: { close(): void } }>(r: T): T => (made.push(r), r);

beforeAll(async () => {
  answering = await startFakeServer((q) => {
    const { name, type } = q.questions[0];
    if (name === 'servfail.test') return [respond(q, { rcode: Rcode.SERVFAIL })];
    const answers = ANY_RECORDS.map((r) => ({ ...r, name })).filter((r) => type === 'ANY' || r.type === type);
    return [respond(q, { answers })];
  });
  silent = await startBlackhole();
});
afterAll(async () => {
  for (const r of made) r.resolver.close();
  await answering.close();
  await silent.close();
});

const ANY_RECORDS: ResourceRecord[] = [
  rr('', 'A', '1.2.3.4', 3333333333),
  rr('', 'AAAA', '::42', 3333333333),
  rr('', 'MX', { preference: 42, exchange: 'foobar.com' }),
  rr('', 'NS', 'foobar.org'),
  rr('', 'PTR', 'baz.org'),
  rr('', 'TXT', [enc('v=spf1 ~all'), enc('xyz\0foo')]),
  rr('', 'SOA', { mname: 'ns1.example.com', rname: 'admin.example.com', serial: 3210987654, refresh: 900, retry: 900, expire: 1800, minimum: 3333333333 }),
  rr('', 'CAA', { flags: 128, tag: 'issue', value: enc('ca.example.net') }),
];

describe('resolveAny (test-dns-resolveany, test-dns)', () => {
  const expected = [
    { address: '1.2.3.4', ttl: 3333333333, type: 'A' },
    { address: '::42', ttl: 3333333333, type: 'AAAA' },
    { exchange: 'foobar.com', priority: 42, type: 'MX' },
    { value: 'foobar.org', type: 'NS' },
    { entries: ['v=spf1 ~all', 'xyz\0foo'], type: 'TXT' },
    { value: 'baz.org', type: 'PTR' },
    { nsname: 'ns1.example.com', hostmaster: 'admin.example.com', serial: 3210987654, refresh: 900, retry: 900, expire: 1800, minttl: 3333333333, type: 'SOA' },
    { critical: 128, issue: 'ca.example.net', type: 'CAA' },
  ];
  it('promise, callback and resolve(name, "ANY") give every record, TTLs above 2^31 kept', async () => {
    const p = track(new PromiseResolver({ servers: [answering.server] }));
    const c = track(new Resolver({ servers: [answering.server] }));
    expect(await p.resolveAny('example.org')).toEqual(expected);
    expect(await p.resolve('example.org', 'ANY')).toEqual(expected);
    expect(await promisify(c.resolveAny)('example.org')).toEqual(expected);
    expect(await p.resolve4('example.org', { ttl: true })).toEqual([{ address: '1.2.3.4', ttl: 3333333333 }]);
    expect(await p.resolveSoa('example.org')).toMatchObject({ serial: 3210987654, minttl: 3333333333 });
  });
});

describe('cancel (test-dns-channel-cancel, -promise, test-dns-cancel-reverse-lookup)', () => {
  it('cancel() ends every query in flight with ECANCELLED, syscall and hostname set', async () => {
    const p = track(new PromiseResolver({ servers: [silent.server], timeout: 5000 }));
    const c = track(new Resolver({ servers: [silent.server], timeout: 5000 }));
    const viaPromise = Array.from({ length: 10 }, (_, i) => p.resolve4(`example${i}.org`).catch((e: unknown) => e));
    const viaCallback = Array.from({ length: 3 }, (_, i) => new Promise((resolve) => c.resolve4(`cb${i}.org`, (err) => resolve(err))));
    const viaReverse = new Promise((resolve) => c.reverse('123.45.67.89', (err) => resolve(err)));
    await expect.poll(() => silent.received()).toBeGreaterThanOrEqual(14);
    p.cancel();
    c.cancel();
    const errors = await Promise.all([...viaPromise, ...viaCallback, viaReverse]);
    errors.slice(0, 10).forEach((e, i) => expect(e).toMatchObject({ code: 'ECANCELLED', syscall: 'queryA', hostname: `example${i}.org`, message: `queryA ECANCELLED example${i}.org` }));
    errors.slice(10, 13).forEach((e, i) => expect(e).toMatchObject({ code: 'ECANCELLED', syscall: 'queryA', hostname: `cb${i}.org` }));
    expect(errors[13]).toMatchObject({ code: 'ECANCELLED', syscall: 'getHostByAddr', hostname: '123.45.67.89' });
  });
});

describe('timeout and tries (test-dns-channel-timeout, test-dns-resolver-tries)', () => {
  it.each([0, 1, 50])('timeout %i ms, one try: ETIMEOUT soon after', async (timeout) => {
    const p = track(new PromiseResolver({ servers: [silent.server], timeout, tries: 1 }));
    const started = performance.now();
    await expect(p.resolve4('slow.example.org')).rejects.toMatchObject({ code: 'ETIMEOUT', syscall: 'queryA', hostname: 'slow.example.org' });
    expect(performance.now() - started).toBeLessThan(timeout + 1000);
  });

  it('tries: 3 sends the question three times', async () => {
    const before = silent.received();
    const c = track(new Resolver({ servers: [silent.server], timeout: 20, tries: 3 }));
    const err = await new Promise((resolve) => c.resolve4('tries.example.org', (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'ETIMEOUT' });
    expect(silent.received() - before).toBe(3);
  });
});

describe('servers (test-dns-multi-channel, test-dns-setserver-when-querying, test-dns-get-server)', () => {
  it('two resolvers with different servers each get their own server\'s answer', async () => {
    const second = await startFakeServer((q) => [respond(q, { answers: [rr(q.questions[0].name, 'A', '5.6.7.8')] })]);
    try {
      const a = track(new Resolver());
      const b = track(new Resolver());
      a.setServers([answering.server]);
      b.setServers([second.server]);
      const [ra, rb] = await Promise.all([promisify(a.resolve4)('example.org'), promisify(b.resolve4)('example.org')]);
      expect([ra, rb]).toEqual([['1.2.3.4'], ['5.6.7.8']]);
    } finally {
      await second.close();
    }
  });

  it('setServers while a query is in flight neither throws nor disturbs it (node:dns throws ERR_DNS_SET_SERVERS_FAILED)', async () => {
    const c = track(new Resolver({ servers: [answering.server] }));
    const pending = promisify(c.resolve4)('example.org');
    expect(() => c.setServers([silent.server])).not.toThrow();
    expect(await pending).toEqual(['1.2.3.4']);
    expect(c.getServers()).toEqual([silent.server]);
  });

  it('module-level setServers/getServers act on one default resolver shared with dns.promises', async () => {
    const saved = dns.getServers();
    try {
      dns.setServers([answering.server]);
      expect(dns.promises.getServers()).toEqual([answering.server]);
      expect(await dns.promises.resolve4('example.org')).toEqual(['1.2.3.4']);
      expect(await promisify(dns.resolveMx)('example.org')).toEqual([{ exchange: 'foobar.com', priority: 42 }]);
    } finally {
      dns.setServers(saved);
    }
  });
});

describe('errors (test-dns; a bad record count is a row of node-dns-agreement.test.ts)', () => {
  it('.onion names fail with ENOTFOUND without a query (RFC 7686)', async () => {
    const before = answering.queries.length;
    const c = track(new Resolver({ servers: [answering.server] }));
    const err = await new Promise((resolve) => c.resolveMx('foo.onion', (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'ENOTFOUND', syscall: 'queryMx', hostname: 'foo.onion', message: 'queryMx ENOTFOUND foo.onion' });
    expect(answering.queries.length).toBe(before);
  });

  it('SERVFAIL: ESERVFAIL, the attempts as a property', async () => {
    const p = track(new PromiseResolver({ servers: [answering.server], tries: 1 }));
    const err = (await p.resolveAny('servfail.test').catch((e: unknown) => e)) as { code: string; attempts: { outcome: string }[] };
    expect(err).toMatchObject({ code: 'ESERVFAIL', syscall: 'queryAny', message: 'queryAny ESERVFAIL servfail.test' });
    expect(err.attempts.map((a) => a.outcome)).toContain('servfail');
  });
});

describe('a Resolver method as the lookup option of net.connect (hung or crashed with node:dns)', () => {
  let tcp: NetServer;
  beforeAll(async () => {
    tcp = createNetServer((s) => s.destroy()).listen(0, '127.0.0.1');
    await once(tcp, 'listening');
  });
  afterAll(() => tcp.close());
  const local = () => startFakeServer((q) => [respond(q, { answers: q.questions[0].type === 'A' ? [rr(q.questions[0].name, 'A', '127.0.0.1')] : [] })]);

  it.each(['resolve4', 'resolve'] as const)('callback Resolver#%s, unbound', async (method) => {
    const server = await local();
    try {
      const c = track(new Resolver({ servers: [server.server] }));
      const socket = netConnect({ host: 'app.test', port: (tcp.address() as { port: number }).port, lookup: c[method] as never });
      await once(socket, 'connect');
      expect(socket.remoteAddress).toBe('127.0.0.1');
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('promises Resolver#resolve4 and a name with no address: an error event, not a hang', async () => {
    const server = await local();
    try {
      const p = track(new PromiseResolver({ servers: [server.server] }));
      const socket = netConnect({ host: 'app.test', port: (tcp.address() as { port: number }).port, lookup: p.resolve4 as never, autoSelectFamily: false });
      await once(socket, 'connect');
      socket.destroy();
      const failing = netConnect({ host: 'app.test', port: 1, lookup: p.resolve6 as never });
      const [err] = await once(failing, 'error');
      expect(err).toMatchObject({ code: 'ENODATA' });
    } finally {
      await server.close();
    }
  });
});

describe('lookupService (test-dns-lookupService) and result order (test-dns-default-order-*)', () => {
  it.each([22, 53, 80, 12345])('127.0.0.1 port %i: the same hostname and service as node:dns', async (port) => {
    const nodeDns = await import('node:dns');
    expect(await dns.promises.lookupService('127.0.0.1', port)).toEqual(await nodeDns.promises.lookupService('127.0.0.1', port));
    const viaCallback = await new Promise((resolve) => dns.lookupService('127.0.0.1', port, (err, hostname, service) => resolve(err ?? { hostname, service })));
    expect(viaCallback).toEqual(await nodeDns.promises.lookupService('127.0.0.1', port));
  });

  it('setDefaultResultOrder decides the order lookup() gives when the call names none', async () => {
    const saved = dns.getDefaultResultOrder();
    try {
      dns.setDefaultResultOrder('ipv6first');
      expect(dns.getDefaultResultOrder()).toBe('ipv6first');
      expect((await dns.promises.lookup('ordered.localhost', { all: true })).map((a) => a.family)).toEqual([6, 4]);
      dns.promises.setDefaultResultOrder('ipv4first');
      expect((await dns.promises.lookup('ordered.localhost', { all: true })).map((a) => a.family)).toEqual([4, 6]);
    } finally {
      dns.setDefaultResultOrder(saved);
    }
  });
});

describe('setLocalAddress (test-dns-setlocaladdress): queries leave from the address given', () => {
  it('UDP from 127.0.0.2 and back to the default after setLocalAddress of another resolver', async () => {
    const sources: string[] = [];
    const { createSocket } = await import('node:dgram');
    const { decode, encode } = await import('@port53/wire');
    const udp = createSocket('udp4');
    udp.on('message', (msg, from) => {
      sources.push(from.address);
      const q = decode(msg);
      udp.send(encode(respond(q, { answers: [rr(q.questions[0].name, 'A', '192.0.2.1')] })), from.port, from.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    try {
      const server = `127.0.0.1:${(udp.address() as { port: number }).port}`;
      const bound = track(new PromiseResolver({ servers: [server] }));
      bound.setLocalAddress('::1', '127.0.0.2'); // either order, as node:dns
      expect(await bound.resolve4('a.example')).toEqual(['192.0.2.1']);
      const plain = track(new PromiseResolver({ servers: [server] }));
      expect(await plain.resolve4('b.example')).toEqual(['192.0.2.1']);
      expect(sources).toEqual(['127.0.0.2', '127.0.0.1']);
    } finally {
      udp.close();
    }
  });

  it('an address this host does not have: the query fails, it does not hang', async () => {
    const p = track(new PromiseResolver({ servers: [answering.server], tries: 1, timeout: 500 }));
    p.setLocalAddress('192.0.2.123');
    await expect(p.resolve4('example.org')).rejects.toMatchObject({ syscall: 'queryA', hostname: 'example.org' });
  });
});

describe('an AbortSignal per call (port53; node:dns has only cancel())', () => {
  it('aborting one call ends it with ECANCELLED and leaves the others alone', async () => {
    const p = track(new PromiseResolver({ servers: [silent.server], timeout: 5000 }));
    const controller = new AbortController();
    const aborted = p.resolve4('one.example.org', { signal: controller.signal } as never).catch((e: unknown) => e);
    let otherEnded = false;
    const other = p.resolve4('two.example.org').catch((e: unknown) => e).finally(() => (otherEnded = true));
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ECANCELLED', syscall: 'queryA', hostname: 'one.example.org', message: 'queryA ECANCELLED one.example.org' });
    await new Promise((r) => setTimeout(r, 20));
    expect(otherEnded).toBe(false);
    p.cancel();
    expect(await other).toMatchObject({ code: 'ECANCELLED', hostname: 'two.example.org' });
  });
});
