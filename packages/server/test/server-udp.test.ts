import { fileURLToPath } from 'node:url';
import { decode, encode } from '@port53/wire';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query, summarize } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('./fixtures/server/', import.meta.url));

let server: Server;
beforeAll(async () => {
  server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
});
afterAll(() => server.close());

describe('createServer on port 0', () => {
  test('binds UDP and TCP on one ephemeral port and reports both', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.addresses).toEqual([
      { address: '127.0.0.1', port: server.port, family: 'IPv4', transport: 'udp' },
      { address: '127.0.0.1', port: server.port, family: 'IPv4', transport: 'tcp' },
    ]);
    expect(server.zones()).toEqual([expect.objectContaining({ origin: 'server.test', serial: 2026112701 })]);
  });
});

describe('UDP answers', () => {
  const rows: { q: [string, string]; rcode: string; flags: string; answer: string[]; authority?: number }[] = [
    { q: ['www.server.test', 'A'], rcode: 'NOERROR', flags: 'qr aa', answer: ['www.server.test 300 A 192.0.2.10'] },
    { q: ['WwW.SeRvEr.TeSt', 'AAAA'], rcode: 'NOERROR', flags: 'qr aa', answer: ['WwW.SeRvEr.TeSt 300 AAAA 2001:db8::10'] },
    { q: ['nope.server.test', 'A'], rcode: 'NXDOMAIN', flags: 'qr aa', answer: [], authority: 1 },
    { q: ['www.server.test', 'MX'], rcode: 'NOERROR', flags: 'qr aa', answer: [], authority: 1 },
    { q: ['www.elsewhere.test', 'A'], rcode: 'REFUSED', flags: 'qr', answer: [] },
  ];
  test.each(rows)('$q.0 $q.1 → $rcode', async ({ q, rcode, flags, answer, authority }) => {
    const reply = await udpExchange(server.port, query(q[0], q[1]));
    expect(reply).not.toBeNull();
    const s = summarize(reply!);
    expect(s.rcode).toBe(rcode);
    expect(s.flags).toBe(flags);
    expect(s.answer).toEqual(answer);
    if (authority !== undefined) expect(s.authority).toHaveLength(authority);
  });

  test('the reply carries the query ID and echoes the question case', async () => {
    const reply = decode((await udpExchange(server.port, query('Www.Server.Test', 'A', 'IN', { id: 0xbeef })))!);
    expect(reply.id).toBe(0xbeef);
    expect(reply.questions[0].name).toBe('Www.Server.Test');
  });

  test('a large RRset is truncated (TC) without EDNS and fits with EDNS 1232', async () => {
    const plain = decode((await udpExchange(server.port, query('big.server.test', 'TXT')))!);
    expect(plain.flags.tc).toBe(true);
    const withEdns = decode((await udpExchange(server.port, query('big.server.test', 'TXT', 'IN', { edns: {} })))!);
    expect(withEdns.flags.tc).toBe(false);
    expect(withEdns.answers).toHaveLength(9);
  });
});

describe('malformed datagrams', () => {
  test('are dropped or get FORMERR, are counted, and the server keeps answering', async () => {
    const before = structuredClone(server.stats);
    // Shorter than a header: nothing to answer.
    expect(await udpExchange(server.port, Uint8Array.from([1, 2, 3]), { timeoutMs: 300 })).toBeNull();
    // A response (QR=1): dropped, never answered (RFC 1035 §7.3).
    const response = encode({ id: 7, flags: { qr: true }, questions: [{ name: 'www.server.test', type: 'A', class: 'IN' }] });
    expect(await udpExchange(server.port, response, { timeoutMs: 300 })).toBeNull();
    // A readable header claiming a question that is not there: FORMERR with the same ID.
    const header = Uint8Array.from([0xab, 0xcd, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0]);
    const formerr = decode((await udpExchange(server.port, header))!);
    expect(formerr.id).toBe(0xabcd);
    expect(formerr.rcode).toBe(1);

    const ok = summarize((await udpExchange(server.port, query('www.server.test', 'A')))!);
    expect(ok.rcode).toBe('NOERROR');
    expect(server.stats.queries.udp - before.queries.udp).toBe(4);
    expect(server.stats.outcomes.dropped - before.outcomes.dropped).toBe(2);
    expect(server.stats.outcomes.formerr - before.outcomes.formerr).toBe(1);
    expect(server.stats.outcomes.answered - before.outcomes.answered).toBe(1);
    expect(server.stats.errors).toBe(0);
  });

  test('a flood of random datagrams never stops the server (bounded: 200)', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const packet = Uint8Array.from({ length: 1 + (i % 60) }, random);
      packet[2] &= 0x7f; // mostly queries, so most reach the decoder
      sends.push(udpExchange(server.port, packet, { timeoutMs: 300 }));
    }
    await Promise.all(sends);
    expect(server.stats.errors).toBe(0);
    expect(summarize((await udpExchange(server.port, query('www.server.test', 'A')))!).rcode).toBe('NOERROR');
  });
});
