import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { BindError, createServer } from '../src/index.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { query, summarize } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('./fixtures/server/', import.meta.url));

/** Socket handles open in this process, by kind. */
function socketHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (/UDP|TCP/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Handles disappear a tick or two after their close callback: poll (bounded) until the counts match. */
async function expectHandles(expected: Record<string, number>): Promise<void> {
  for (let i = 0; i < 50 && JSON.stringify(sorted(socketHandles())) !== JSON.stringify(sorted(expected)); i++) await new Promise((r) => setTimeout(r, 10));
  expect(socketHandles()).toEqual(expected);
}
async function settledHandles(): Promise<Record<string, number>> {
  let last = JSON.stringify(sorted(socketHandles()));
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 10));
    const now = JSON.stringify(sorted(socketHandles()));
    if (now === last) break;
    last = now;
  }
  return socketHandles();
}
function sorted(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
}

function bindUdp(port = 0): Promise<UdpSocket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}
function listenTcp(port: number): Promise<TcpServer> {
  return new Promise((resolve, reject) => {
    const s = createTcpServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('close()', () => {
  test('closes every socket and open connection, and frees the port', async () => {
    const before = await settledHandles();
    const server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
    const port = server.port;
    const conn = await TcpStream.open(port);
    await conn.write(TcpStream.frame(query('www.server.test', 'A')));
    await conn.waitFrames(1);
    await Promise.all([server.close(), server.close()]); // idempotent
    await conn.waitClose();
    await expectHandles(before);
    // Both transports can be bound again on the same port at once.
    const again = await createServer({ zonesDir, addresses: ['127.0.0.1'], port });
    expect(again.port).toBe(port);
    await again.close();
    await expect(server.reload()).rejects.toThrow(/closed/);
  });
});

describe('bind errors', () => {
  test('a UDP port in use: BindError EADDRINUSE with a one-line fix, and nothing left bound', async () => {
    const taken = await bindUdp();
    const port = taken.address().port;
    const before = await settledHandles();
    try {
      const err = await createServer({ zonesDir, addresses: ['127.0.0.1'], port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BindError);
      expect(err).toMatchObject({ code: 'EADDRINUSE', transport: 'udp', port, address: '127.0.0.1' });
      expect((err as Error).message).toBe(`127.0.0.1:${port} is in use (EADDRINUSE, udp): stop the other server or pick another --port`);
      await expectHandles(before);
    } finally {
      taken.close();
    }
  });

  test('a TCP port in use fails too, after closing the UDP socket it had bound', async () => {
    // A port whose UDP side is free and whose TCP side this test holds (retried: another process
    // may take the TCP port between the probe and the listen).
    let port = 0;
    let taken: TcpServer | undefined;
    for (let attempt = 0; attempt < 20 && !taken; attempt++) {
      const udp = await bindUdp();
      port = udp.address().port;
      await new Promise<void>((r) => udp.close(() => r()));
      taken = await listenTcp(port).catch(() => undefined);
    }
    if (!taken) throw new Error('no port with a free UDP side found in 20 tries');
    const before = await settledHandles();
    try {
      await expect(createServer({ zonesDir, addresses: ['127.0.0.1'], port })).rejects.toMatchObject({ code: 'EADDRINUSE', transport: 'tcp' });
      await expectHandles(before);
    } finally {
      taken.close();
    }
  });

  test.each([
    ['EACCES', '127.0.0.1', 53, 'cannot bind 127.0.0.1:53 (EACCES): ports below 1024 need root or CAP_NET_BIND_SERVICE; try --port 5353'],
    ['EADDRINUSE', '::1', 5353, '[::1]:5353 is in use (EADDRINUSE, tcp): stop the other server or pick another --port'],
    ['EADDRNOTAVAIL', '::1', 5353, 'cannot bind [::1]:5353 (EADDRNOTAVAIL): no interface has this address; pick another --address'],
  ] as const)('%s on %s:%d reads as one line naming the fix', (code, address, port, message) => {
    expect(new BindError(code, address, port, 'tcp').message).toBe(message);
  });

  test('bad options are refused before anything is bound', async () => {
    await expect(createServer({ zonesDir, port: 70000 })).rejects.toThrow(RangeError);
    await expect(createServer({ zonesDir, addresses: ['localhost'] })).rejects.toThrow(/not an IPv4 or IPv6 address/);
    await expect(createServer({ zonesDir, port: 0, tcpIdleTimeoutMs: -1 })).rejects.toThrow(/idleTimeoutMs must be a positive integer/);
  });
});

describe('logging', () => {
  test('zone loaded, listening, query log, reload summary: JSON events with their fields', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, logger, queryLog: true, tcp: false });
    try {
      expect(summarize((await udpExchange(server.port, query('www.server.test', 'A')))!).rcode).toBe('NOERROR');
      await server.reload();
    } finally {
      await server.close();
    }
    const events = (name: string) => lines.filter((l) => l.event === name);
    expect(events('zone-loaded')[0]).toMatchObject({ zone: 'server.test', serial: 2026112701, records: 14, ms: expect.any(Number) });
    expect(events('listening')).toEqual([expect.objectContaining({ address: '127.0.0.1', port: server.port, transport: 'udp', level: 30 })]);
    expect(events('query')).toEqual([
      expect.objectContaining({ client: expect.stringMatching(/^127\.0\.0\.1:\d+$/), qname: 'www.server.test', qtype: 'A', rcode: 'NOERROR', transport: 'udp', size: expect.any(Number) }),
    ]);
    // The file did not change: it is not parsed again.
    expect(events('reload')).toEqual([expect.objectContaining({ ok: true, zones: 1, loaded: 0, unchanged: 1, failed: 0, removed: 0 })]);
    expect(events('stopped')).toHaveLength(1);
  });
});
