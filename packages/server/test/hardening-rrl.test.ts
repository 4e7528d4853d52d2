import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { decode, truncatedReply } from '@port53/wire';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { clientPrefix, RateLimiter, responseCategory } from '../src/rrl.js';
import { respond } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { loadZone } from '../src/zonefile/index.js';
import { query } from './fixtures/query.js';
import { RunningPort53d, runPort53d } from '../../../test/support/port53d.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));

describe('client prefixes (/24 for IPv4, /56 for IPv6)', () => {
  test.each([
    ['192.0.2.1', '192.0.2.0/24'],
    ['192.0.2.255', '192.0.2.0/24'],
    ['::ffff:192.0.2.7', '192.0.2.0/24'],
    ['2001:db8:1:2345::1', '2001:db8:1:2300::/56'],
    ['2001:db8:1:23ff:ffff::9', '2001:db8:1:2300::/56'],
    ['::1', '::/56'],
    ['fe80::1%eth0', 'fe80::/56'],
    ['2001:db8:0:1ff:0:0:0:1', '2001:db8:0:100::/56'],
    ['not-an-address', 'not-an-address'],
  ])('%s is in %s', (address, prefix) => {
    expect(clientPrefix(address)).toBe(prefix);
  });
});

describe('the token bucket', () => {
  const limiter = (rate: number, slip: number, window = 1, maxEntries = 1000) => new RateLimiter({ rate, slip, window, maxEntries });
  const run = (l: RateLimiter, n: number, at = 0, address = '192.0.2.1', category = 'c') =>
    Array.from({ length: n }, () => l.check(address, category, at));

  test.each([
    // rate 4: four replies go out, then slip decides the rest.
    [2, ['send', 'send', 'send', 'send', 'drop', 'slip', 'drop', 'slip']],
    [1, ['send', 'send', 'send', 'send', 'slip', 'slip', 'slip', 'slip']],
    [0, ['send', 'send', 'send', 'send', 'drop', 'drop', 'drop', 'drop']],
    [3, ['send', 'send', 'send', 'send', 'drop', 'drop', 'slip', 'drop']],
  ])('slip %i', (slip, verdicts) => {
    const l = limiter(4, slip);
    expect(run(l, 8)).toEqual(verdicts);
    expect(l.counters.limited).toBe(4);
    expect(l.counters.slipped + l.counters.dropped).toBe(4);
  });

  test('tokens come back at the rate, up to rate × window', () => {
    const l = limiter(10, 0, 2);
    expect(run(l, 20).filter((v) => v === 'send')).toHaveLength(20); // the window's burst
    expect(run(l, 5, 0)).toEqual(Array(5).fill('drop'));
    expect(run(l, 3, 250).filter((v) => v === 'send')).toHaveLength(2); // 250 ms at 10/s
    expect(run(l, 40, 10_000).filter((v) => v === 'send')).toHaveLength(20); // full again, not more
  });

  test('other prefixes and other categories have their own buckets; one /24 shares one', () => {
    const l = limiter(2, 0);
    expect(run(l, 3, 0, '192.0.2.1')).toEqual(['send', 'send', 'drop']);
    expect(run(l, 1, 0, '192.0.2.200')).toEqual(['drop']);
    expect(run(l, 1, 0, '192.0.3.1')).toEqual(['send']);
    expect(run(l, 1, 0, '192.0.2.1', 'other')).toEqual(['send']);
  });

  test('the table never grows past its size, whatever the number of clients', () => {
    const l = limiter(5, 2, 1, 64);
    for (let i = 0; i < 10_000; i++) l.check(`10.${(i >> 8) & 255}.${i & 255}.1`, 'c', i / 10);
    expect(l.size).toBeLessThanOrEqual(64);
  });
});

