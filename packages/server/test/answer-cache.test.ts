import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { decode, type EdnsOptionData } from '@port53/wire';
import { describe, expect, it } from 'vitest';
import { AnswerCache, MISS } from '../src/answer/cache.js';
import { respond, type Outcome, type Transport } from '../src/answer/respond.js';
import { createServer } from '../src/index.js';
import { buildCatalog } from '../src/store/catalog.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { CHILD, DNAME_APEX, DNAMES, EXAMPLE, LONG_CHAIN, OTHER } from './fixtures/answer-zones.js';
import { flagList, query, type QueryInit } from './fixtures/query.js';

const catalog = buildCatalog([EXAMPLE, CHILD, OTHER, LONG_CHAIN, DNAMES, DNAME_APEX]);

/** The outcome as a client and the server's counters and logs see it. */
function seen(o: Outcome) {
  return { kind: o.kind, rcode: o.rcode, qname: o.qname, qtype: o.qtype, reply: o.reply && Buffer.from(o.reply).toString('hex') };
}

/** Asks the cache, checks the reply against respond() without a cache, and says whether it was a hit. */
function ask(cache: AnswerCache, q: Uint8Array, transport: Transport = 'udp'): { outcome: Outcome; hit: boolean } {
  const hits = cache.counters.hits;
  const outcome = cache.respond(q, transport);
  expect(seen(outcome)).toEqual(seen(respond(q, catalog, transport)));
  return { outcome, hit: cache.counters.hits > hits };
}

