// Secondary mode against a primary that misbehaves on purpose: the served copy never changes for
// a broken transfer, the log says why, the copy on disk serves a restart, and expiry gives SERVFAIL.
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decode, encode, findTsig, nowSeconds, parseTsigKey, signMessage, TsigKeyring, verifyRequest, type ResourceRecord } from '@port53/wire';
import { createServer, type Server } from '../src/index.js';
import { udpExchange } from '../../../test/support/loopback.mjs';

const SECRET = Buffer.from('secondary test secret, 32 octets').toString('base64');
const KEY = `hmac-sha256:xfr.key:${SECRET}`;
const key = parseTsigKey(KEY);
const wrongKey = parseTsigKey(`hmac-sha256:xfr.key:${Buffer.from('not the secret at all, 32 octets').toString('base64')}`);

type Mode = 'good' | 'cut' | 'garbage' | 'badtsig' | 'stale' | 'broken-zone';

function zone(serial: number, expire: number, address: string): ResourceRecord[] {
  return [
    { name: 'sec.test', type: 'SOA', class: 'IN', ttl: 300, data: { mname: 'ns.sec.test', rname: 'h.sec.test', serial, refresh: 1, retry: 1, expire, minimum: 60 } },
    { name: 'sec.test', type: 'NS', class: 'IN', ttl: 300, data: 'ns.sec.test' },
    { name: 'ns.sec.test', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.53' },
    { name: 'www.sec.test', type: 'A', class: 'IN', ttl: 300, data: address },
    { name: 'opaque.sec.test', type: 'TYPE65280', class: 'IN', ttl: 300, data: Uint8Array.of(0xde, 0xad) },
  ];
}

/** A primary for sec.test on one port (UDP for SOA, TCP for transfers) whose behaviour the test sets. */
class FakePrimary {
  mode: Mode = 'good';
  serial = 1;
  expire = 3600;
  address = '192.0.2.1';
  port = 0;
  private udp = dgram.createSocket('udp4');
  private tcp = net.createServer((s) => this.serve(s));
  private sockets = new Set<net.Socket>();

  async listen(): Promise<void> {
    for (;;) {
      await new Promise<void>((ok) => this.udp.bind(0, '127.0.0.1', ok));
      this.port = this.udp.address().port;
      const bound = await new Promise<boolean>((ok) => {
        this.tcp.once('error', () => ok(false));
        this.tcp.listen(this.port, '127.0.0.1', () => ok(true));
      });
      if (bound) break;
      this.udp.close();
      this.udp = dgram.createSocket('udp4');
    }
    this.udp.on('message', (m, from) => {
      const signed = findTsig(m)!;
      const q = decode(signed.unsigned);
      const reply = encode({ id: q.id, flags: { qr: true, aa: true }, questions: q.questions, answers: [zone(this.serial, this.expire, this.address)[0]] });
      this.udp.send(signMessage(reply, key, { now: nowSeconds(), requestMac: signed.tsig.mac }).bytes, from.port, from.address);
    });
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      const signed = findTsig(chunk.subarray(2))!;
      expect(verifyRequest(signed, new TsigKeyring([key]), nowSeconds()).ok).toBe(true);
      const q = decode(signed.unsigned);
      const records = zone(this.mode === 'stale' ? 1 : this.serial, this.expire, this.address);
      if (this.mode === 'broken-zone') records.push({ name: 'www.sec.test', type: 'CNAME', class: 'IN', ttl: 300, data: 'ns.sec.test' });
      const all = [...records, records[0]];
      const send = (bytes: Uint8Array) => {
        const frame = Buffer.alloc(2 + bytes.length);
        frame.writeUInt16BE(bytes.length, 0);
        frame.set(bytes, 2);
        socket.write(frame);
      };
      const message = (answers: ResourceRecord[]) => encode({ id: q.id, flags: { qr: true, aa: true }, questions: q.questions, answers });
      if (this.mode === 'garbage') {
        send(Buffer.from('this is not a DNS message at all'));
        return;
      }
      if (this.mode === 'cut') {
        send(signMessage(message(all.slice(0, 3)), key, { now: nowSeconds(), requestMac: signed.tsig.mac }).bytes);
        setTimeout(() => socket.destroy(), 20);
        return;
      }
      const signer = this.mode === 'badtsig' ? wrongKey : key;
      send(signMessage(message(all), signer, { now: nowSeconds(), requestMac: signed.tsig.mac }).bytes);
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => this.tcp.close(() => ok()));
    this.udp.close();
  }
}