describe('response categories', () => {
  let catalog: ReturnType<typeof buildCatalog>;
  beforeAll(async () => {
    catalog = buildCatalog([await loadZone({ file: `${zonesDir}example.test.zone` })]);
  });
  const category = (name: string, type: string) => responseCategory(respond(query(name, type), catalog, 'udp'));

  test.each([
    ['host1.example.test', 'A', 'answer host1.example.test A'],
    ['HOST1.example.test', 'A', 'answer host1.example.test A'],
    ['host1.example.test', 'MX', 'nodata example.test'],
    // An answer through a CNAME chain: by the name and type asked.
    ['www.example.test', 'A', 'answer www.example.test A'],
    // NXDOMAIN and NODATA: by zone and kind, whatever the name and type (BIND's keys).
    ['random1.example.test', 'A', 'nxdomain example.test'],
    ['random2.example.test', 'TXT', 'nxdomain example.test'],
    ['host1.example.test', 'TXT', 'nodata example.test'],
    ['host1.example.test', 'TYPE65280', 'nodata example.test'],
    ['web.example.test', 'TYPE4000', 'nodata example.test'],
    // Synthesized from a wildcard, data or NODATA: by the wildcard's owner, never by qtype.
    ['abc.wild.example.test', 'A', 'wildcard *.wild.example.test'],
    ['xyz.wild.example.test', 'TXT', 'wildcard *.wild.example.test'],
    ['xyz.wild.example.test', 'TYPE65280', 'wildcard *.wild.example.test'],
    // Below a delegation: by the cut.
    ['www.sub.example.test', 'A', 'referral sub.example.test'],
    ['www.sub.example.test', 'TYPE999', 'referral sub.example.test'],
    ['example.invalid', 'A', 'error'],
  ])('%s %s → %s', (name, type, expected) => {
    expect(category(name, type)).toBe(expected);
  });

  test('a FORMERR reply is an error too', () => {
    const bad = Uint8Array.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0]);
    expect(responseCategory(respond(bad, catalog, 'udp'))).toBe('error');
  });
});

describe('the slipped reply', () => {
  let catalog: ReturnType<typeof buildCatalog>;
  beforeAll(async () => {
    catalog = buildCatalog([await loadZone({ file: `${zonesDir}example.test.zone` })]);
  });

  test.each([
    ['with EDNS', { edns: {} }, true],
    ['without EDNS', {}, false],
  ])('%s: header and question with TC=1, nothing else', (_, init, edns) => {
    const reply = respond(query('host1.example.test', 'A', 'IN', { id: 4321, ...init }), catalog, 'udp').reply!;
    const cut = decode(truncatedReply(reply)!);
    expect(cut).toMatchObject({ id: 4321, rcode: 0, answers: [], authorities: [], additionals: [] });
    expect(cut.flags).toMatchObject({ qr: true, tc: true });
    expect(cut.questions).toEqual([{ name: 'host1.example.test', type: 'A', class: 'IN' }]);
    expect(cut.edns !== undefined).toBe(edns);
  });

  test('a FORMERR without a question is cut to its header', () => {
    const reply = respond(Uint8Array.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0]), catalog, 'udp').reply!;
    const cut = truncatedReply(reply)!;
    expect(cut).toHaveLength(12);
    expect(decode(cut)).toMatchObject({ id: 0x1234, rcode: 1, flags: expect.objectContaining({ tc: true }) });
  });
});

/** A UDP client bound to one loopback address, sending `count` queries spread over `ms` and counting replies. */
async function flood(port: number, from: string, count: number, ms: number, ask: (i: number) => [string, string] = () => ['host1.example.test', 'A']): Promise<{ full: number; truncated: number }> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, from, () => resolve());
  });
  const seen = { full: 0, truncated: 0 };
  socket.on('message', (msg) => {
    if (msg[2] & 0x02) seen.truncated++;
    else seen.full++;
  });
  const batches = 20;
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < count / batches; i++) {
      const n = b * (count / batches) + i;
      const [name, type] = ask(n);
      socket.send(query(name, type, 'IN', { id: n & 0xffff }), port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, ms / batches));
  }
  await new Promise((r) => setTimeout(r, 200)); // the last replies
  socket.close();
  return seen;
}

describe('RRL on a running server', () => {
  let server: Server;
  const rate = 100;
  beforeAll(async () => {
    server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, rrlRate: rate, rrlSlip: 2 });
  });
  afterAll(() => server.close());

  test('a flood from one address is capped near the rate with some TC replies; a client in another /24 is served in full', async () => {
    const started = performance.now();
    // 127.1.0.2 is loopback too, but in another /24 than 127.0.0.1.
    const [flooder, other] = await Promise.all([flood(server.port, '127.0.0.1', 2000, 1000), flood(server.port, '127.1.0.2', 80, 1000)]);
    const seconds = (performance.now() - started) / 1000;
    // Full replies: the burst (rate × window) plus the rate over the run, not the 2000 asked for.
    expect(flooder.full).toBeGreaterThanOrEqual(rate);
    expect(flooder.full).toBeLessThanOrEqual(rate * (1 + seconds) + 5);
    // Half of the limited replies slip out truncated (slip 2); the rest are dropped.
    expect(flooder.truncated).toBeGreaterThan(500);
    expect(server.stats.rrl.slipped).toBe(flooder.truncated);
    expect(server.stats.rrl.limited).toBe(server.stats.rrl.slipped + server.stats.rrl.dropped);
    expect(Math.abs(server.stats.rrl.slipped - server.stats.rrl.dropped)).toBeLessThanOrEqual(1);
    expect(other).toEqual({ full: 80, truncated: 0 });
  });

  test("a neighbour in the same /24 shares the flooder's bucket; over TCP nobody is limited", async () => {
    await new Promise((r) => setTimeout(r, 1100)); // the buckets refill
    const started = performance.now();
    const [flooder, neighbour] = await Promise.all([flood(server.port, '127.0.0.1', 1000, 500), flood(server.port, '127.0.0.2', 200, 500)]);
    // One bucket for both: its burst plus the rate over the flood as it really lasted (a busy machine stretches it past 0.5 s).
    const seconds = (performance.now() - started) / 1000;
    expect(flooder.full + neighbour.full).toBeLessThanOrEqual(rate * (1 + seconds) + 5);
    expect(neighbour.truncated).toBeGreaterThan(0);

    const s = await TcpStream.open(server.port);
    try {
      const n = 300;
      await s.write(Buffer.concat(Array.from({ length: n }, (_, i) => TcpStream.frame(query('host1.example.test', 'A', 'IN', { id: i })))));
      const replies = await s.waitFrames(n);
      expect(replies.filter((f) => (f[2] & 0x02) === 0 && decode(f).answers.length === 3)).toHaveLength(n);
    } finally {
      s.destroy();
    }
  });
});