describe('replies from the cache are the octets respond() makes', () => {
  const names = [
    'example.test', 'www.example.test', 'web.example.test', 'mail.example.test', 'ns1.example.test', 'chain1.example.test',
    'loop1.example.test', 'a.b.c.example.test', 'b.c.example.test', 'nope.example.test', 'x.w.example.test', 'y.w.example.test',
    'q.wc.example.test', 'deep.sub.example.test', 'sub.example.test', 'child.example.test', 'www.child.example.test',
    '_sip._udp.example.test', 'unk.example.test', 'host.other.test', 'mx.other.test', 'many.chain.test', 'mxs.chain.test',
    'c0.chain.test', 'example.org', '.', 'www.old.dname.test', 'x.loop-a.dname.test', 'host.away.dname.test', 'www.apex-dname.test',
  ];
  const types = ['A', 'AAAA', 'MX', 'TXT', 'NS', 'SOA', 'CNAME', 'SRV', 'DS', 'ANY', 'AXFR', 'TYPE65280'];
  const mixedCase = (name: string) =>
    fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) => [...name].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
  const edns = fc.option(
    fc.record({
      udpPayloadSize: fc.constantFrom(0, 100, 512, 800, 1232, 4096),
      do: fc.boolean(),
      version: fc.constantFrom(0, 0, 0, 1),
      options: fc.constantFrom<EdnsOptionData[]>([], [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }]),
    }),
    { nil: undefined },
  );
  const queryArb = fc.record({
    // The name in two cases, asked one after the other: a hit for the second where the case allows.
    names: fc.constantFrom(...names).chain((n) => fc.tuple(mixedCase(n), mixedCase(n))),
    type: fc.constantFrom(...types),
    cls: fc.constantFrom('IN', 'IN', 'IN', 'ANY', 'CH'),
    id: fc.integer({ min: 0, max: 0xffff }),
    flags: fc.record({ rd: fc.boolean(), cd: fc.boolean(), ad: fc.boolean(), tc: fc.boolean() }),
    opcode: fc.constantFrom(0, 0, 0, 0, 2),
    edns,
    transport: fc.constantFrom<Transport>('udp', 'udp', 'tcp'),
  });

  it.each([
    ['default limits', {}],
    ['a cache of 4 entries (eviction on every few queries)', { entries: 4 }],
    ['a cache of 300 octets (most replies do not fit a generation)', { bytes: 300 }],
  ])('%s: the same sequence of queries, with and without the cache', (_title, limits) => {
    fc.assert(
      fc.property(fc.array(queryArb, { minLength: 20, maxLength: 80 }), (queries) => {
        const cache = new AnswerCache(catalog, limits);
        // Each query twice in a row (another ID and RD, maybe another case), then all again.
        for (const round of [0, 1]) {
          for (const { names: [name, variant], type, cls, id, flags, opcode, edns: e, transport } of queries) {
            const init: QueryInit = { id, flags, opcode, edns: e };
            ask(cache, query(name, type, cls, init), transport);
            if (round === 0) ask(cache, query(variant, type, cls, { ...init, id: id ^ 0x5a5a, flags: { ...flags, rd: !flags.rd } }), transport);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('what a hit patches', () => {
  it('echoes the question in the case it was asked, in the question and the owner', () => {
    const cache = new AnswerCache(catalog);
    ask(cache, query('web.example.test', 'A'));
    const { outcome, hit } = ask(cache, query('WeB.ExAmPlE.TeSt', 'A'));
    expect(hit).toBe(true);
    const m = decode(outcome.reply!);
    expect(m.questions[0].name).toBe('WeB.ExAmPlE.TeSt');
    expect(m.answers.map((r) => r.name)).toEqual(['WeB.ExAmPlE.TeSt']);
    expect(outcome.qname).toBe('WeB.ExAmPlE.TeSt');
  });

  it('answers afresh when a zone name could share a suffix with the question in one case only', () => {
    const cache = new AnswerCache(catalog);
    ask(cache, query('example.test', 'MX')); // exchanges mail.example.test, mx.other.test: compressed onto the question
    expect(ask(cache, query('example.test', 'MX')).hit).toBe(true);
    const { outcome, hit } = ask(cache, query('EXAMPLE.test', 'MX'));
    expect(hit).toBe(false);
    expect(decode(outcome.reply!).answers.map((r) => r.name)).toEqual(['EXAMPLE.test', 'EXAMPLE.test']);
  });

  it('answers afresh when a DNAME’s synthesized CNAME holds the question’s case (RFC 6672 §3)', () => {
    const cache = new AnswerCache(catalog);
    ask(cache, query('www.old.dname.test', 'A'));
    expect(ask(cache, query('www.old.dname.test', 'A')).hit).toBe(true);
    const { outcome, hit } = ask(cache, query('WWW.old.dname.test', 'A'));
    expect(hit).toBe(false);
    const m = decode(outcome.reply!);
    expect(m.answers.map((r) => r.name)).toEqual(['old.dname.test', 'WWW.old.dname.test', 'WWW.new.dname.test']);
    expect(m.answers[1].data).toBe('WWW.new.dname.test');
  });

  it('takes the ID of each query', () => {
    const cache = new AnswerCache(catalog);
    for (const id of [1, 0xffff, 0x8000, 1]) {
      const { outcome } = ask(cache, query('ns1.example.test', 'AAAA', 'IN', { id }));
      expect(decode(outcome.reply!).id).toBe(id);
    }
    expect(cache.counters).toEqual({ hits: 3, misses: 1 });
  });

  it('copies RD and CD from each query and nothing else of its flags', () => {
    const cache = new AnswerCache(catalog);
    const flagsOf = (init: QueryInit) => flagList(decode(ask(cache, query('web.example.test', 'A', 'IN', init)).outcome.reply!));
    expect(flagsOf({ flags: { rd: false } })).toBe('qr aa');
    expect(flagsOf({ flags: { rd: true } })).toBe('qr aa rd');
    expect(flagsOf({ flags: { rd: true, cd: true, ad: true, tc: true, aa: true } })).toBe('qr aa rd cd');
    expect(flagsOf({ flags: { rd: false, cd: true } })).toBe('qr aa cd');
    expect(cache.counters.hits).toBe(3);
  });

  it('keeps TC at 512 and the full answer at 1232 apart for the same name', () => {
    const cache = new AnswerCache(catalog);
    for (let i = 0; i < 3; i++) {
      const small = decode(ask(cache, query('many.chain.test', 'A')).outcome.reply!);
      expect([small.flags.tc, small.answers.length]).toEqual([true, 0]);
      const large = decode(ask(cache, query('many.chain.test', 'A', 'IN', { edns: { udpPayloadSize: 1232 } })).outcome.reply!);
      expect([large.flags.tc, large.answers.length]).toEqual([false, 60]);
      const tcp = decode(ask(cache, query('many.chain.test', 'A'), 'tcp').outcome.reply!);
      expect([tcp.flags.tc, tcp.answers.length]).toEqual([false, 60]);
    }
    expect(cache.counters).toEqual({ hits: 6, misses: 3 });
  });

  it('keeps the DO bit of each query in the OPT', () => {
    const cache = new AnswerCache(catalog);
    for (const d of [false, true, false, true]) {
      expect(decode(ask(cache, query('web.example.test', 'A', 'IN', { edns: { do: d } })).outcome.reply!).edns?.do).toBe(d);
    }
    expect(cache.counters.hits).toBe(2);
  });
});

describe('what is cached', () => {
  it('answered outcomes only: REFUSED, NOTIMP, BADVERS and FORMERR are made afresh', () => {
    const cache = new AnswerCache(catalog);
    for (let i = 0; i < 2; i++) {
      expect(ask(cache, query('example.org', 'A')).outcome.kind).toBe('refused');
      expect(ask(cache, query('example.test', 'AXFR')).outcome.kind).toBe('notimp');
      expect(ask(cache, query('example.test', 'A', 'IN', { edns: { version: 1 } })).outcome.kind).toBe('badvers');
      expect(ask(cache, query('example.test', 'SOA', 'CH')).outcome.kind).toBe('refused');
    }
    expect(cache.size).toBe(0);
  });

  it('NXDOMAIN and NODATA are answers, cached like the rest', () => {
    const cache = new AnswerCache(catalog);
    ask(cache, query('nope.nope.example.test', 'A'));
    ask(cache, query('web.example.test', 'MX'));
    expect([ask(cache, query('nope.nope.example.test', 'A')).hit, ask(cache, query('web.example.test', 'MX')).hit]).toEqual([true, true]);
  });

  it('unusual shapes take the full path: two questions, a compressed question name, an answer section', () => {
    const cache = new AnswerCache(catalog);
    const plain = query('web.example.test', 'A');
    const two = Uint8Array.from([...plain.subarray(0, 5), 2, ...plain.subarray(6), 0xc0, 12, 0, 1, 0, 1]);
    const pointer = Uint8Array.from([...plain.subarray(0, 12), 0xc0, 12, 0, 1, 0, 1]); // a pointer to itself: FORMERR
    const answered = Uint8Array.from([...plain.subarray(0, 7), 1, ...plain.subarray(8), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    for (const q of [two, pointer, answered, two]) ask(cache, q);
    expect(cache.counters).toEqual({ hits: 0, misses: 0 });
  });

  it('stays within its entry bound', () => {
    const cache = new AnswerCache(catalog, { entries: 10 });
    for (let i = 0; i < 100; i++) ask(cache, query(`n${i}.example.test`, 'A'));
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(ask(cache, query('n99.example.test', 'A')).hit).toBe(true); // the newest are kept
    expect(ask(cache, query('n0.example.test', 'A')).hit).toBe(false);
  });

  it('stays within its octet bound and keeps no reply larger than half of it', () => {
    const cache = new AnswerCache(catalog, { bytes: 1000 });
    for (let i = 0; i < 50; i++) ask(cache, query(`n${i}.example.test`, 'A')); // about 100 octets each
    expect(cache.size).toBeLessThanOrEqual(10);
    ask(cache, query('many.chain.test', 'A', 'IN', { edns: { udpPayloadSize: 1232 } })); // about 1000 octets
    expect(ask(cache, query('many.chain.test', 'A', 'IN', { edns: { udpPayloadSize: 1232 } })).hit).toBe(false);
  });
});

describe('answerInto and insert: a cache fed by another thread', () => {
  /** The query at the start of a larger receive buffer whose tail holds an older datagram's octets. */
  function inSlot(q: Uint8Array): Uint8Array {
    const slot = new Uint8Array(4096).fill(0xee);
    slot.set(q);
    return slot;
  }

  it('misses until a reply is inserted, then writes it into the send buffer with the ID, RD and case of each query', () => {
    const cache = new AnswerCache(catalog);
    const first = query('web.example.test', 'A', 'IN', { id: 7, flags: { rd: true } });
    const out = new Uint8Array(4096).fill(0xaa);
    expect(cache.answerInto(inSlot(first), first.length, 'udp', out)).toBe(MISS);
    const made = respond(first, catalog, 'udp');
    expect(cache.insert(inSlot(first), first.length, 'udp', made.reply!, made.rcode!)).toBe(true);
    expect(cache.counters).toEqual({ hits: 0, misses: 1 });

    const again = query('WEB.example.TEST', 'A', 'IN', { id: 0xbeef, flags: { rd: false } });
    const n = cache.answerInto(inSlot(again), again.length, 'udp', out);
    expect(Buffer.from(out.subarray(0, n)).toString('hex')).toBe(Buffer.from(respond(again, catalog, 'udp').reply!).toString('hex'));
    expect(out[n]).toBe(0xaa); // nothing written past the reply
    const m = decode(out.subarray(0, n));
    expect([m.id, m.flags.rd, m.questions[0].name]).toEqual([0xbeef, false, 'WEB.example.TEST']);
    expect([cache.lastRcode, cache.lastQtype, cache.counters.hits]).toEqual([0, 1, 1]);
  });

  it('keeps the RCODE for the counters, and takes only the plain shape', () => {
    const cache = new AnswerCache(catalog);
    const nx = query('nope.other.test', 'MX');
    const made = respond(nx, catalog, 'udp');
    expect(cache.insert(nx, nx.length, 'udp', made.reply!, made.rcode!)).toBe(true);
    expect(cache.answerInto(nx, nx.length, 'udp', new Uint8Array(512))).toBeGreaterThan(0);
    expect([cache.lastRcode, cache.lastQtype]).toEqual([3, 15]);
    // NOTIFY, an option (a cookie's reply is the client's own), EDNS version 1: never kept nor answered.
    for (const q of [
      query('web.example.test', 'A', 'IN', { opcode: 4 }),
      query('web.example.test', 'A', 'IN', { edns: { options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] } }),
      query('web.example.test', 'A', 'IN', { edns: { version: 1 } }),
    ]) {
      expect(cache.insert(q, q.length, 'udp', made.reply!, 0)).toBe(false);
      expect(cache.answerInto(q, q.length, 'udp', new Uint8Array(512))).toBe(MISS);
    }
    // A query cut short of its question, though the buffer beyond its length holds the rest.
    const plain = query('web.example.test', 'A');
    expect(cache.answerInto(plain, plain.length - 2, 'udp', new Uint8Array(512))).toBe(MISS);
  });

  it('misses rather than write past the end of a send buffer too small for the reply', () => {
    const cache = new AnswerCache(catalog);
    const q = query('many.chain.test', 'A', 'IN', { edns: { udpPayloadSize: 1232 } });
    cache.respond(q, 'udp');
    expect(cache.answerInto(q, q.length, 'udp', new Uint8Array(100))).toBe(MISS);
    expect(cache.answerInto(q, q.length, 'udp', new Uint8Array(1232))).toBeGreaterThan(1000);
  });

  it('a full cache stays within its bytes and keeps answering the names asked most', () => {
    const cache = new AnswerCache(catalog, { bytes: 64 * 1024 });
    const out = new Uint8Array(1232);
    const hot = query('web.example.test', 'A');
    cache.respond(hot, 'udp');
    let hotHits = 0;
    for (let i = 0; i < 5000; i++) {
      cache.respond(query(`n${i}.example.test`, 'A'), 'udp');
      if (i % 50 === 0 && cache.answerInto(hot, hot.length, 'udp', out) > 0) hotHits++;
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(hotHits).toBe(100); // moved back to the young generation each time, never dropped
    expect(cache.size).toBeGreaterThan(100);
  });

  it('grows its arena as entries come: every kept reply reads back whole across the growth, in both generations', () => {
    // The entry bound flips generations while the arena is still small (it starts at 64 KiB a
    // generation); then replies of over 1,000 octets make the young one grow while the old one
    // holds entries, so both move. Every reply read back must be the one respond() makes.
    const cache = new AnswerCache(catalog, { bytes: 4 * 1024 * 1024, entries: 2000 });
    const out = new Uint8Array(1232);
    const small = (i: number) => query(`n${i}.example.test`, 'A', 'IN', { id: i });
    const large = (i: number) => query('many.chain.test', 'A', 'IN', { id: i, edns: { udpPayloadSize: 1232 - i } });
    const check = (q: Uint8Array) => {
      const n = cache.answerInto(q, q.length, 'udp', out);
      expect(n).toBeGreaterThan(0);
      expect(Buffer.from(out.subarray(0, n)).toString('hex')).toBe(Buffer.from(respond(q, catalog, 'udp').reply!).toString('hex'));
    };
    for (let i = 0; i < 1500; i++) cache.respond(small(i), 'udp'); // 1,000 in the old generation, 500 in the young
    for (let i = 0; i < 300; i++) cache.respond(large(i), 'udp'); // the young generation outgrows the arena
    for (let i = 0; i < 300; i += 7) check(large(i));
    for (let i = 1000; i < 1500; i += 3) check(small(i));
    for (let i = 400; i < 1000; i += 5) check(small(i)); // old generation: moved to the young one on the way
    expect(cache.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});

describe('a reload', () => {
  it('serves the new data at once, never a reply encoded from the old zones', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'port53-cache-'));
    const zone = (address: string, serial: number) => `$ORIGIN one.test.\n$TTL 300\n@ SOA ns1 hostmaster ${serial} 7200 900 1209600 300\n NS ns1\nns1 A 192.0.2.53\nwww A ${address}\n`;
    await writeFile(path.join(dir, 'one.test.zone'), zone('192.0.2.1', 1));
    const server = await createServer({ zonesDir: dir, addresses: ['127.0.0.1'], port: 0, tcp: false });
    try {
      const www = async () => decode((await udpExchange(server.port, query('www.one.test', 'A')))!).answers.map((r) => r.data);
      expect([await www(), await www()]).toEqual([['192.0.2.1'], ['192.0.2.1']]); // the second from the cache
      await writeFile(path.join(dir, 'one.test.zone'), zone('192.0.2.2', 2));
      expect((await server.reload()).ok).toBe(true);
      expect(await www()).toEqual(['192.0.2.2']);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
