import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rcode, type Message, type ResourceRecord } from '@port53/wire';
import { DnsError, Resolver, type CacheOptions } from '@port53/resolver';
import { AnswerCache } from '../src/cache/answer-cache.js';
import { freshness } from '../src/cache/ttl.js';
import type { QueryResult } from '../src/query/result.js';
import { respond, startFakeServer } from './support/fake-server.js';

const soa = (ttl: number, minimum: number): ResourceRecord => ({
  name: 'example.test',
  type: 'SOA',
  class: 'IN',
  ttl,
  data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 7200, retry: 3600, expire: 86400, minimum },
});
const a = (name: string, ttl: number, data = '192.0.2.1'): ResourceRecord => ({ name, type: 'A', class: 'IN', ttl, data });
const cname = (name: string, ttl: number, target: string): ResourceRecord => ({ name, type: 'CNAME', class: 'IN', ttl, data: target });

function result(rcodeName: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL', answers: ResourceRecord[], authorities: ResourceRecord[] = []): QueryResult {
  return {
    id: 1,
    opcode: 0,
    rcode: Rcode[rcodeName],
    rcodeName,
    flags: { qr: true, aa: true, tc: false, rd: true, ra: true, z: false, ad: false, cd: false },
    questions: [{ name: 'www.example.test', type: 'A', class: 'IN' }],
    answers,
    authorities,
    additionals: [],
    server: '127.0.0.1',
    serverAddress: { address: '127.0.0.1', port: 53, family: 4 },
    transport: 'udp',
    attempts: [],
    elapsedMs: 1,
    size: 100,
  };
}

describe('freshness: how long a response may be reused (RFC 2308 §5, RFC 2181 §5.2)', () => {
  it.each([
    ['an answer: its TTL', result('NOERROR', [a('www.example.test', 300)]), { seconds: 300, negative: false }],
    ['a CNAME chain: its shortest link', result('NOERROR', [cname('www.example.test', 60, 'x.example.test'), a('x.example.test', 300)]), { seconds: 60, negative: false }],
    ['NXDOMAIN: SOA MINIMUM when lower than its TTL', result('NXDOMAIN', [], [soa(3600, 120)]), { seconds: 120, negative: true }],
    ['NXDOMAIN: SOA TTL when lower than MINIMUM', result('NXDOMAIN', [], [soa(90, 3600)]), { seconds: 90, negative: true }],
    ['NODATA: as NXDOMAIN', result('NOERROR', [], [soa(3600, 600)]), { seconds: 600, negative: true }],
    ['NODATA behind a CNAME: the shorter of the chain and the SOA', result('NOERROR', [cname('www.example.test', 30, 'x.example.test')], [soa(3600, 600)]), { seconds: 30, negative: true }],
    ['NXDOMAIN without an SOA: not cached', result('NXDOMAIN', []), undefined],
    ['SERVFAIL: not cached', result('SERVFAIL', [], [soa(3600, 600)]), undefined],
    ['TTL 0: not cached', result('NOERROR', [a('www.example.test', 0)]), undefined],
  ])('%s', (_, response, expected) => {
    expect(freshness(response, 'A')).toEqual(expected);
  });
});

