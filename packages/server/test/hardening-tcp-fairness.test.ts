import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { ConnectionTable, tcpCounters, type TcpLimits } from '../src/transport/tcp.js';
import { query } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));
const frame = (q: Uint8Array) => Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]);

/** A connection from `from` that asks once at once and then every `everyMs` (the slow holder). */
function holder(port: number, from: string, everyMs: number): { socket: net.Socket; closed: Promise<void>; stop(): void } {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  const ask = () => socket.writable && socket.write(frame(query('host1.example.test', 'A')));
  socket.on('connect', ask);
  const timer = setInterval(ask, everyMs);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, closed, stop: () => (clearInterval(timer), socket.destroy()) };
}

/** One query over a new connection from `from`: true when a reply came within `ms`. */
function tryOnce(port: number, from: string, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('connect', () => socket.write(frame(query('host1.example.test', 'A'))));
    socket.on('data', (d: Buffer) => d.length > 2 && done(true));
  });
}

let server: Server | undefined;
let holders: ReturnType<typeof holder>[] = [];
afterEach(async () => {
  for (const h of holders) h.stop();
  holders = [];
  await server?.close();
  server = undefined;
});

/** The lock-out: clients hold connections open with a query every 8 s; 25 tries from elsewhere, 200 ms apart. */
async function lockOut(addresses: string[], perAddress: number, victim: string): Promise<string> {
  server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
  for (const from of addresses) for (let i = 0; i < perAddress; i++) holders.push(holder(server.port, from, 8000));
  // Every holder connected (or was refused) and asked once; then half a second more.
  for (let i = 0; i < 200 && server.stats.tcp.accepted + server.stats.tcp.refused < addresses.length * perAddress; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 500));
  const tries: boolean[] = [];
  for (let i = 0; i < 25; i++) {
    tries.push(await tryOnce(server.port, victim));
    await new Promise((r) => setTimeout(r, 200));
  }
  // '+' answered, '-' not, in order.
  return tries.map((t) => (t ? '+' : '-')).join('');
}

describe('TCP lock-out (issue 12) fails', () => {
  test('10 loopback addresses of one /24 x 10 connections hold 10 slots in all; a client elsewhere is answered 25 of 25', async () => {
    const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${11 + i}`);
    expect(await lockOut(addresses, 10, '127.0.1.5')).toBe('+'.repeat(25));
    // The caps count the /24: 90 of the 100 were refused.
    expect(server!.stats.tcp.refused).toBeGreaterThanOrEqual(90);
  });

  test('10 /24s x 10 connections fill the table; their idle connections give way (200 ms when full) and a new client is answered 25 of 25', async () => {
    const addresses = Array.from({ length: 10 }, (_, i) => `127.1.${i}.1`);
    expect(await lockOut(addresses, 10, '127.2.0.1')).toBe('+'.repeat(25));
    expect(server!.stats.tcp.idleClosed).toBeGreaterThanOrEqual(50);
  });
});

describe('the connection table', () => {
  const limits = (over: Partial<TcpLimits> = {}): TcpLimits => ({
    idleTimeoutMs: 10_000,
    messageTimeoutMs: 5000,
    maxConnections: 100,
    maxConnectionsPerClient: 10,
    clientPrefixV4: 24,
    clientPrefixV6: 56,
    maxPipelined: 100,
    maxBufferedBytes: 1 << 17,
    writeHighWaterBytes: 1 << 16,
    ...over,
  });

  test.each([
    ['192.0.2.7', 24, 56, '192.0.2.0/24'],
    ['::ffff:192.0.2.7', 24, 56, '192.0.2.0/24'],
    ['192.0.2.7', 32, 56, '192.0.2.7/32'],
    ['2001:db8:1:2ff:aaaa::1', 24, 56, '2001:db8:1:200::/56'],
    ['2001:db8:1:2ff:aaaa::1%eth0', 24, 64, '2001:db8:1:2ff::/64'],
    ['2001:db8:1:2ff:aaaa::1', 24, 48, '2001:db8:1::/48'],
  ])('%s counts as /%d, /%d: %s', (address, v4, v6, network) => {
    expect(new ConnectionTable(limits({ clientPrefixV4: v4, clientPrefixV6: v6 }), tcpCounters()).clientOf(address)).toBe(network);
  });

  test('the idle timeout: the configured one up to half full, then shrinking to 200 ms when full', () => {
    const table = new ConnectionTable(limits(), tcpCounters());
    const seen: number[] = [];
    for (let i = 1; i <= 100; i++) {
      const socket = new net.Socket();
      expect(table.admit(socket, `10.0.${i}.0/24`)).toBe(true);
      if (i === 50 || i === 75 || i === 90 || i === 100) seen.push(table.idleTimeoutMs());
    }
    expect(seen).toEqual([10_000, 5000, 2000, 200]);
    expect(table.admit(new net.Socket(), '10.9.9.0/24')).toBe(false);
  });
});
