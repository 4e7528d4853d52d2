import { afterEach, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Resolver, type QueryResult } from '@port53/resolver';
import { startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { drive, LOOKUPS } from './support/load.js';
import { EXAMPLE } from './support/records.js';

/**
 * Issue 7, resolver: the first server is stopped and restarted on the same port during a run of
 * lookups. While it is down its port is closed (ICMP port unreachable, so ECONNREFUSED at once on
 * the socket, failing the queries in flight on it) and lookups fail over to the second server;
 * once it is back they resume on the first. The phases are counted in lookups, not in time.
 */
const answer = zoneAnswer(EXAMPLE);
const CONCURRENCY = 20;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

it.each([1, 32])('stop and restart of the first server (maxQueriesPerSocket %i): failover meanwhile, back afterwards, nothing lost', async (maxQueriesPerSocket) => {
  let first: FakeServer | undefined = await startBelowEphemeralRange();
  const second = await startFakeServer((q) => [answer(q)], { tcp: false });
  const port = first.port;
  cleanups.push(() => second.close(), async () => first?.close());
  const r = new Resolver({ servers: [first.server, second.server], timeout: 200, tries: 2, deadline: 5000, resolvConf: false, maxQueriesPerSocket });
  cleanups.push(async () => r.close());

  const third = Math.floor(LOOKUPS / 3);
  let phase: 'up' | 'down' | 'back' = 'up';
  const phaseOf: ('up' | 'down' | 'back')[] = [];
  const run = await drive(
    LOOKUPS,
    CONCURRENCY,
    (i) => {
      phaseOf[i] = phase;
      return r.query(`n${i}.example.test`);
    },
    async (finished) => {
      if (finished === third && phase === 'up') {
        phase = 'down';
        const old = first!;
        first = undefined;
        await old.close();
      } else if (finished === 2 * third && phase === 'down') {
        first = await restartOn(port);
        phase = 'back';
      }
    },
  );

  const failed = run.results.filter((x) => x.status === 'rejected');
  expect(failed.map((x) => String((x as PromiseRejectedResult).reason))).toEqual([]);
  const results = run.results.map((x) => (x as PromiseFulfilledResult<QueryResult>).value);
  const firstServer = `127.0.0.1:${port}`;
  const count = (p: string) => phaseOf.filter((x) => x === p).length;
  const by = (p: string, server: string) => results.filter((res, i) => phaseOf[i] === p && res.server === server).length;
  // Each phase's lookups go to the server that is up, all but those in flight when the phase
  // changed, those on a socket whose ICMP error for a query sent while the server was down came in
  // after it was back (maxQueriesPerSocket > 1), and any that a stall of the shared machine past
  // the 200 ms wait sent on to the second server.
  expect(by('up', firstServer)).toBeGreaterThanOrEqual(count('up') - CONCURRENCY);
  expect(by('down', second.server)).toBeGreaterThanOrEqual(count('down') - CONCURRENCY);
  expect(by('back', firstServer)).toBeGreaterThanOrEqual(count('back') * 0.9);
  const back = count('back');
  expect(first!.queries.length).toBeGreaterThan(0);
  const refused = results.flatMap((res) => res.attempts).filter((a) => a.outcome === 'connrefused').length;
  console.info(
    `restart (maxQueriesPerSocket ${maxQueriesPerSocket}): ${LOOKUPS} lookups, all answered; down: ${by('down', second.server)} by the second server, ` +
      `${refused} ECONNREFUSED attempts; back: ${by('back', firstServer)}/${back} by the first`,
  );
}, 30_000);

/**
 * The first server again on its old port. Its port lies below the ephemeral range, as a real
 * server's does, so the kernel never lends it to one of the resolver's own client sockets while it
 * is down; EADDRINUSE (a socket in TIME_WAIT-like reuse, another process) is still retried briefly.
 */
async function restartOn(port: number): Promise<FakeServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startFakeServer((q) => [answer(q)], { tcp: false, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A fake server on a free port below the kernel's ephemeral range (ip_local_port_range). */
async function startBelowEphemeralRange(): Promise<FakeServer> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: the usual default
  }
  const span = Math.max(1, low - 10_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * span);
    try {
      return await startFakeServer((q) => [answer(q)], { tcp: false, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error(`no free port between 10000 and ${low}`);
}