describe('AnswerCache on a clock of its own', () => {
  let now = 1000;
  afterEach(() => vi.restoreAllMocks());
  const clock = () => vi.spyOn(performance, 'now').mockImplementation(() => now);
  const put = (cache: AnswerCache, key: string, response: QueryResult) => {
    cache.takeOff(key);
    cache.land(key, 'A', undefined, response);
  };

  it('lowers TTLs as the entry ages, and forgets it at expiry', () => {
    clock();
    const cache = new AnswerCache({}, { maxEntries: 10, maxTtl: 3600 });
    put(cache, 'A www', result('NOERROR', [a('www.example.test', 300)]));
    expect(cache.fresh('A www')!.answers[0].ttl).toBe(300);
    now += 120_500;
    expect(cache.fresh('A www')!.answers[0].ttl).toBe(180);
    now += 180_000;
    expect(cache.fresh('A www')).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1, entries: 1 });
  });

  it('maxTtl clamps a long TTL; negative answers never last over 3 hours', () => {
    clock();
    const cache = new AnswerCache({ maxTtl: 60 }, { maxEntries: 10, maxTtl: 3600 });
    put(cache, 'A www', result('NOERROR', [a('www.example.test', 86400)]));
    now += 61_000;
    expect(cache.fresh('A www')).toBeUndefined();
    const long = new AnswerCache({ maxTtl: 86400 }, { maxEntries: 10, maxTtl: 3600 });
    put(long, 'A nx', result('NXDOMAIN', [], [soa(86400, 86400)]));
    now += 10_799_000;
    expect(long.fresh('A nx')?.rcodeName).toBe('NXDOMAIN');
    now += 2000;
    expect(long.fresh('A nx')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    clock();
    const cache = new AnswerCache({ maxEntries: 2 }, { maxEntries: 10, maxTtl: 3600 });
    put(cache, 'A one', result('NOERROR', [a('one.test', 300)]));
    put(cache, 'A two', result('NOERROR', [a('two.test', 300)]));
    cache.fresh('A one'); // now 'two' is the least recently used
    put(cache, 'A three', result('NOERROR', [a('three.test', 300)]));
    expect(cache.fresh('A two')).toBeUndefined();
    expect(cache.fresh('A one')).toBeDefined();
    expect(cache.fresh('A three')).toBeDefined();
    expect(cache.stats).toMatchObject({ evictions: 1, entries: 2 });
  });

  it('serve-stale: an expired answer with TTL 30 when the refresh times out or gets SERVFAIL, until the stale window ends', () => {
    clock();
    const cache = new AnswerCache({ serveStale: 3600 }, { maxEntries: 10, maxTtl: 3600 });
    put(cache, 'A www', result('NOERROR', [a('www.example.test', 60)]));
    now += 61_000;
    expect(cache.fresh('A www')).toBeUndefined();
    cache.takeOff('A www');
    const timedOut = cache.land('A www', 'A', new DnsError('ETIMEOUT', { hostname: 'www.example.test', type: 'A' }), undefined);
    expect(timedOut.error).toBeUndefined();
    expect(timedOut.result!.answers.map((r) => [r.data, r.ttl])).toEqual([['192.0.2.1', 30]]);
    cache.takeOff('A www');
    expect(cache.land('A www', 'A', undefined, result('SERVFAIL', [])).result!.rcodeName).toBe('NOERROR');
    // A cancelled call is not a failed refresh.
    cache.takeOff('A www');
    expect(cache.land('A www', 'A', new DnsError('ECANCELLED', { hostname: 'www', type: 'A' }), undefined).error).toBeDefined();
    now += 3600_000;
    cache.takeOff('A www');
    expect(cache.land('A www', 'A', new DnsError('ETIMEOUT', { hostname: 'www', type: 'A' }), undefined).error).toBeDefined();
    expect(cache.stats.stale).toBe(2);
  });
});

