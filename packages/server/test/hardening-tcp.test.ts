import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { decode } from '@port53/wire';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { query } from './fixtures/query.js';
import { udpExchange } from '../../../test/support/loopback.mjs';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));
const IDLE_MS = 800;

/** A TCP client from a chosen loopback address: write, collect framed replies, see the close and when. */
class Client {
  readonly replies: Buffer[] = [];
  closedAt: number | undefined;
  readonly openedAt = performance.now();
  private input = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.input = Buffer.concat([this.input, chunk]);
      while (this.input.length >= 2 && this.input.length >= 2 + this.input.readUInt16BE(0)) {
        this.replies.push(this.input.subarray(2, 2 + this.input.readUInt16BE(0)));
        this.input = this.input.subarray(2 + this.input.readUInt16BE(0));
      }
    });
    socket.on('close', () => (this.closedAt ??= performance.now()));
    socket.on('error', () => undefined);
  }

  static open(port: number, from: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress: from });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Client(socket));
      });
    });
  }

  get closed(): boolean {
    return this.closedAt !== undefined;
  }
}

const clients: Client[] = [];
async function open(port: number, from: string): Promise<Client> {
  const c = await Client.open(port, from);
  clients.push(c);
  return c;
}

function frame(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

/** Polls until `done` (bounded); returns whether it happened. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
  return done();
}

/** One query over a fresh connection from `from`; the decoded reply, or undefined when refused. */
async function ask(port: number, from: string, name = 'host1.example.test') {
  const c = await open(port, from);
  c.socket.write(frame(query(name, 'A')));
  await until(() => c.replies.length > 0 || c.closed, 2000);
  c.socket.destroy();
  return c.replies[0] ? decode(c.replies[0]) : undefined;
}

/** Sends `bytes` one octet every `gapMs` (a slowloris client). */
async function trickle(c: Client, bytes: Uint8Array, gapMs: number): Promise<void> {
  for (const b of bytes) {
    if (c.closed) return;
    c.socket.write(Uint8Array.of(b));
    await new Promise((r) => setTimeout(r, gapMs));
  }
}

let server: Server;
beforeAll(async () => {
  server = await createServer({
    zonesDir,
    addresses: ['127.0.0.1'],
    port: 0,
    tcpIdleTimeoutMs: IDLE_MS,
    maxTcpConnections: 12,
    maxTcpConnectionsPerClient: 4,
    // Each loopback address its own client here (hardening-tcp-fairness.test.ts covers /24s).
    tcpClientPrefixV4: 32,
  });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await until(() => server.stats.tcp.active === 0, 2000);
});
afterAll(() => server.close());

describe('slow and idle TCP clients cannot lock others out', () => {
  test('one address holding its cap with slow and idle connections: others are served; idle ones close after the timeout, slow ones get their answer', async () => {
    const refusedBefore = server.stats.tcp.refused;
    const idle = [await open(server.port, '127.0.0.1'), await open(server.port, '127.0.0.1')];
    const slow = [await open(server.port, '127.0.0.1'), await open(server.port, '127.0.0.1')];
    const slowQuery = frame(query('example.test', 'SOA', 'IN', { id: 77 }));
    const trickling = slow.map((c) => trickle(c, slowQuery, 100));

    // The fifth connection from that address is over the per-client cap: closed at once, counted.
    const fifth = await open(server.port, '127.0.0.1');
    expect(await until(() => fifth.closed, 1000)).toBe(true);
    expect(server.stats.tcp.refused).toBe(refusedBefore + 1);

    // Meanwhile clients at other addresses are answered, over TCP and UDP.
    for (const from of ['127.0.0.2', '127.0.0.3']) {
      const reply = await ask(server.port, from);
      expect(reply?.answers.map((a) => a.data).sort()).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12']);
    }
    expect(decode((await udpExchange(server.port, query('host1.example.test', 'A')))!).answers).toHaveLength(3);

    // The idle connections are closed after the idle timeout, not before; the slow ones are still open.
    expect(await until(() => idle.every((c) => c.closed), IDLE_MS + 1500)).toBe(true);
    for (const c of idle) expect(c.closedAt! - c.openedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(slow.some((c) => c.closed)).toBe(false);

    // The freed slots take new connections from that address again.
    expect(await ask(server.port, '127.0.0.1')).toBeDefined();

    // A slow client is still a client: once its last octet arrives it gets its answer.
    await Promise.all(trickling);
    expect(await until(() => slow.every((c) => c.replies.length === 1), 2000)).toBe(true);
    for (const c of slow) expect(decode(c.replies[0])).toMatchObject({ id: 77, rcode: 0, answers: [expect.objectContaining({ type: 'SOA' })] });
    // Answered and then silent: idle again, and closed in turn.
    expect(await until(() => slow.every((c) => c.closed), IDLE_MS + 1500)).toBe(true);
  }, 15_000);

  test('when idle connections from many addresses fill the total cap, new ones are refused until the idle timeout frees them', async () => {
    const idle: Client[] = [];
    for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) for (let i = 0; i < 4; i++) idle.push(await open(server.port, from));
    expect(await until(() => server.stats.tcp.active === 12, 1000)).toBe(true);
    const refusedBefore = server.stats.tcp.refused;
    expect(await ask(server.port, '127.0.0.7')).toBeUndefined();
    expect(server.stats.tcp.refused).toBe(refusedBefore + 1);
    // UDP does not share the TCP caps.
    expect(await udpExchange(server.port, query('host1.example.test', 'A'))).not.toBeNull();

    const idleClosedBefore = server.stats.tcp.idleClosed;
    expect(await until(() => idle.every((c) => c.closed), IDLE_MS + 1500)).toBe(true);
    expect(server.stats.tcp.idleClosed).toBe(idleClosedBefore + 12);
    expect((await ask(server.port, '127.0.0.7'))?.rcode).toBe(0);
  }, 10_000);
});

describe('a message that trickles in is cut off', () => {
  test('a client sending one octet every 100 ms is closed after the message timeout, counted, while others are served', async () => {
    const strict = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, tcpMessageTimeoutMs: 400 });
    try {
      const slow = await Client.open(strict.port, '127.0.0.1');
      const started = performance.now();
      const trickling = trickle(slow, frame(query('example.test', 'SOA')), 100);
      // A well-behaved client on the same server meanwhile gets its answer.
      const fast = await Client.open(strict.port, '127.0.0.2');
      fast.socket.write(frame(query('host1.example.test', 'A')));
      expect(await until(() => fast.replies.length === 1, 2000)).toBe(true);
      fast.socket.destroy();

      expect(await until(() => slow.closed, 2000)).toBe(true);
      await trickling;
      const lived = slow.closedAt! - started;
      expect(lived).toBeGreaterThanOrEqual(350);
      expect(lived).toBeLessThan(1500); // the whole frame would take over 3 s at this pace
      expect(slow.replies).toHaveLength(0);
      expect(strict.stats.tcp.slowClosed).toBe(1);
    } finally {
      await strict.close();
    }
  }, 10_000);
});
