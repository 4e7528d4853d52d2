import { decode } from '@port53/wire';
import type { Question } from '@port53/wire';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createTestServer, type TestServer } from '../src/testing/index.js';
import { ActiveFault, type FaultMatch, type FaultOptions } from '../src/testing/faults.js';
import { tcpExchange, udpExchange } from '../../../test/support/loopback.mjs';
import { TcpStream } from '../../../test/support/tcp-stream.js';
import { query, summarize } from './fixtures/query.js';

const q = (name: string, type = 'A'): Question => ({ name, type: type as Question['type'], class: 'IN' });
const fault = (match: FaultMatch, options: FaultOptions = { drop: true }) => new ActiveFault(match, options, () => undefined);

describe('which queries a fault applies to', () => {
  const rows: { match: FaultMatch; question: Question; transport?: 'udp' | 'tcp'; applies: boolean }[] = [
    { match: {}, question: q('anything.test'), applies: true },
    { match: { name: 'www.myapp.test' }, question: q('WWW.MyApp.Test'), applies: true },
    { match: { name: 'www.myapp.test' }, question: q('a.www.myapp.test'), applies: false },
    { match: { name: 'myapp.test' }, question: q('www.myapp.test'), applies: false },
    { match: { suffix: 'myapp.test' }, question: q('myapp.test'), applies: true },
    { match: { suffix: 'myapp.test' }, question: q('a.b.MYAPP.test'), applies: true },
    { match: { suffix: 'myapp.test' }, question: q('notmyapp.test'), applies: false },
    { match: { type: 'MX' }, question: q('myapp.test', 'MX'), applies: true },
    { match: { type: 'mx' }, question: q('myapp.test', 'A'), applies: false },
    { match: { type: ['A', 'AAAA'] }, question: q('myapp.test', 'AAAA'), applies: true },
    { match: { transport: 'tcp' }, question: q('myapp.test'), transport: 'udp', applies: false },
    { match: { transport: 'tcp' }, question: q('myapp.test'), transport: 'tcp', applies: true },
    { match: { suffix: 'myapp.test', type: 'A', transport: 'udp' }, question: q('www.myapp.test', 'TXT'), applies: false },
  ];
  test.each(rows)('$match on $question.name $question.type → $applies', ({ match, question, transport, applies }) => {
    expect(fault(match).take(question, transport ?? 'udp')).toBe(applies);
  });

  test('truncate applies over UDP only, closeTcp over TCP only', () => {
    expect(fault({}, { truncate: true }).take(q('a.test'), 'tcp')).toBe(false);
    expect(fault({}, { truncate: true }).take(q('a.test'), 'udp')).toBe(true);
    expect(fault({}, { closeTcp: true }).take(q('a.test'), 'udp')).toBe(false);
    expect(fault({}, { closeTcp: true }).take(q('a.test'), 'tcp')).toBe(true);
  });

  test('times: the first N matching queries, then none', () => {
    const f = fault({ name: 'a.test' }, { drop: true, times: 2 });
    const seen = ['a.test', 'b.test', 'a.test', 'a.test'].map((name) => f.take(q(name), 'udp'));
    expect(seen).toEqual([true, false, true, false]);
    expect(f.hits).toBe(2);
  });

  test('probability: a seeded pattern, the same for the same seed, another for another seed', () => {
    const pattern = (seed: number) => {
      const f = fault({}, { drop: true, probability: 0.5, seed });
      return Array.from({ length: 64 }, () => (f.take(q('a.test'), 'udp') ? 1 : 0)).join('');
    };
    expect(pattern(7)).toBe(pattern(7));
    expect(pattern(7)).not.toBe(pattern(8));
    const hits = [...pattern(7)].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(16);
    expect(hits).toBeLessThan(48);
    expect(pattern(1)).toBe(fault({}, { drop: true, probability: 0.5 }) && pattern(1)); // seed defaults to 1
  });

  const bad: { options: FaultOptions; match?: FaultMatch; message: RegExp }[] = [
    { options: {}, message: /needs one of/ },
    { options: { drop: true, rcode: 'SERVFAIL' }, message: /does one thing/ },
    { options: { drop: true, delay: 10 }, message: /drop and delay/ },
    { options: { rcode: 'NOPE' }, message: /rcode "NOPE"/ },
    { options: { rcode: 16 }, message: /0\.\.15/ },
    { options: { delay: -1 }, message: /delay/ },
    { options: { drop: true, times: 1.5 }, message: /times/ },
    { options: { drop: true, probability: 2 }, message: /probability/ },
    { options: { drop: true }, match: { type: 'NOTATYPE' }, message: /not a record type/ },
    { options: { drop: true }, match: { transport: 'quic' as 'udp' }, message: /transport/ },
  ];
  test.each(bad)('refuses $options $match with a TestServerError', ({ options, match, message }) => {
    expect(() => fault(match ?? {}, options)).toThrow(expect.objectContaining({ name: 'TestServerError', message: expect.stringMatching(message) }));
  });
});

