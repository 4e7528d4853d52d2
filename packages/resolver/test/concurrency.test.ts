import { afterAll, beforeAll, expect, it } from 'vitest';
import { Resolver } from '@port53/resolver';
import { startFakeServer, zoneAnswer, type FakeServer } from './support/fake-server.js';
import { EXAMPLE } from './support/records.js';

let fake: FakeServer;
beforeAll(async () => {
  const answer = zoneAnswer(EXAMPLE);
  fake = await startFakeServer((q) => [answer(q)]);
});
afterAll(() => fake.close());

const udpSockets = () => process.getActiveResourcesInfo().filter((n) => n === 'UDPWrap').length;

it('10,000 concurrent lookups all complete, never more than maxInFlight sockets open', async () => {
  const r = new Resolver({ servers: [fake.server], timeout: 2000, tries: 3, deadline: 60_000, resolvConf: false });
  const baseline = udpSockets();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, udpSockets() - baseline)), 5);
  try {
    const results = await Promise.allSettled(Array.from({ length: 10_000 }, () => r.resolve4('example.test')));
    const failures = results.filter((x) => x.status === 'rejected');
    expect(failures.map((f) => (f as PromiseRejectedResult).reason?.code)).toEqual([]);
  } finally {
    clearInterval(sampler);
  }
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThanOrEqual(256);
}, 60_000);

it('a small maxInFlight queues in FIFO order', async () => {
  const r = new Resolver({ servers: [fake.server], maxInFlight: 1, timeout: 2000, resolvConf: false });
  const order: number[] = [];
  const start = fake.queries.length;
  await Promise.all(Array.from({ length: 10 }, (_, i) => r.query(`n${i}.example.test`).then(() => order.push(i))));
  expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(fake.queries.slice(start).map((q) => q.message.questions[0].name)).toEqual(order.map((i) => `n${i}.example.test`));
});
