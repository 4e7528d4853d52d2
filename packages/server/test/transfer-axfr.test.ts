import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { decode, encode, type ResourceRecord } from '@port53/wire';
import { createServer, type Server } from '../src/index.js';
import { TcpStream } from '../../../test/support/tcp-stream.js';

/** A zone of `hosts` names with an A and a TXT each; the TXT says which version it belongs to. */
function zoneText(serial: number, hosts: number, label: string): string {
  const lines = ['$ORIGIN big.test.', '$TTL 300', `@ SOA ns1 hostmaster ${serial} 3600 600 86400 300`, '@ NS ns1', 'ns1 A 192.0.2.53'];
  for (let i = 0; i < hosts; i++) lines.push(`h${i} A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `h${i} TXT "${label}"`);
  return `${lines.join('\n')}\n`;
}

const axfr = (id: number) => TcpStream.frame(encode({ id, questions: [{ name: 'big.test', type: 'AXFR', class: 'IN' }] }));

/** Reads frames until the one with the closing SOA; the transfer's records and how many frames it took. */
async function readTransfer(stream: TcpStream, timeoutMs = 15_000): Promise<ResourceRecord[] & { frames: number }> {
  const started = Date.now();
  const records: ResourceRecord[] = [];
  for (let n = 1; ; n++) {
    await stream.waitFrames(n, Math.max(1, timeoutMs - (Date.now() - started)));
    records.push(...decode(stream.frames[n - 1]).answers);
    if (records.length > 1 && records.at(-1)!.type === 'SOA') return Object.assign(records, { frames: n });
  }
}

let dir: string;
let server: Server | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-axfr-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('AXFR out (RFC 5936)', () => {
  test('a transfer sees one version from first message to last, though a reload lands while it is sent', async () => {
    const file = path.join(dir, 'big.test.zone');
    const hosts = 30_000; // ~2.5 MB of messages: more than the socket buffers hold while the client does not read
    await writeFile(file, zoneText(1, hosts, 'version one'));
    server = await createServer({ zones: [{ file }], addresses: ['127.0.0.1'], port: 0, allowTransfer: ['127.0.0.1'] });
    const slow = await TcpStream.open(server.port);
    await slow.write(axfr(1));
    await slow.waitFrames(1, 5000);
    slow.socket.pause(); // the server must stop at its write buffer's high-water mark
    await writeFile(file, zoneText(2, hosts + 5, 'version two'));
    const reload = await server.reload();
    expect(reload.loaded.map((z) => z.serial)).toEqual([2]);
    const framesBeforeResume = slow.frames.length;
    slow.socket.resume();
    const records = await readTransfer(slow);
    expect(slow.frames.length).toBeGreaterThan(framesBeforeResume + 10);
    const soas = records.filter((r) => r.type === 'SOA');
    expect(soas.map((r) => (r.type === 'SOA' ? r.data.serial : 0))).toEqual([1, 1]);
    expect(records.length).toBe(2 * hosts + 4);
    const texts = new Set(records.filter((r) => r.type === 'TXT').map((r) => (r.type === 'TXT' ? Buffer.from(r.data[0]).toString() : '')));
    expect([...texts]).toEqual(['version one']);
    // Every message carries the request's ID, QR and AA; only the first one the question (RFC 5936 §2.2.1).
    for (const [i, f] of slow.frames.entries()) {
      const m = decode(f);
      expect(m.id).toBe(1);
      expect(m.flags.aa && m.flags.qr).toBe(true);
      expect(m.questions.length).toBe(i === 0 ? 1 : 0);
    }
    slow.destroy();

    // The next transfer is of the new version.
    const fresh = await TcpStream.open(server.port);
    await fresh.write(axfr(2));
    const next = await readTransfer(fresh);
    expect(next.length).toBe(2 * (hosts + 5) + 4);
    expect(next[0].type === 'SOA' && next[0].data.serial).toBe(2);
    fresh.destroy();
  }, 60_000);

  test('queries pipelined behind a transfer are answered after its last message, in order', async () => {
    const file = path.join(dir, 'big.test.zone');
    await writeFile(file, zoneText(1, 2000, 'v'));
    server = await createServer({ zones: [{ file }], addresses: ['127.0.0.1'], port: 0, allowTransfer: ['127.0.0.0/8'] });
    const s = await TcpStream.open(server.port);
    const soa = TcpStream.frame(encode({ id: 9, questions: [{ name: 'big.test', type: 'SOA', class: 'IN' }] }));
    await s.write(Buffer.concat([axfr(3), soa]));
    const records = await readTransfer(s);
    expect(records.length).toBe(4004);
    const transferFrames = records.frames;
    await s.waitFrames(transferFrames + 1);
    expect(decode(s.frames[transferFrames]).id).toBe(9);
    s.destroy();
  });

  test('nothing is transferred unless --allow-transfer says so (REFUSED, as NSD)', async () => {
    const file = path.join(dir, 'big.test.zone');
    await writeFile(file, zoneText(1, 10, 'v'));
    server = await createServer({ zones: [{ file }], addresses: ['127.0.0.1'], port: 0 });
    const s = await TcpStream.open(server.port);
    await s.write(axfr(4));
    const [reply] = await s.waitFrames(1);
    expect(decode(reply)).toMatchObject({ rcode: 5, answers: [] });
    // With EDNS, the reason rides along as EDE 18 Prohibited (RFC 8914).
    await s.write(TcpStream.frame(encode({ id: 5, questions: [{ name: 'big.test', type: 'AXFR', class: 'IN' }], edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [] } })));
    const [, withEdns] = await s.waitFrames(2);
    const ede = decode(withEdns).edns?.options.find((o) => o.code === 15);
    expect(ede && Buffer.from(ede.data).readUInt16BE(0)).toBe(18);
    s.destroy();
  });
});