describe('a Resolver with a cache, against a fake server', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });
  async function setup(handler: (q: Message) => ReturnType<typeof respond>, cache: boolean | CacheOptions | undefined, delayMs = 0) {
    const s = await startFakeServer((q) => [{ delayMs, message: handler(q) }]);
    const r = new Resolver({ servers: [s.server], timeout: 500, tries: 2, resolvConf: false, cache });
    cleanups.push(async () => r.close(), () => s.close());
    return { s, r };
  }
  const zone = (q: Message) => {
    const name = q.questions[0].name.toLowerCase();
    if (name === 'www.example.test') return respond(q, { answers: [a('www.example.test', 300)] });
    if (name === 'nosoa.example.test') return respond(q, { rcode: Rcode.NXDOMAIN });
    return respond(q, { rcode: Rcode.NXDOMAIN, authorities: [soa(3600, 300)] });
  };

  it('off by default, as node:dns on Node 20: every call asks', async () => {
    const { s, r } = await setup(zone, undefined);
    await r.resolve4('www.example.test');
    await r.resolve4('www.example.test');
    expect(s.queries).toHaveLength(2);
    expect(r.cache).toBeUndefined();
  });

  it('cache: true answers the second call from the cache, with the TTL', async () => {
    const { s, r } = await setup(zone, true);
    expect(await r.resolve4('www.example.test')).toEqual(['192.0.2.1']);
    expect(await r.resolve4('WWW.Example.Test', { ttl: true })).toEqual([{ address: '192.0.2.1', ttl: 300 }]);
    expect(s.queries).toHaveLength(1);
    expect(r.cache!.stats).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    await r.resolveTxt('www.example.test').catch(() => undefined); // another type is another question
    expect(s.queries).toHaveLength(2);
  });

  it('query() is cached too, apart from the methods and per flag set', async () => {
    const { s, r } = await setup(zone, true);
    await r.resolve4('www.example.test');
    const first = await r.query('www.example.test');
    const second = await r.query('www.example.test');
    expect(second.answers).toEqual(first.answers);
    expect(s.queries).toHaveLength(2); // the method's entry holds the answer section only
    await r.query('www.example.test', 'A', { dnssecOk: true });
    expect(s.queries).toHaveLength(3);
    expect(s.queries[2].message.edns?.do).toBe(true);
  });

  it('NXDOMAIN with an SOA is cached (RFC 2308); without one it is asked again', async () => {
    const { s, r } = await setup(zone, true);
    for (let i = 0; i < 2; i++) expect(((await r.resolve4('nx.example.test').catch((e: unknown) => e)) as DnsError).code).toBe('ENOTFOUND');
    expect(s.queries).toHaveLength(1);
    for (let i = 0; i < 2; i++) expect(((await r.resolve4('nosoa.example.test').catch((e: unknown) => e)) as DnsError).code).toBe('ENOTFOUND');
    expect(s.queries).toHaveLength(3);
  });

  it('identical questions in flight are asked once', async () => {
    const { s, r } = await setup(zone, true, 30);
    const results = await Promise.all(Array.from({ length: 20 }, () => r.resolve4('www.example.test')));
    for (const addresses of results) expect(addresses).toEqual(['192.0.2.1']);
    expect(s.queries).toHaveLength(1);
    expect(r.cache!.stats).toMatchObject({ misses: 1, coalesced: 19 });
  });

  it('when the call that asked is aborted, the calls waiting for it still get their answer', async () => {
    const { s, r } = await setup(zone, true, 50);
    const abort = new AbortController();
    const first = r.resolve4('www.example.test', { signal: abort.signal });
    const others = Array.from({ length: 3 }, () => r.resolve4('www.example.test'));
    abort.abort();
    expect(((await first.catch((e: unknown) => e)) as DnsError).code).toBe('ECANCELLED');
    for (const addresses of await Promise.all(others)) expect(addresses).toEqual(['192.0.2.1']);
    expect(s.queries).toHaveLength(2);
  });

  it('setServers empties the cache', async () => {
    const { s, r } = await setup(zone, true);
    await r.resolve4('www.example.test');
    r.setServers([s.server]);
    await r.resolve4('www.example.test');
    expect(s.queries).toHaveLength(2);
  });

  it('serve-stale: after expiry, a server that now fails (SERVFAIL) still gets the last answer, with TTL 30', async () => {
    // (The timeout case is a row of the AnswerCache test above, on a clock of its own.)
    let answering = true;
    const s = await startFakeServer((q) => [answering ? respond(q, { answers: [a('www.example.test', 1)] }) : respond(q, { rcode: Rcode.SERVFAIL })]);
    const r = new Resolver({ servers: [s.server], timeout: 2000, tries: 2, resolvConf: false, cache: { serveStale: true } });
    cleanups.push(async () => r.close(), () => s.close());
    await r.resolve4('www.example.test');
    answering = false;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await r.resolve4('www.example.test', { ttl: true })).toEqual([{ address: '192.0.2.1', ttl: 30 }]);
    expect(s.queries.length).toBeGreaterThanOrEqual(2);
    expect(r.cache!.stats.stale).toBe(1);
  });
});
