import { afterEach, describe, expect, it } from 'vitest';
import { encode, Rcode, type Message } from '@port53/wire';
import { DnsError, Resolver } from '@port53/resolver';
import { closedPort, respond, startBlackhole, startFakeServer, zoneAnswer } from './support/fake-server.js';
import { seeded } from './support/load.js';
import { EXAMPLE } from './support/records.js';

const answer = zoneAnswer(EXAMPLE);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function server(handler: Parameters<typeof startFakeServer>[0], opts?: Parameters<typeof startFakeServer>[1]) {
  const s = await startFakeServer(handler, opts);
  cleanups.push(() => s.close());
  return s;
}
const resolverFor = (servers: string[], extra: ConstructorParameters<typeof Resolver>[0] = {}) =>
  new Resolver({ servers, timeout: 1000, maxTimeout: 2000, tries: 3, deadline: 10_000, resolvConf: false, ...extra });

describe('retries', () => {
  it('retries on the same server after dropped queries, each with its own ID', async () => {
    const s = await server((q, ctx) => (ctx.count <= 2 ? [] : [answer(q)]));
    const r = resolverFor([s.server], { timeout: 100, maxTimeout: 400 });
    const result = await r.query('example.test');
    expect(result.answers).toHaveLength(2);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['timeout', 'timeout', 'answer']);
    expect(s.queries).toHaveLength(3);
    // Every attempt carried its own ID.
    expect(new Set(s.queries.map((q) => q.message.id)).size).toBe(3);
  });

  it('doubles the wait each round', async () => {
    const s = await server(() => []);
    const r = resolverFor([s.server], { timeout: 100, maxTimeout: 10_000, tries: 3 });
    const err = (await r.query('example.test').catch((e: unknown) => e)) as DnsError;
    expect(err.code).toBe('ETIMEOUT');
    const waits = err.attempts.map((a) => a.elapsedMs);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(95);
    expect(waits[1]).toBeGreaterThanOrEqual(175); // 200 ± 10 %
    expect(waits[2]).toBeGreaterThanOrEqual(355); // 400 ± 10 %
  });

  it('gets through a server that drops half of all queries at random', async () => {
    const random = seeded(53); // reproducible: the same drops on every run
    let dropped = 0;
    const s = await server((q) => {
      if (dropped < 60 && random() < 0.5) {
        dropped += 1;
        return [];
      }
      return [answer(q)];
    });
    const r = resolverFor([s.server], { timeout: 150, maxTimeout: 300, tries: 10, deadline: 15_000 });
    const results = await Promise.all(Array.from({ length: 40 }, () => r.resolve4('example.test')));
    for (const addresses of results) expect(addresses).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(dropped).toBeGreaterThan(20);
  });
});