describe('secondary mode', () => {
  let dir: string;
  let primary: FakePrimary;
  let server: Server | undefined;
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }));
  const start = () =>
    createServer({ addresses: ['127.0.0.1'], port: 0, logger, tsigKeys: [KEY], secondaries: [`sec.test=127.0.0.1:${primary.port}@xfr.key`], secondaryDir: dir, tcp: false });

  /** Resolves the first log line after `from` that matches; bounded. */
  async function logLine(from: number, match: (l: Record<string, unknown>) => boolean, ms = 8000): Promise<Record<string, unknown>> {
    const until = Date.now() + ms;
    for (;;) {
      const found = lines.slice(from).find(match);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no such log line in ${ms} ms; have ${JSON.stringify(lines.slice(from))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const www = async () => {
    const m = decode((await udpExchange(server!.port, encode({ id: 1, questions: [{ name: 'www.sec.test', type: 'A', class: 'IN' }] })))!);
    return { rcode: m.rcode, data: m.answers.map((r) => (r.type === 'A' ? r.data : r.type)) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'port53-secondary-'));
    primary = new FakePrimary();
    await primary.listen();
  });
  afterAll(async () => {
    await server?.close();
    await primary.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('first transfer: AXFR, TSIG-checked, served, and written to disk', async () => {
    const mark = lines.length;
    server = await start();
    expect((await www()).rcode).toBe(2); // nothing transferred yet: SERVFAIL, never REFUSED or stale data
    await logLine(mark, (l) => l.event === 'secondary-updated' && l.serial === 1);
    expect(await www()).toEqual({ rcode: 0, data: ['192.0.2.1'] });
    expect(await readFile(path.join(dir, 'sec.test.zone'), 'utf8')).toMatch(/opaque\.sec\.test\.\t300\tIN\tTYPE65280\t\\# 2 DEAD/);
  });

  test.each<[Mode, RegExp]>([
    ['cut', /connection closed after 3 records, before the closing SOA/],
    ['garbage', /undecodable reply|TSIG: the response is not signed/],
    ['badtsig', /TSIG/],
    ['stale', /serial 1, not newer than our 1/],
    ['broken-zone', /fails the zone checks/],
  ])('a %s transfer leaves the served copy as it was; the log says why', async (mode, reason) => {
    primary.mode = mode;
    primary.serial = 2;
    primary.address = '192.0.2.2';
    const mark = lines.length;
    const failed = await logLine(mark, (l) => l.event === 'secondary-refresh-failed');
    expect(failed.reason).toMatch(reason);
    expect(failed.serial).toBe(1);
    expect(await www()).toEqual({ rcode: 0, data: ['192.0.2.1'] });
    expect(await readFile(path.join(dir, 'sec.test.zone'), 'utf8')).toMatch(/www\.sec\.test\.\t300\tIN\tA\t192\.0\.2\.1\n/);
  });

  test('a primary whose serial went backwards is not followed', async () => {
    primary.mode = 'good';
    primary.serial = 0;
    const mark = lines.length;
    await logLine(mark, (l) => l.event === 'secondary-refresh' && l.outcome === 'primary-older');
    expect(await www()).toEqual({ rcode: 0, data: ['192.0.2.1'] });
  });

  test('a restart serves the copy on disk at once, before the primary answers', async () => {
    primary.mode = 'good';
    primary.serial = 3;
    primary.address = '192.0.2.3';
    let mark = lines.length;
    await logLine(mark, (l) => l.event === 'secondary-updated' && l.serial === 3);
    await server!.close();
    primary.mode = 'garbage'; // the primary is no help now
    mark = lines.length;
    server = await start();
    expect(await www()).toEqual({ rcode: 0, data: ['192.0.2.3'] });
    expect(lines.slice(mark).some((l) => l.event === 'secondary-loaded' && l.serial === 3)).toBe(true);
  });

  test('past the SOA expire without a refresh, the zone answers SERVFAIL', async () => {
    primary.mode = 'good';
    primary.serial = 4;
    primary.expire = 2;
    let mark = lines.length;
    await logLine(mark, (l) => l.event === 'secondary-updated' && l.serial === 4);
    mark = lines.length;
    primary.mode = 'cut'; // reachable, but every transfer and refresh fails from now on
    primary.serial = 5;
    await logLine(mark, (l) => l.event === 'secondary-expired', 6000);
    expect((await www()).rcode).toBe(2);
    primary.mode = 'good';
    await logLine(mark, (l) => l.event === 'secondary-updated' && l.serial === 5);
    expect(await www()).toEqual({ rcode: 0, data: ['192.0.2.3'] });
  }, 20_000);
});
