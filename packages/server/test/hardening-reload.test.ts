import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, formatRdata } from '@port53/wire';
import { afterEach, expect, test } from 'vitest';
import { RunningPort53d } from '../../../test/support/port53d.js';
import { query } from './fixtures/query.js';

type Version = 'A' | 'B' | 'C';

/**
 * One zone file in three versions. A query for www (a CNAME to a host with an address) and one
 * for a missing name (SOA serial in authority) read differently in each, so an answer mixing two
 * versions, or missing part of one, matches none. C is only ever written with a syntax error.
 */
const DATA: Record<Version, { serial: number; host: string; address: string }> = {
  A: { serial: 1, host: 'alpha', address: '192.0.2.1' },
  B: { serial: 2, host: 'bravo', address: '198.51.100.2' },
  C: { serial: 3, host: 'charlie', address: '203.0.113.3' },
};

function zoneText(v: Version, broken = false): string {
  const d = DATA[v];
  return [
    '$ORIGIN reload.test.',
    '$TTL 300',
    `@ IN SOA ns1 hostmaster ${d.serial} 7200 900 1209600 300`,
    '  IN NS ns1',
    'ns1 IN A 192.0.2.53',
    `www IN CNAME ${d.host}`,
    // A broken file fails in its middle, after records that would change the answers.
    ...(broken ? ['oops IN A 192.0.2.256'] : []),
    `${d.host} IN A ${d.address}`,
    '',
  ].join('\n');
}

/** What each version answers, as `rcode|answers|authority serial`. */
function expected(v: Version, name: string): string {
  const d = DATA[v];
  return name === 'www.reload.test'
    ? `0|CNAME ${d.host}.reload.test.,A ${d.address}|`
    : `3||${d.serial}`;
}

function reading(reply: Buffer): string {
  const m = decode(reply);
  const answers = m.answers.map((r) => `${r.type} ${formatRdata(r)}`).join(',');
  const soa = m.authorities.find((r) => r.type === 'SOA');
  return `${m.rcode}|${answers}|${soa?.type === 'SOA' ? soa.data.serial : ''}`;
}

let running: RunningPort53d | undefined;
let dir: string | undefined;
afterEach(async () => {
  running?.kill();
  running = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('50 SIGHUP reloads (A, B, and broken files) under a steady query stream: every query answered, always all of one good version', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-reload-load-'));
  const file = path.join(dir, 'reload.test.zone');
  writeFileSync(file, zoneText('A'));
  // The versions go back and forth (serial 1, 2, 1, ...): without --no-serial-check every
  // return to A would be refused as a serial that did not increase.
  running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0', '--no-tcp', '--no-serial-check']);
  const port = (await running.waitLog((l) => l.event === 'listening')).port as number;

  // When each version may have been served: from the SIGHUP that installed it (the swap comes
  // later) until the next reload was logged (the swap came earlier). A query sent at s and
  // answered at r was answered in between, so its answer must be one of the versions served then.
  const served: { version: Version; from: number; to: number }[] = [{ version: 'A', from: 0, to: Infinity }];
  const sent = new Map<number, { name: string; at: number }>();
  const answered = new Map<number, { reading: string; at: number }>();
  const strays: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg) => {
    const id = msg.readUInt16BE(0);
    if (!sent.has(id) || answered.has(id)) return void strays.push(`unexpected or repeated reply id ${id}`);
    answered.set(id, { reading: reading(msg), at: performance.now() });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

  // A steady stream: one query every 5 ms (200/s), www and a missing name in turn, until the reloads end.
  let id = 0;
  let streaming = true;
  const stream = (async () => {
    const started = performance.now();
    while (streaming) {
      const name = id % 2 === 0 ? 'www.reload.test' : `nx${id}.reload.test`;
      sent.set(id, { name, at: performance.now() });
      socket.send(query(name, 'A', 'IN', { id }), port, '127.0.0.1');
      id++;
      const next = started + id * 5;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
  })();

  // 50 reloads, about 5 a second: B, A, B, A, broken, A, B, ... (every fifth broken, after A or after B).
  let good: Version = 'A';
  const outcomes: boolean[] = [];
  for (let i = 0; i < 50; i++) {
    const broken = i % 5 === 4;
    const next: Version = broken ? good : i % 2 === 0 ? 'B' : 'A';
    writeFileSync(file, broken ? zoneText('C', true) : zoneText(next));
    const window = { version: next, from: performance.now(), to: Infinity };
    served.push(window);
    running.child.kill('SIGHUP');
    const logged = await running.waitLog((l) => l.event === 'reload', 10_000, i);
    served.at(-2)!.to = performance.now();
    outcomes.push(logged.ok as boolean);
    good = next;
    await new Promise((r) => setTimeout(r, 180));
  }
  streaming = false;
  await stream;
  // Every reply should be in within a few milliseconds on loopback; wait for stragglers (bounded).
  for (let i = 0; i < 300 && answered.size < sent.size; i++) await new Promise((r) => setTimeout(r, 10));
  socket.close();

  const wrong: string[] = [...strays];
  for (const [qid, q] of sent) {
    const a = answered.get(qid);
    if (!a) continue;
    const allowed = served.filter((w) => w.from <= a.at && w.to >= q.at).map((w) => w.version);
    if (!allowed.some((v) => expected(v, q.name) === a.reading)) {
      wrong.push(`id ${qid} ${q.name}: got "${a.reading}", expected version ${[...new Set(allowed)].join(' or ')}`);
    }
  }
  const lost = [...sent.keys()].filter((qid) => !answered.has(qid));
  // One comparison, so that a failure shows everything at once.
  expect({ brokenReloads: outcomes.filter((ok) => !ok).length, wrong: wrong.slice(0, 10), lost: lost.slice(0, 10), enough: sent.size > 1000 ? true : sent.size }).toEqual({
    brokenReloads: 10,
    wrong: [],
    lost: [],
    enough: true,
  });
  // Both versions were really served, and the broken file's data never was.
  const readings = new Set([...answered.values()].map((a) => a.reading));
  expect(readings.has(expected('A', 'www.reload.test'))).toBe(true);
  expect(readings.has(expected('B', 'www.reload.test'))).toBe(true);
  expect(readings.has(expected('C', 'www.reload.test'))).toBe(false);
  // The broken reloads were logged with the place of the error.
  const failed = running.logs.filter((l) => l.event === 'zone-load-failed');
  expect(failed).toHaveLength(10);
  expect((failed[0].errors as string[])[0]).toMatch(/reload\.test\.zone:7:\d+: /);
}, 30_000);
