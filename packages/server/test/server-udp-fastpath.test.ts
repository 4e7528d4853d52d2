import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { decode } from '@port53/wire';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../src/server.js';
import { udpBatchAddon } from '../src/transport/udp-batch.js';
import { query, type QueryInit } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));
const built = udpBatchAddon() !== undefined;
if (!built) console.log('UDP fast path tests skipped: dist/native/udp_batch.node not built (run pnpm build with a C compiler)');

/** The queries, in order, each answered over one socket; replies by position (IDs are unique). */
async function exchangeAll(port: number, queries: Uint8Array[]): Promise<(Buffer | undefined)[]> {
  const s = createSocket('udp4');
  const replies = new Map<number, Buffer>();
  try {
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    s.on('message', (m) => replies.set(m.readUInt16BE(0), m));
    for (const q of queries) {
      s.send(q, port, '127.0.0.1');
      const id = (q[0] << 8) | q[1];
      for (let waited = 0; !replies.has(id) && waited < 2000; waited += 2) await new Promise((r) => setTimeout(r, 2));
    }
    return queries.map((q) => replies.get((q[0] << 8) | q[1]));
  } finally {
    s.close();
  }
}

/** Queries of many shapes, each asked twice (the second time in other case, ID and RD): most second ones are cache hits. */
function battery(): Uint8Array[] {
  const asks: [string, string, string?, QueryInit?][] = [
    ['example.test', 'SOA'], ['host1.example.test', 'A'], ['www.example.test', 'A'], ['web.example.test', 'AAAA'],
    ['nope.example.test', 'A'], ['a.b.example.test', 'A'], ['b.example.test', 'A'], ['x.wild.example.test', 'A'],
    ['exists.wild.example.test', 'TXT'], ['sub.example.test', 'A'], ['example.test', 'MX'], ['long.example.test', 'TXT'],
    ['unknown.example.test', 'TYPE65280'], ['ptr.example.test', 'PTR'], ['example.org', 'A'], ['example.test', 'AXFR'],
    ['id.server', 'TXT', 'CH'], ['host1.example.test', 'A', 'IN', { edns: { udpPayloadSize: 1232, do: true } }],
    ['host1.example.test', 'A', 'IN', { edns: { udpPayloadSize: 512 } }], ['host1.example.test', 'A', 'IN', { edns: { version: 1 } }],
    ['host1.example.test', 'A', 'IN', { opcode: 2 }], ['host1.example.test', 'A', 'IN', { edns: { options: [{ code: 3, data: new Uint8Array(0) }] } }], // NSID asked: never from the cache
  ];
  const out: Uint8Array[] = [];
  let id = 1;
  for (const round of [0, 1, 2]) {
    for (const [name, type, cls, init] of asks) {
      const cased = round === 1 ? name.toUpperCase() : round === 2 ? name.replace(/e/g, 'E') : name;
      out.push(query(cased, type, cls, { ...init, id: id++, flags: { rd: round === 1, cd: round === 2 } }));
    }
  }
  return out;
}

describe.skipIf(!built)('the UDP fast path: cache hits answered straight into the send buffer', () => {
  type Started = Awaited<ReturnType<typeof startServer>>;
  let fast: Started;
  let slow: Started;
  beforeAll(async () => {
    fast = await startServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, tcp: false, identity: 'ns.test' });
    // queryLog (logging nowhere) keeps every query on handle(): the reference.
    slow = await startServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, tcp: false, identity: 'ns.test', queryLog: true });
  });
  afterAll(async () => {
    await Promise.all([fast?.close(), slow?.close()]);
  });

  test('the same octets as handle() makes, ID, RD, CD and the case of the question patched in; the same counters', async () => {
    const queries = battery();
    const [a, b] = [await exchangeAll(fast.port, queries), await exchangeAll(slow.port, queries)];
    for (let i = 0; i < queries.length; i++) {
      expect(a[i], `query ${i}`).toBeDefined();
      expect(a[i]!.toString('hex'), `query ${i}`).toBe(b[i]!.toString('hex'));
      const q = decode(queries[i]);
      const r = decode(a[i]!);
      if (q.opcode !== 0) continue; // RD and CD mean nothing to other opcodes, and are not echoed
      expect([r.id, r.flags.rd, r.flags.cd, r.questions[0]?.name], `query ${i}`).toEqual([q.id, q.flags.rd, q.flags.cd, q.questions[0]?.name]);
    }
    expect(fast.stats.answerCache.hits).toBeGreaterThanOrEqual(12);
    expect(fast.stats.answerCache).toEqual(slow.stats.answerCache);
    expect(fast.stats.queries).toEqual(slow.stats.queries);
    expect(fast.stats.outcomes).toEqual(slow.stats.outcomes);
    const rows = (s: Started) => s.queryCounts.rows().sort((x, y) => `${x.qtype}${x.rcode}`.localeCompare(`${y.qtype}${y.rcode}`));
    expect(rows(fast)).toEqual(rows(slow));
    expect(rows(fast).find((r) => r.qtype === 'A' && r.rcode === 3)?.count).toBe(3); // nope.example.test, three times
  });

  test('a reload: the next query is answered from the new zones, not from the old cache', async () => {
    const q = query('host1.example.test', 'A', 'IN', { id: 4242 });
    const [before] = await exchangeAll(fast.port, [q]);
    const hits = fast.stats.answerCache.hits;
    expect((await fast.reload()).ok).toBe(true);
    expect(fast.stats.answerCache.hits).toBe(0);
    const [after] = await exchangeAll(fast.port, [q]);
    expect(after?.toString('hex')).toBe(before?.toString('hex'));
    expect([hits > 0, fast.stats.answerCache.misses]).toEqual([true, 1]);
  });
});
