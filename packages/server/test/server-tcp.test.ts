import { fileURLToPath } from 'node:url';
import { decode } from '@port53/wire';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';
import { query, summarize } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('./fixtures/server/', import.meta.url));
const frame = TcpStream.frame;

let server: Server;
const streams: TcpStream[] = [];
async function open(): Promise<TcpStream> {
  const s = await TcpStream.open(server.port);
  streams.push(s);
  return s;
}

beforeAll(async () => {
  server = await createServer({
    zonesDir,
    addresses: ['127.0.0.1'],
    port: 0,
    tcpIdleTimeoutMs: 300,
    maxTcpConnections: 6,
    maxTcpConnectionsPerClient: 3,
  });
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.destroy();
  // Let the server see the closes before the next test counts connections (bounded wait).
  for (let i = 0; i < 50 && server.stats.tcp.active > 0; i++) await new Promise((r) => setTimeout(r, 10));
});
afterAll(() => server.close());

describe('TCP framing (RFC 7766)', () => {
  test('one query, one length-prefixed reply, the connection stays open', async () => {
    const s = await open();
    await s.write(frame(query('www.server.test', 'A')));
    const [reply] = await s.waitFrames(1);
    expect(summarize(reply)).toMatchObject({ rcode: 'NOERROR', flags: 'qr aa', answer: ['www.server.test 300 A 192.0.2.10'] });
    expect(s.closed).toBe(false);
  });

  test('pipelined queries in one write are all answered, in order', async () => {
    const s = await open();
    const names = ['www.server.test', 'nope.server.test', 'server.test', 'www.elsewhere.test', 'big.server.test'];
    await s.write(Buffer.concat(names.map((n, i) => frame(query(n, i === 4 ? 'TXT' : 'A', 'IN', { id: 100 + i })))));
    const replies = (await s.waitFrames(names.length)).map((f) => decode(f));
    expect(replies.map((r) => r.id)).toEqual([100, 101, 102, 103, 104]);
    expect(replies.map((r) => r.rcode)).toEqual([0, 3, 0, 5, 0]);
    // Over TCP the big RRset is never truncated.
    expect(replies[4].flags.tc).toBe(false);
    expect(replies[4].answers).toHaveLength(9);
  });

  test('frames split across writes, even one byte at a time, are reassembled', async () => {
    const s = await open();
    const bytes = Buffer.concat([frame(query('www.server.test', 'A', 'IN', { id: 1 })), frame(query('www.server.test', 'AAAA', 'IN', { id: 2 }))]);
    const cut = 7;
    for (let i = 0; i < cut; i++) await s.write(bytes.subarray(i, i + 1));
    await new Promise((r) => setTimeout(r, 20));
    expect(s.frames).toHaveLength(0);
    await s.write(bytes.subarray(cut, bytes.length - 3));
    await s.write(bytes.subarray(bytes.length - 3));
    const replies = (await s.waitFrames(2)).map((f) => decode(f));
    expect(replies.map((r) => [r.id, r.answers[0]?.type])).toEqual([
      [1, 'A'],
      [2, 'AAAA'],
    ]);
  });

  test('a client that shuts down its side after sending still gets every reply', async () => {
    const s = await open();
    s.socket.end(Buffer.concat([frame(query('www.server.test', 'A', 'IN', { id: 9 })), frame(query('server.test', 'SOA', 'IN', { id: 10 }))]));
    const replies = await s.waitFrames(2);
    expect(replies.map((f) => decode(f).id)).toEqual([9, 10]);
    await s.waitClose();
  });

  test.each([
    ['a zero length prefix', Buffer.from([0, 0])],
    ['a length too short for a header', Buffer.from([0, 5, 1, 2, 3, 4, 5])],
  ])('%s closes the connection', async (_, bytes) => {
    const before = server.stats.tcp.badFrames;
    const s = await open();
    await s.write(Buffer.concat([frame(query('www.server.test', 'A')), bytes]));
    await s.waitClose();
    // The query before the bad frame was still answered.
    expect(s.frames).toHaveLength(1);
    expect(server.stats.tcp.badFrames).toBe(before + 1);
  });

  test('an undecodable framed query gets FORMERR and the connection stays usable', async () => {
    const s = await open();
    await s.write(frame(Uint8Array.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0])));
    await s.write(frame(query('www.server.test', 'A', 'IN', { id: 77 })));
    const [bad, good] = (await s.waitFrames(2)).map((f) => decode(f));
    expect([bad.id, bad.rcode]).toEqual([0x1234, 1]);
    expect([good.id, good.rcode]).toEqual([77, 0]);
  });
});

describe('TCP limits', () => {
  test('an idle connection is closed after the idle timeout', async () => {
    const before = server.stats.tcp.idleClosed;
    const s = await open();
    await s.write(frame(query('www.server.test', 'A')));
    await s.waitFrames(1);
    const waited = await s.waitClose(3000);
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(server.stats.tcp.idleClosed).toBe(before + 1);
  });

  test('connections over the per-client cap are closed at once and counted', async () => {
    const before = server.stats.tcp.refused;
    const kept = [await open(), await open(), await open()];
    const over = await open();
    await over.waitClose();
    expect(server.stats.tcp.refused).toBe(before + 1);
    // The admitted ones still work.
    await kept[2].write(frame(query('www.server.test', 'A')));
    expect(await kept[2].waitFrames(1)).toHaveLength(1);
    expect(server.stats.tcp.active).toBe(3);
  });

  test('a half frame is not answered, and close() ends open connections', async () => {
    const other = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0 });
    const s = await TcpStream.open(other.port);
    streams.push(s);
    await s.write(frame(query('www.server.test', 'A')).subarray(0, 10));
    await new Promise((r) => setTimeout(r, 30));
    expect(other.stats.tcp.active).toBe(1);
    await other.close();
    await s.waitClose();
    expect(s.frames).toHaveLength(0);
  });
});

describe('TCP total cap', () => {
  test('the total cap counts connections from every client', async () => {
    const small = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, maxTcpConnections: 2, maxTcpConnectionsPerClient: 10 });
    try {
      const a = await TcpStream.open(small.port);
      const b = await TcpStream.open(small.port);
      const c = await TcpStream.open(small.port);
      streams.push(a, b, c);
      await c.waitClose();
      expect(small.stats.tcp).toMatchObject({ accepted: 2, refused: 1 });
    } finally {
      await small.close();
    }
  });
});

describe('TCP backpressure', () => {
  // With maxPipelined 4 the server stops reading after 4 unflushed replies and resumes as they flush,
  // many times over for 300 queries; a client that reads nothing for a while must lose nothing.
  test('reading pauses and resumes under load without losing or reordering replies', async () => {
    const small = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, maxPipelined: 4 });
    try {
      const s = await TcpStream.open(small.port);
      streams.push(s);
      s.socket.pause();
      const count = 300;
      const queries = Array.from({ length: count }, (_, i) => frame(query('big.server.test', 'TXT', 'IN', { id: i })));
      await s.write(Buffer.concat(queries));
      await new Promise((r) => setTimeout(r, 50));
      s.socket.resume();
      const replies = await s.waitFrames(count, 5000);
      expect(replies.map((f) => decode(f).id)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(small.stats.queries.tcp).toBe(count);
    } finally {
      await small.close();
    }
  });
});