describe('faults on the wire', () => {
  let dns: TestServer;
  beforeAll(async () => {
    dns = await createTestServer({ zones: { 'myapp.test': { www: { A: '192.0.2.1' }, other: { A: '192.0.2.3' } } } });
  });
  afterEach(() => {
    dns.clearFaults();
    dns.queries.length = 0;
  });
  afterAll(() => dns.close());

  const udp = (name: string, timeoutMs = 1000, id = 0x1234) => udpExchange(dns.port, query(name, 'A', 'IN', { id }), { timeoutMs });
  const tcp = (name: string, timeoutMs = 1000) => tcpExchange(dns.port, query(name, 'A'), { timeoutMs });

  test('drop: no reply over UDP or TCP, other names answered; the log says dropped', async () => {
    dns.fault({ name: 'www.myapp.test' }, { drop: true });
    expect(await udp('www.myapp.test', 300)).toBeNull();
    const stream = await TcpStream.open(dns.port);
    await stream.write(TcpStream.frame(query('www.myapp.test', 'A')));
    await expect(stream.waitFrames(1, 300)).rejects.toThrow(/timed out/);
    expect(stream.closed).toBe(false); // dropped, not closed
    stream.destroy();
    expect(summarize((await udp('other.myapp.test'))!).answer).toEqual(['other.myapp.test 60 A 192.0.2.3']);
    expect(dns.queries.map((e) => [e.name, e.transport, e.fault, e.rcode])).toEqual([
      ['www.myapp.test', 'udp', 'drop', undefined],
      ['www.myapp.test', 'tcp', 'drop', undefined],
      ['other.myapp.test', 'udp', undefined, 'NOERROR'],
    ]);
  });

  test('drop the first N: the resolver retries through them', async () => {
    const f = dns.fault({ name: 'www.myapp.test' }, { drop: true, times: 2 });
    const resolver = dns.resolver({ timeout: 150, tries: 3 });
    expect(await resolver.resolve4('www.myapp.test')).toEqual(['192.0.2.1']);
    expect(f.hits).toBe(2);
    expect(dns.queries.map((e) => e.fault ?? e.rcode)).toEqual(['drop', 'drop', 'NOERROR']);
  });

  test('drop with a seeded probability: the queries hit are the seed\'s', async () => {
    const expected = fault({}, { drop: true, probability: 0.5, seed: 42 });
    const pattern = Array.from({ length: 6 }, () => expected.take(q('www.myapp.test'), 'udp'));
    dns.fault({ name: 'www.myapp.test' }, { drop: true, probability: 0.5, seed: 42 });
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push((await udp('www.myapp.test', pattern[i] ? 150 : 1000)) === null);
    expect(seen).toEqual(pattern);
    expect(pattern).toContain(true);
    expect(pattern).toContain(false);
  });

  test('delay: the true answer, no sooner than asked', async () => {
    dns.fault({ name: 'www.myapp.test' }, { delay: 150 });
    const started = performance.now();
    const reply = await udp('www.myapp.test');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(summarize(reply!).answer).toEqual(['www.myapp.test 60 A 192.0.2.1']);
    expect(dns.queries[0]).toMatchObject({ fault: 'delay', rcode: 'NOERROR' });
  });

  test('delay with an rcode, over TCP', async () => {
    dns.fault({ name: 'www.myapp.test' }, { delay: 100, rcode: 'REFUSED' });
    const started = performance.now();
    const reply = await tcp('www.myapp.test');
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(summarize(reply!)).toMatchObject({ rcode: 'REFUSED', flags: 'qr', answer: [] });
  });

  test('rcode SERVFAIL: no records; the resolver says ESERVFAIL, and answers once the fault clears', async () => {
    const f = dns.fault({ suffix: 'myapp.test' }, { rcode: 'SERVFAIL' });
    expect(summarize((await udp('www.myapp.test'))!)).toEqual({ rcode: 'SERVFAIL', flags: 'qr', answer: [], authority: [], additional: [] });
    const resolver = dns.resolver({ tries: 1 });
    await expect(resolver.resolve4('www.myapp.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    f.clear();
    expect(await resolver.resolve4('www.myapp.test')).toEqual(['192.0.2.1']);
  });

  test('rcode NXDOMAIN: authoritative, with the zone\'s SOA for negative caching (RFC 2308)', async () => {
    dns.fault({ name: 'www.myapp.test' }, { rcode: 'NXDOMAIN' });
    const s = summarize((await udp('www.myapp.test'))!);
    expect(s).toMatchObject({ rcode: 'NXDOMAIN', flags: 'qr aa', answer: [] });
    expect(s.authority).toEqual(['myapp.test 60 SOA localhost. hostmaster.myapp.test. 1 3600 600 86400 60']);
    await expect(dns.resolver({ tries: 1 }).resolve4('www.myapp.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  test('truncate: TC=1 and no records over UDP, the full answer over TCP; the resolver follows', async () => {
    dns.fault({ name: 'www.myapp.test' }, { truncate: true });
    expect(summarize((await udp('www.myapp.test'))!)).toMatchObject({ flags: 'qr aa tc', answer: [] });
    expect(summarize((await tcp('www.myapp.test'))!).answer).toEqual(['www.myapp.test 60 A 192.0.2.1']);
    dns.queries.length = 0;
    expect(await dns.resolver().resolve4('www.myapp.test')).toEqual(['192.0.2.1']);
    expect(dns.queries.map((e) => [e.transport, e.fault])).toEqual([
      ['udp', 'truncate'],
      ['tcp', undefined],
    ]);
  });

  test('wrongId: the answer under another ID, which a resolver ignores', async () => {
    dns.fault({ name: 'www.myapp.test' }, { wrongId: true });
    const reply = decode((await udp('www.myapp.test', 1000, 0x4242))!);
    expect(reply.id).not.toBe(0x4242);
    expect(reply.answers).toHaveLength(1);
    // The resolver's pooled sockets route replies by ID, so one with an unknown ID is not even counted to the query.
    dns.queries.length = 0;
    await expect(dns.resolver({ timeout: 200, tries: 1 }).resolve4('www.myapp.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(dns.queries).toMatchObject([{ fault: 'wrongId', rcode: 'NOERROR' }]); // it was answered, under the wrong ID
  });

  test('wrongQuestion: the answer to another question, which a resolver ignores', async () => {
    dns.fault({ name: 'www.myapp.test' }, { wrongQuestion: 'evil.example' });
    const reply = decode((await udp('www.myapp.test'))!);
    expect(reply.questions[0].name).toBe('evil.example');
    dns.clearFaults();
    dns.fault({ name: 'www.myapp.test' }, { wrongQuestion: true });
    expect(decode((await udp('www.myapp.test'))!).questions[0].name).toBe('wrong.invalid');
    const err = await dns.resolver({ timeout: 200, tries: 1 }).resolve4('www.myapp.test').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ETIMEOUT', attempts: [expect.objectContaining({ ignored: 1 })] });
  });

  test('closeTcp: the connection closes unanswered; UDP still answers', async () => {
    dns.fault({ name: 'www.myapp.test' }, { closeTcp: true });
    const stream = await TcpStream.open(dns.port);
    await stream.write(TcpStream.frame(query('www.myapp.test', 'A')));
    await stream.waitClose(2000);
    expect(stream.frames).toHaveLength(0);
    expect(summarize((await udp('www.myapp.test'))!).answer).toHaveLength(1);
    expect(dns.queries.map((e) => [e.transport, e.fault])).toEqual([
      ['tcp', 'closeTcp'],
      ['udp', undefined],
    ]);
  });

  test('by transport: a TCP-only fault leaves UDP alone', async () => {
    dns.fault({ transport: 'tcp' }, { rcode: 'SERVFAIL' });
    expect(summarize((await udp('www.myapp.test'))!).rcode).toBe('NOERROR');
    expect(summarize((await tcp('www.myapp.test'))!).rcode).toBe('SERVFAIL');
  });

  test('the latest fault wins; clearing it uncovers the earlier one; using clears at scope end', async () => {
    dns.fault({ suffix: 'myapp.test' }, { rcode: 'SERVFAIL' });
    {
      using narrow = dns.fault({ name: 'www.myapp.test' }, { rcode: 'REFUSED' });
      expect(summarize((await udp('www.myapp.test'))!).rcode).toBe('REFUSED');
      expect(narrow.hits).toBe(1);
    }
    expect(summarize((await udp('www.myapp.test'))!).rcode).toBe('SERVFAIL');
  });
});

test('close() does not wait for a delayed reply, and the reply is never sent', async () => {
  const dns = await createTestServer({ zones: { 'slow.test': { www: { A: '192.0.2.1' } } } });
  dns.fault({}, { delay: 60_000 });
  const pending = udpExchange(dns.port, query('www.slow.test', 'A'), { timeoutMs: 500 });
  while (dns.queries.length === 0) await new Promise((r) => setTimeout(r, 5));
  await dns.close();
  expect(await pending).toBeNull();
  expect(dns.queries[0].rcode).toBeUndefined();
});
