import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decode } from '@port53/wire';
import { afterEach, expect, test } from 'vitest';
import { RunningPort53d } from '../../../test/support/port53d.js';
import { query } from './fixtures/query.js';

/**
 * Two sizes: 100,000 records, the largest zone whose reloads the IXFR journal (transfer/journal.ts)
 * keeps a difference for, computed in slices between queries; and at least 200,000 records, as
 * the issue asks (no history kept).
 */
const SIZES = [100_000, 200_002];

/** SOA, NS and hosts with A and AAAA: exactly `records` records; h7's address tells the versions apart. */
async function writeZone(file: string, serial: number, h7: string, records: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`$ORIGIN big.test.\n$TTL 300\n@ SOA ns1.example.net. hostmaster ${serial} 7200 900 1209600 300\n@ NS ns1.example.net.\n`);
  let lines: string[] = [];
  for (let i = 0; i < (records - 2) / 2; i++) {
    lines.push(`h${i} A ${i === 7 ? h7 : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`}`, `h${i} AAAA 2001:db8::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`);
    if (lines.length >= 10_000) {
      await write(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  await write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/**
 * A UDP echo server in a process of its own: the control. Asked at the same moments as port53d,
 * it shows the delays that come from the machine (a busy CPU, the test process itself) rather
 * than from port53d, so only the difference is charged to the reload.
 */
async function startEcho(): Promise<{ child: ChildProcess; port: number }> {
  const code = "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m,r.port,r.address));s.bind(0,'127.0.0.1',()=>console.log(s.address().port))";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { child, port };
}

let running: RunningPort53d | undefined;
let echo: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  running?.kill();
  running = undefined;
  echo?.kill('SIGKILL');
  echo = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Two retries: on a machine shared by many test processes a single run can see a stall that is
// the machine's (the control does not always catch it); a real stall in every reload fails all three.
test.each(SIZES)('a reload of %i records under 500 queries/s: no query lost, none delayed past 100 ms by port53d', { retry: 2, timeout: 90_000 }, async (RECORDS) => {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-reload-large-'));
  const file = path.join(dir, 'big.test.zone');
  await writeZone(file, 1, '192.0.2.1', RECORDS);
  running = RunningPort53d.start(['--zones', dir, '--address', '127.0.0.1', '--port', '0', '--no-tcp']);
  const port = (await running.waitLog((l) => l.event === 'listening', 20_000)).port as number;

  const control = await startEcho();
  echo = control.child;

  const sent = new Map<number, number>();
  const delays = new Map<number, number>();
  const controlDelays = new Map<number, number>();
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const id = msg.readUInt16BE(0);
    const at = sent.get(id);
    const into = from.port === control.port ? controlDelays : delays;
    if (at !== undefined && !into.has(id)) into.set(id, performance.now() - at);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let id = 0;
  let streaming = true;
  // One query every 2 ms, from before the SIGHUP until after the reload is logged (bounded: 60 s).
  const stream = (async () => {
    const started = performance.now();
    while (streaming && id < 30_000) {
      const q = query(`h${(id * 7919) % 99_999}.big.test`, 'A', 'IN', { id });
      sent.set(id, performance.now());
      socket.send(q, port, '127.0.0.1');
      socket.send(q, control.port, '127.0.0.1');
      id++;
      await new Promise((r) => setTimeout(r, Math.max(0, started + id * 2 - performance.now())));
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  await writeZone(file, 2, '192.0.2.2', RECORDS);
  const hupAt = performance.now();
  running.child.kill('SIGHUP');
  const reload = await running.waitLog((l) => l.event === 'reload', 60_000);
  await new Promise((r) => setTimeout(r, 300));
  streaming = false;
  await stream;
  for (let i = 0; i < 100 && (delays.size < sent.size || controlDelays.size < sent.size); i++) await new Promise((r) => setTimeout(r, 10));

  const h7 = await new Promise<string[]>((resolve) => {
    socket.removeAllListeners('message');
    socket.once('message', (msg) => resolve(decode(msg).answers.map((r) => String(r.data))));
    socket.send(query('h7.big.test', 'A', 'IN', { id: 65_000 }), port, '127.0.0.1');
  });
  socket.close();
  const lost = [...sent.keys()].filter((q) => !delays.has(q));
  const slowest = Math.max(...delays.values());
  // What port53d added over the control asked at the same moment (a lost echo charges port53d all).
  const added = [...delays].map(([q, d]) => d - (controlDelays.get(q) ?? 0));
  const slow = [...delays].filter(([q, d]) => d - (controlDelays.get(q) ?? 0) > 100).map(([q, d]) => `${Math.round(d)} ms (control ${Math.round(controlDelays.get(q) ?? NaN)} ms) sent ${Math.round(sent.get(q)! - hupAt)} ms after SIGHUP`);
  expect({ ok: reload.ok, loaded: reload.loaded, h7, lost: lost.length, slow }).toEqual({
    ok: true,
    loaded: 1,
    h7: ['192.0.2.2'],
    lost: 0,
    slow: [],
  });
  // For the record (docs/operations.md quotes it): queries sent, the slowest reply, the reload's ms.
  console.log(`reload of ${RECORDS} records: ${sent.size} queries, slowest reply ${slowest.toFixed(1)} ms (${Math.max(...added).toFixed(1)} ms over the control), reload ${String(reload.ms)} ms`);
});
