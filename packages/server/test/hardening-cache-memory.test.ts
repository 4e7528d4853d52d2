import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { AnswerCache } from '../src/answer/cache.js';
import { respond } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { loadZone } from '../src/zonefile/index.js';
import { RunningPort53d } from '../../../test/support/port53d.js';
import { query } from './fixtures/query.js';

const zonesDir = fileURLToPath(new URL('../../../zones/', import.meta.url));
const MiB = 1024 * 1024;

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** `count` queries for random names, sent in bursts with a pause between (bounded: one socket, no waiting for replies). */
async function flood(port: number, count: number, seed: number, name = (i: number) => `r${seed}-${i}-${(i * 2654435761) >>> 0}.example.test`): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.on('message', () => undefined);
  for (let i = 0; i < count; i++) {
    socket.send(query(name(i), 'A', 'IN', { id: i & 0xffff }), port, '127.0.0.1');
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 300));
  socket.close();
}

let running: RunningPort53d | undefined;
afterEach(() => {
  running?.kill();
  running = undefined;
});

describe("the answer cache's limit counts what it holds", () => {
  test('an entry is counted for its key, reply and tables; the total stays under the limit', async () => {
    const catalog = buildCatalog([await loadZone({ file: `${zonesDir}example.test.zone` })]);
    const cache = new AnswerCache(catalog, { bytes: 256 * 1024 });
    const one = respond(query('nx1.example.test', 'A'), catalog, 'udp').reply!.length;
    const key = 'nx1000.example.test'.length + 2;
    for (let i = 0; i < 5000; i++) cache.respond(query(`nx${i}.example.test`, 'A', 'IN', { id: i }), 'udp');
    expect(cache.bytes).toBeLessThanOrEqual(256 * 1024);
    // Key, reply and a 28-octet header an entry in the arena, which is what the table (at most a
    // quarter of the limit) leaves: no more entries than that lets in ...
    expect(cache.size).toBeLessThanOrEqual(Math.floor((256 * 1024) / (one + key - 1 + 28)));
    // ... and at least one generation (half the arena) full of them.
    expect(cache.size).toBeGreaterThan(Math.floor((96 * 1024) / (one + key + 28 + 4)));
  });

  test('a random-name flood over loopback: port53d\'s RSS stays within 64 MiB of its idle level', async () => {
    running = RunningPort53d.start(['--zones', zonesDir, '--address', '127.0.0.1', '--port', '0', '--no-tcp']);
    const port = (await running.waitLog((l) => l.event === 'listening')).port as number;
    const pid = running.child.pid!;
    // Warm, as a server that has been answering is: code compiled, buffers pooled, the young
    // generation grown to the query rate; one name, so the cache holds a single entry.
    await flood(port, 30_000, 0, () => 'host1.example.test');
    const idle = rssOf(pid);
    // 150,000 names: about 24 MB of entries at ~160 octets each, more than the default 16 MiB holds.
    await flood(port, 150_000, 1);
    const after = rssOf(pid);
    console.log(`RSS idle ${(idle / MiB).toFixed(1)} MiB, after 150,000 random names ${(after / MiB).toFixed(1)} MiB (+${((after - idle) / MiB).toFixed(1)} MiB)`);
    expect(after - idle).toBeLessThanOrEqual(64 * MiB);
  }, 60_000);
});
