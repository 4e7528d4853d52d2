import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resolver } from '@port53/resolver';
import { startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';
import { waitFor } from './support/load.js';

/** Issue 6 §2: a socket may carry several queries, but its source port changes after at most N. */
let fake: FakeServer;
beforeAll(async () => {
  const answer = zoneAnswer(EXAMPLE);
  fake = await startFakeServer((q) => [answer(q)], { tcp: false });
});
afterAll(() => fake.close());

/** Queries per source port among the server's queries from index `from` on. */
function perPort(from: number): number[] {
  const counts = new Map<number, number>();
  for (const q of fake.queries.slice(from)) counts.set(q.sourcePort!, (counts.get(q.sourcePort!) ?? 0) + 1);
  return [...counts.values()];
}

/**
 * Runs of consecutive queries from one port, in arrival order. (The kernel may give a closed
 * socket's port to a later one, about 1 in 28,000 per socket; so sockets are told apart by runs.)
 */
function runs(from: number): number[] {
  const out: number[] = [];
  let last: number | undefined;
  for (const q of fake.queries.slice(from)) {
    if (q.sourcePort === last) out[out.length - 1] += 1;
    else out.push(1);
    last = q.sourcePort;
  }
  return out;
}

describe('source ports', () => {
  it.each([
    [1, 12, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    [4, 12, [4, 4, 4]],
    [32, 40, [32, 8]],
  ])('maxQueriesPerSocket %i: %i lookups one after another, ports in runs of %j', async (maxQueriesPerSocket, lookups, expected) => {
    const r = new Resolver({ servers: [fake.server], resolvConf: false, maxQueriesPerSocket });
    const from = fake.queries.length;
    for (let i = 0; i < lookups; i++) await r.resolve4('example.test');
    expect(runs(from)).toEqual(expected);
    r.close();
  });

  it('at concurrency 100 no port carries more than maxQueriesPerSocket (default 32) queries', async () => {
    const r = new Resolver({ servers: [fake.server], resolvConf: false });
    const from = fake.queries.length;
    await Promise.all(Array.from({ length: 1000 }, () => r.resolve4('example.test')));
    const counts = perPort(from);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(counts).toContain(32);
    // Queries of many sockets interleave here, so a port the kernel handed out twice (see runs())
    // shows as one port with up to twice the count: allow that once, never more than 32 otherwise.
    expect(counts.filter((n) => n > 32).length).toBeLessThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(64);
    expect(counts.length).toBeGreaterThanOrEqual(Math.ceil(1000 / 32) - 1);
    r.close();
  });

  it('an idle socket closes by itself; close() closes at once', async () => {
    const r = new Resolver({ servers: [fake.server], resolvConf: false });
    await r.resolve4('example.test');
    expect(r.stats.sockets).toBe(1);
    await waitFor(() => r.stats.sockets === 0, 2000);
    await r.resolve4('example.test');
    r.close();
    expect(r.stats.sockets).toBe(0);
    // Usable after close(): new sockets are opened.
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1', '192.0.2.2']);
    r.close();
  });

  it('rejects a maxQueriesPerSocket that is not a whole number from 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new Resolver({ resolvConf: false, servers: ['127.0.0.1'], maxQueriesPerSocket: bad })).toThrow(RangeError);
  });
});
