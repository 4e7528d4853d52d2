import { promises as nodeDns } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { encode, Rcode, type Message } from '@port53/wire';
import { DnsError, Resolver } from '@port53/resolver';
import { respond, startBlackhole, startFakeServer, zoneAnswer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';

// Issue 13 §1: failures are reported as what they are, and only the server's own reply ends a lookup.

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
const resolverFor = (servers: string[], extra: ConstructorParameters<typeof Resolver>[0] = {}) => {
  const r = new Resolver({ servers, timeout: 1000, tries: 2, deadline: 10_000, resolvConf: false, ...extra });
  cleanups.push(async () => r.close());
  return r;
};
const failure = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a rejection');
  },
  (e: unknown) => e as DnsError,
);

describe('an error reply without a question ends a lookup only on a socket that carries it alone', () => {
  const notimp = (q: Message) => respond(q, { rcode: Rcode.NOTIMP, questions: [], edns: undefined });

  it('on a socket shared by 32 queries, a question-less NOTIMP with the right ID ends none of them', async () => {
    // The worst case of a forger flooding IDs: each query's own ID, from the server's address,
    // sent to the first query of every name; the genuine answer follows 50 ms later.
    const seen = new Set<string>();
    const s = await server((q) => {
      const name = q.questions[0].name.toLowerCase();
      const genuine = { delayMs: 50, message: respond(q, { answers: [{ name, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.7' }] }) };
      if (seen.has(name)) return [genuine];
      seen.add(name);
      return [notimp(q), genuine];
    });
    const r = resolverFor([s.server], { maxQueriesPerSocket: 32 });
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => r.query(`n${i}.example.test`)));
    for (const result of results) {
      expect(result.rcodeName).toBe('NOERROR');
      expect(result.answers.map((a) => a.data)).toEqual(['192.0.2.7']);
      // The shared socket's try, set aside by the NOTIMP, and the try from a socket of its own:
      // whichever genuine reply came first ended the lookup.
      expect(result.attempts.map((a) => a.outcome).sort()).toEqual(['answer', 'superseded']);
    }
    expect(s.queries).toHaveLength(64);
    // Each second query left from a socket that no first query used.
    const firsts = new Map<string, number | undefined>();
    const seconds: (number | undefined)[] = [];
    for (const q of s.queries) {
      const name = q.message.questions[0].name.toLowerCase();
      if (firsts.has(name)) seconds.push(q.sourcePort);
      else firsts.set(name, q.sourcePort);
    }
    expect(seconds.length).toBeGreaterThan(0);
    const shared = new Set(firsts.values());
    for (const port of seconds) expect(shared.has(port)).toBe(false);
  });

  it.each([
    ['UDP with maxQueriesPerSocket 1', { maxQueriesPerSocket: 1 }],
    ['TCP', { tcp: true }],
  ])('over %s it is the reply, and ENOTIMP the outcome', async (_, options) => {
    const s = await server((q) => [notimp(q)]);
    const r = resolverFor([s.server], options);
    expect((await failure(r.resolve4('example.test'))).code).toBe('ENOTIMP');
    expect(s.queries).toHaveLength(1);
  });
});

describe('a truncated reply whose TCP retry fails is an error naming TCP, and the next server is asked', () => {
  const truncatedOverUdp = (q: Message, ctx: { transport: string }) => (ctx.transport === 'udp' ? [respond(q, { flags: { tc: true } })] : []);

  it.each([
    ['refuses TCP', false, 'ECONNREFUSED', /TCP to .* was refused/],
    ['closes TCP connections', 'close', 'ECONNREFUSED', /TCP to .* was closed before a reply/],
    ['never answers over TCP', true, 'ETIMEOUT', /TCP to .* timed out/],
  ] as const)('a server that %s: %s from resolve4 and query(), never ENODATA or an empty answer', async (_, tcp, code, message) => {
    const s = await server(truncatedOverUdp, { tcp });
    const r = resolverFor([s.server], { timeout: 300, tries: 1 });
    const viaMethod = await failure(r.resolve4('example.test'));
    expect(viaMethod.code).toBe(code);
    expect(viaMethod.message).toMatch(message);
    const viaQuery = await failure(r.query('example.test'));
    expect(viaQuery.code).toBe(code);
    expect(viaQuery.attempts.map((a) => [a.transport, a.outcome])).toEqual([
      ['udp', 'truncated'],
      ['tcp', tcp === true ? 'timeout' : tcp === false ? 'connrefused' : 'network-error'],
    ]);
  });

  it('then the next server answers', async () => {
    const broken = await server(truncatedOverUdp, { tcp: 'close' });
    const good = await server((q) => [answer(q)]);
    const r = resolverFor([broken.server, good.server]);
    const result = await r.query('example.test');
    expect(result.server).toBe(good.server);
    expect(result.answers).toHaveLength(2);
    expect(result.attempts.map((a) => [a.server, a.transport, a.outcome])).toEqual([
      [broken.server, 'udp', 'truncated'],
      [broken.server, 'tcp', 'network-error'],
      [good.server, 'udp', 'answer'],
    ]);
  });
});

describe('a reply to an earlier try of the same lookup is taken until the lookup ends', () => {
  it('a server answering in 300 ms with timeout 200: the first reply ends the lookup', async () => {
    // Only the first query is answered, so the lookup succeeds only by taking that late reply.
    const s = await server((q, ctx) => (ctx.count === 1 ? [{ delayMs: 300, message: answer(q) }] : []));
    const r = resolverFor([s.server], { timeout: 200, maxTimeout: 2000, tries: 4 });
    const result = await r.query('example.test');
    expect(result.answers).toHaveLength(2);
    // Try 1 at 0 ms, try 2 at 200 ms (waiting 400 ms); try 1's reply at 300 ms ends the lookup.
    const last = result.attempts.at(-1)!;
    expect([last.outcome, last.late]).toEqual(['answer', true]);
    expect(result.attempts.slice(0, -1).map((a) => a.outcome)).toContain('superseded');
    expect(result.attempts).toHaveLength(s.queries.length);
  });

  it('a slow first server still answers while the second is tried', async () => {
    const slow = await server((q, ctx) => (ctx.count === 1 ? [{ delayMs: 300, message: answer(q) }] : []));
    const hole = await startBlackhole();
    cleanups.push(hole.close);
    const r = resolverFor([slow.server, hole.server], { timeout: 200, tries: 2 });
    const result = await r.query('example.test');
    expect(result.server).toBe(slow.server);
    const last = result.attempts.at(-1)!;
    expect([last.server, last.outcome, last.late]).toEqual([slow.server, 'answer', true]);
    expect(result.attempts.filter((a) => a.server === hole.server).length).toBeGreaterThan(0);
  });
});

describe('a malformed reply with our ID and question fails its try at once (EBADRESP) and the lookup moves on', () => {
  /** The reply with ANCOUNT one more than the records that follow. */
  const countBeyondData = (q: Message) => {
    const bytes = encode(answer(q));
    bytes[7] += 1;
    return bytes;
  };
  /** The reply plus one answer record whose owner is a compression pointer to itself. */
  const compressionLoop = (q: Message) => {
    const bytes = encode(respond(q, { edns: undefined }));
    const at = bytes.length;
    const record = Buffer.from([0xc0 | (at >> 8), at & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    const out = Buffer.concat([bytes, record]);
    out[7] = 1; // ANCOUNT
    return out;
  };

  it.each([
    ['ANCOUNT beyond the data', countBeyondData],
    ['a compression loop', compressionLoop],
  ])('%s: EBADRESP after one query, not after the timeouts', async (_, malformed) => {
    const s = await server((q) => [malformed(q)]);
    const r = resolverFor([s.server], { timeout: 5000, tries: 2, deadline: 30_000 });
    const err = await failure(r.resolve4('example.test'));
    expect(err.code).toBe('EBADRESP');
    expect(err.attempts.map((a) => a.outcome)).toEqual(['malformed']);
    expect(err.attempts[0].elapsedMs).toBeLessThan(1000);
    expect(s.queries).toHaveLength(1);
  }, 3000);

  it('the next server answers', async () => {
    const bad = await server((q) => [countBeyondData(q)]);
    const good = await server((q) => [answer(q)]);
    const r = resolverFor([bad.server, good.server], { timeout: 5000 });
    const result = await r.query('example.test');
    expect(result.attempts.map((a) => [a.server, a.outcome])).toEqual([
      [bad.server, 'malformed'],
      [good.server, 'answer'],
    ]);
  }, 3000);

  it('garbage with our ID but another question is not ours: ignored, the genuine reply taken', async () => {
    const s = await server((q) => {
      const other = encode(answer({ ...q, questions: [{ ...q.questions[0], name: 'mail.example.test' }] }));
      other[7] += 1;
      return [other, { delayMs: 30, message: answer(q) }];
    });
    const r = resolverFor([s.server]);
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(r.stats.ignored).toBe(1);
  });
});

describe('names answered without asking, as node:dns does (checked against node:dns on the same server)', () => {
  const sent = (s: { queries: { message: Message }[] }) => s.queries.map((q) => q.message.questions[0].name);

  it.each([
    ['x.onion', 'ENOTFOUND'],
    ['A.B.ONION.', 'ENOTFOUND'],
    ['has space.test', 'EBADNAME'],
    ['a"b.test', 'EBADNAME'],
    ['a@b.test', 'EBADNAME'],
    ['tab\there.test', 'EBADNAME'],
    ['a\\ b.test', 'EBADNAME'],
    ['a\\032b.test', 'EBADNAME'],
  ])('%j: %s, nothing sent', async (name, code) => {
    const s = await server((q) => [answer(q)]);
    const theirs = new nodeDns.Resolver({ timeout: 500, tries: 1 });
    theirs.setServers([s.server]);
    expect((await failure(theirs.resolve4(name))).code).toBe(code);
    expect((await failure(theirs.resolveAny(name))).code).toBe(code);
    const r = resolverFor([s.server]);
    expect((await failure(r.resolve4(name))).code).toBe(code);
    expect((await failure(r.resolveAny(name))).code).toBe(code);
    expect(s.queries).toHaveLength(0);
  });

  it.each([
    ['onion', 'onion'],
    ['a_b.test', 'a_b.test'],
    ['*.test', '*.test'],
    ['0/25.2.0.192.in-addr.arpa', '0/25.2.0.192.in-addr.arpa'],
    ['é.test', 'xn--9ca.test'],
  ])('%j is asked as %j, as node:dns asks it', async (name, asked) => {
    const s = await server((q) => [respond(q, { rcode: Rcode.NXDOMAIN })]);
    const theirs = new nodeDns.Resolver({ timeout: 500, tries: 1 });
    theirs.setServers([s.server]);
    expect((await failure(theirs.resolve4(name))).code).toBe('ENOTFOUND');
    const r = resolverFor([s.server]);
    expect((await failure(r.resolve4(name))).code).toBe('ENOTFOUND');
    expect(sent(s)).toEqual([asked, asked]);
  });

  it('query() asks what it is told, as dig does', async () => {
    const s = await server((q) => [respond(q, { rcode: Rcode.NXDOMAIN })]);
    const r = resolverFor([s.server]);
    expect((await r.query('x.onion')).rcodeName).toBe('NXDOMAIN');
    expect(sent(s)).toEqual(['x.onion']);
  });
});