describe('random qtypes cannot escape the rate', () => {
  let server: Server;
  const rate = 100;
  beforeAll(async () => {
    server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, rrlRate: rate, rrlSlip: 2 });
  });
  afterAll(() => server.close());

  // The bypass: NODATA keyed by name and type let 2,679 full replies/s through at rate 200.
  test.each([
    ['NODATA at an existing name', (i: number): [string, string] => ['host1.example.test', `TYPE${1000 + i}`]],
    ['data and NODATA from a wildcard, random names too', (i: number): [string, string] => [`r${i}.wild.example.test`, i % 3 === 0 ? 'A' : `TYPE${1000 + i}`]],
  ])('%s: 1000 queries in a second, full replies held to the rate', async (_, ask) => {
    // Each case from its own /24 (all of 127/8 is loopback), so the buckets start full.
    const from = ask === undefined ? '' : `127.3.${Math.floor(Math.random() * 200) + 1}.1`;
    const started = performance.now();
    const seen = await flood(server.port, from, 1000, 1000, ask);
    const seconds = (performance.now() - started) / 1000;
    expect(seen.full).toBeGreaterThanOrEqual(rate / 2);
    expect(seen.full).toBeLessThanOrEqual(rate * (1 + seconds) + 5);
    expect(seen.truncated).toBeGreaterThan(300);
  });
});

describe('RRL is off by default', () => {
  test('1000 queries in a second from one address get 1000 full replies', async () => {
    const server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
    try {
      const seen = await flood(server.port, '127.0.0.1', 1000, 1000);
      // UDP may lose a datagram on a busy machine; none is limited.
      expect(seen.truncated).toBe(0);
      expect(seen.full).toBeGreaterThan(950);
      expect(server.stats.rrl).toEqual({ limited: 0, slipped: 0, dropped: 0 });
    } finally {
      await server.close();
    }
  });

  test.each([
    [{ rrlRate: -1 }, /rrlRate/],
    [{ rrlRate: 1.5 }, /rrlRate/],
    [{ rrlSlip: 11 }, /rrlSlip/],
    [{ rrlWindow: 0 }, /rrlWindow/],
  ])('bad option %o is refused', async (options, message) => {
    await expect(createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, ...options })).rejects.toThrow(message);
  });
});

describe('port53d --rrl-rate and --rrl-slip', () => {
  test.each([
    [['--rrl-rate', 'fast'], '--rrl-rate must be a whole number from 0 to 1000000, not "fast"'],
    [['--rrl-rate', '-5'], '--rrl-rate'],
    [['--rrl-slip', '11'], '--rrl-slip must be a whole number from 0 to 10, not "11"'],
  ])('%j: one line, exit 1', async (args, message) => {
    const r = await runPort53d(['--zones', zonesDir, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  test('--rrl-rate 20 --rrl-slip 1: a flood gets about 20 full replies and the rest truncated', async () => {
    const running = RunningPort53d.start(['--zones', zonesDir, '--address', '127.0.0.1', '--port', '0', '--no-tcp', '--rrl-rate', '20', '--rrl-slip', '1']);
    try {
      const port = (await running.waitLog((l) => l.event === 'listening')).port as number;
      const seen = await flood(port, '127.0.0.1', 400, 400);
      expect(seen.full).toBeGreaterThanOrEqual(20);
      expect(seen.full).toBeLessThanOrEqual(40);
      expect(seen.full + seen.truncated).toBeGreaterThan(390); // slip 1: every limited reply goes out truncated
    } finally {
      running.kill();
    }
  });
});