describe('reply matching', () => {
  it('ignores forged replies (wrong ID, wrong question, other port) and takes the genuine one', async () => {
    const s = await server((q, ctx) => {
      const genuine = answer(q);
      const forged = (over: Partial<Message>) => encode({ ...respond(q, { answers: [{ name: q.questions[0].name, type: 'A', class: 'IN', ttl: 1, data: '6.6.6.6' }] }), ...over });
      ctx.sendFromOtherPort(forged({}));
      return [
        forged({ id: (q.id + 1) & 0xffff }),
        forged({ questions: [{ name: 'evil.test', type: 'A', class: 'IN' }] }),
        forged({ questions: [{ ...q.questions[0], type: 'AAAA' }] }),
        encode({ ...respond(q), flags: { qr: false } }), // QR=0 is a query, not a reply
        Uint8Array.from([0, 1, 2]), // undecodable
        { delayMs: 30, message: genuine },
      ];
    });
    const r = resolverFor([s.server], { timeout: 2000 });
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1', '192.0.2.2']);
    // The other-port forgery is dropped by the kernel (connected socket) and never counted.
    expect(r.stats.ignored).toBe(5);
  });

  it('a forged reply never ends the lookup: with no genuine reply it times out', async () => {
    const s = await server((q) => [encode({ ...respond(q), id: (q.id + 7) & 0xffff })]);
    const r = resolverFor([s.server], { timeout: 100, tries: 1 });
    await expect(r.resolve4('example.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
  });

  it('compares the echoed name case-insensitively by default', async () => {
    const s = await server((q) => [respond(q, { questions: [{ ...q.questions[0], name: q.questions[0].name.toUpperCase() }], answers: [] })]);
    const r = resolverFor([s.server]);
    expect((await r.query('example.test')).rcodeName).toBe('NOERROR');
  });

  it('with 0x20 sends a mixed-case name and requires it echoed exactly', async () => {
    const s = await server((q) => [respond(q, { questions: [{ ...q.questions[0], name: q.questions[0].name.toLowerCase() }] }), { delayMs: 20, message: answer(q) }]);
    const r = resolverFor([s.server], { use0x20: true });
    const name = 'abcdefghijklmnopqrstuvwxyz.example.test';
    const result = await r.query(name, 'A');
    const sent = s.queries[0].message.questions[0].name;
    expect(sent.toLowerCase()).toBe(name);
    expect(result.questions[0].name).toBe(sent);
    // 40 letters all lower case by chance: 2^-40. The lower-cased echo was turned down.
    expect(sent).not.toBe(name);
    expect(r.stats.ignored).toBe(1);
  });
});

describe('failover', () => {
  it('moves on from SERVFAIL to the next server', async () => {
    const bad = await server((q) => [respond(q, { rcode: Rcode.SERVFAIL })]);
    const good = await server((q) => [answer(q)]);
    const r = resolverFor([bad.server, good.server]);
    const result = await r.query('example.test');
    expect(result.server).toBe(good.server);
    expect(result.attempts.map((a) => [a.server, a.outcome])).toEqual([
      [bad.server, 'servfail'],
      [good.server, 'answer'],
    ]);
  });

  it.each([
    ['REFUSED', Rcode.REFUSED, 'refused'],
    ['NOTIMP', Rcode.NOTIMP, 'notimp'],
  ])('moves on from %s and does not ask that server again', async (_, rcode, outcome) => {
    const bad = await server((q) => [respond(q, { rcode })]);
    const good = await server((q, ctx) => (ctx.count === 1 ? [] : [answer(q)]));
    const r = resolverFor([bad.server, good.server], { timeout: 100 });
    const result = await r.query('example.test');
    expect(result.attempts.map((a) => a.outcome)).toEqual([outcome, 'timeout', 'answer']);
    expect(bad.queries).toHaveLength(1);
  });

  it('returns the SERVFAIL response when every server fails, and node:dns methods say ESERVFAIL', async () => {
    const a = await server((q) => [respond(q, { rcode: Rcode.SERVFAIL })]);
    const b = await server((q) => [respond(q, { rcode: Rcode.SERVFAIL })]);
    const r = resolverFor([a.server, b.server], { tries: 2 });
    const result = await r.query('example.test');
    expect(result.rcodeName).toBe('SERVFAIL');
    expect(result.attempts).toHaveLength(4);
    const err = (await r.resolve4('example.test').catch((e: unknown) => e)) as DnsError;
    expect(err.code).toBe('ESERVFAIL');
    expect(err.attempts.map((x) => x.server)).toEqual([a.server, b.server, a.server, b.server]);
  });

  it('rotates the first server with rotate: true', async () => {
    const a = await server((q) => [answer(q)]);
    const b = await server((q) => [answer(q)]);
    const r = resolverFor([a.server, b.server], { rotate: true });
    const used = [];
    for (let i = 0; i < 4; i++) used.push((await r.query('example.test')).server);
    expect(used).toEqual([a.server, b.server, a.server, b.server]);
  });

  it('a closed port fails over at once (ECONNREFUSED), long before the timeout', async () => {
    const closed = await closedPort();
    const good = await server((q) => [answer(q)]);
    const r = resolverFor([closed, good.server], { timeout: 3000, deadline: 10_000 });
    const result = await r.query('example.test');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['connrefused', 'answer']);
    expect(result.elapsedMs).toBeLessThan(1000);
  });

  it('only closed ports → ECONNREFUSED quickly', async () => {
    const r = resolverFor([await closedPort(), await closedPort()], { timeout: 3000, deadline: 10_000 });
    const started = Date.now();
    const err = (await r.resolve4('example.test').catch((e: unknown) => e)) as DnsError;
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.attempts).toHaveLength(2); // each closed server is asked once, not in every round
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('IPv6', () => {
  it('queries a server on [::1] over UDP and TCP', async (ctx) => {
    let s;
    try {
      s = await server((q) => [answer(q)], { address: '::1' });
    } catch (err) {
      console.log(`skipped: no IPv6 loopback (${(err as Error).message})`);
      ctx.skip();
      return;
    }
    const r = resolverFor([s.server]);
    expect(r.getServers()).toEqual([s.server]);
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect((await r.query('example.test', 'A', { tcp: true })).transport).toBe('tcp');
  });
});

describe('TCP', () => {
  it('TC=1 over UDP → the same query over TCP to the same server', async () => {
    const s = await server((q, ctx) => (ctx.transport === 'udp' ? [respond(q, { flags: { tc: true } })] : [answer(q)]));
    const r = resolverFor([s.server]);
    const result = await r.query('example.test');
    expect(result.transport).toBe('tcp');
    expect(result.answers).toHaveLength(2);
    expect(result.attempts.map((a) => [a.transport, a.outcome])).toEqual([
      ['udp', 'truncated'],
      ['tcp', 'answer'],
    ]);
    expect(s.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('checks TCP replies too: a wrong-ID frame is skipped', async () => {
    const s = await server((q, ctx) =>
      ctx.transport === 'udp' ? [respond(q, { flags: { tc: true } })] : [encode({ ...answer(q), id: (q.id + 1) & 0xffff }), answer(q)],
    );
    const r = resolverFor([s.server]);
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(r.stats.ignored).toBe(1);
  });

  it('tcp: true goes straight to TCP', async () => {
    const s = await server((q) => [answer(q)]);
    const r = resolverFor([s.server], { tcp: true });
    expect((await r.query('example.test')).transport).toBe('tcp');
    expect(s.queries.map((q) => q.transport)).toEqual(['tcp']);
  });
});

describe('EDNS', () => {
  it('FORMERR to an EDNS query → the same server once more without OPT', async () => {
    const s = await server((q) => [q.edns ? respond(q, { rcode: Rcode.FORMERR, edns: undefined }) : answer(q)]);
    const r = resolverFor([s.server]);
    const result = await r.query('example.test');
    expect(result.rcodeName).toBe('NOERROR');
    expect(result.attempts.map((a) => [a.edns, a.outcome])).toEqual([
      [true, 'formerr'],
      [false, 'answer'],
    ]);
    expect(s.queries.map((q) => q.message.edns !== undefined)).toEqual([true, false]);
  });

  it('takes a FORMERR without a question section once the query is asked from a socket of its own', async () => {
    const s = await server((q) => [q.edns ? respond(q, { rcode: Rcode.FORMERR, questions: [], edns: undefined }) : answer(q)]);
    const r = resolverFor([s.server]);
    expect((await r.query('example.test')).attempts.map((a) => a.outcome)).toEqual(['questionless', 'formerr', 'answer']);
    const ports = s.queries.map((q) => q.sourcePort);
    expect(ports[1]).not.toBe(ports[0]);
  });
});

describe('deadline and cancellation', () => {
  it('a blackhole ends in ETIMEOUT at the deadline, not later', async () => {
    const hole = await startBlackhole();
    cleanups.push(hole.close);
    const r = new Resolver({ servers: [hole.server], timeout: 200, tries: 10, maxTimeout: 5000, deadline: 700, resolvConf: false });
    const name = `deadline-${process.pid}.example.test`;
    const started = performance.now();
    const err = (await r.resolve4(name).catch((e: unknown) => e)) as DnsError;
    const elapsed = performance.now() - started;
    expect(err.code).toBe('ETIMEOUT');
    expect(err.attempts.length).toBeGreaterThanOrEqual(2);
    expect(err.attempts.every((a) => a.outcome === 'timeout')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(690);
    expect(elapsed).toBeLessThan(700 + 300);
    // A last attempt cut off by the deadline may end before its datagram is out.
    expect(hole.received(name)).toBeGreaterThanOrEqual(err.attempts.length - 1);
    expect(hole.received(name)).toBeLessThanOrEqual(err.attempts.length);
  });

  it('abort mid-query rejects with ECANCELLED and leaves no socket or timer behind', async () => {
    const hole = await startBlackhole();
    cleanups.push(hole.close);
    const r = new Resolver({ servers: [hole.server], timeout: 5000, resolvConf: false });
    const before = await settledHandles();
    const controller = new AbortController();
    const pending = r.resolve4('example.test', { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => hole.received() === 1);
    expect(countHandles().UDPWrap).toBe((before.UDPWrap ?? 0) + 1);
    const started = performance.now();
    controller.abort();
    const err = (await pending) as DnsError;
    expect(err.code).toBe('ECANCELLED');
    expect(performance.now() - started).toBeLessThan(100);
    // The socket's close completes on the next turn of the event loop.
    await waitFor(() => (countHandles().UDPWrap ?? 0) === (before.UDPWrap ?? 0), 200);
    expect(countHandles().Timeout ?? 0).toBe(before.Timeout ?? 0);
  });

  it('an already-aborted signal rejects before sending', async () => {
    const hole = await startBlackhole();
    cleanups.push(hole.close);
    const r = new Resolver({ servers: [hole.server], resolvConf: false });
    await expect(r.resolve4('example.test', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ECANCELLED' });
    expect(hole.received()).toBe(0);
  });

  it('cancel() ends every call in progress', async () => {
    const hole = await startBlackhole();
    cleanups.push(hole.close);
    const r = new Resolver({ servers: [hole.server], timeout: 5000, maxInFlight: 2, resolvConf: false });
    const calls = Array.from({ length: 5 }, () => r.resolve4('example.test').catch((e: unknown) => e));
    await waitFor(() => hole.received() === 2); // two in flight, three queued
    r.cancel();
    const errors = (await Promise.all(calls)) as DnsError[];
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('ECANCELLED'));
  });
});

/** Handle counts once sockets closed by earlier tests have finished closing. */
async function settledHandles(): Promise<Record<string, number>> {
  let last = JSON.stringify(countHandles());
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = JSON.stringify(countHandles());
    if (now === last) break;
    last = now;
  }
  return countHandles();
}

function countHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
