// port53d --workers: several answering threads, each with its own SO_REUSEPORT UDP socket, over
// real sockets on 127.0.0.1 — answers over UDP (spread over the threads by the kernel) and TCP,
// a SIGHUP reload seen from every thread, counters summed over the threads, bad values refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createServer, type Server } from '../src/index.js';
import { dig } from '../../../test/support/dig.js';
import { spawn } from 'node:child_process';
import { PORT53D, runPort53d, RunningPort53d } from '../../../test/support/port53d.js';
import { udpExchange } from '../../../test/support/loopback.mjs';
import { describeWithTools } from '../../../test/support/tools.js';
import { query, summarize } from './fixtures/query.js';

function zoneText(serial: number, address: string): string {
  return `$ORIGIN workers.test.\n$TTL 300\n@ SOA ns1 hostmaster ${serial} 7200 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A ${address}\n`;
}

/** Polls `read` until it returns true (bounded: the workers post their counters every 100 ms). */
async function eventually(read: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await read())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

let running: RunningPort53d | undefined;
let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  running?.kill();
  running = undefined;
  await server?.close();
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function zoneDir(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'port53-workers-'));
  await writeFile(path.join(dir, 'workers.test.zone'), zoneText(1, '192.0.2.1'));
  return dir;
}

describeWithTools('port53d --workers 2', ['dig'], (tools) => {
  test('dig over UDP and TCP answered, SIGHUP reload seen from every thread, metrics count every query, SIGTERM stops all (exit 0)', async () => {
    const zones = await zoneDir();
    running = RunningPort53d.start(['--zones', zones, '--address', '127.0.0.1', '--port', '0', '--workers', '2', '--metrics', '127.0.0.1:0']);
    const port = (await running.waitLog((l) => l.event === 'listening' && l.transport === 'udp')).port as number;
    expect(await running.waitLog((l) => l.event === 'workers')).toMatchObject({ workers: 2 });
    const metricsPort = (await running.waitLog((l) => l.event === 'metrics')).port as number;
    // dig picks a new source port each time: the kernel's SO_REUSEPORT hash spreads them over both sockets.
    const askAll = async (n: number) => (await Promise.all(Array.from({ length: n }, () => dig(tools.dig, port, ['www.workers.test', 'A', '+norec'])))).map((r) => `${r.status} ${r.answer.join()}`);
    expect(new Set(await askAll(16))).toEqual(new Set(['NOERROR www.workers.test. 300 IN A 192.0.2.1']));
    const tcp = await dig(tools.dig, port, ['+tcp', 'www.workers.test', 'A', '+norec']);
    expect(tcp.transport).toBe('TCP');
    expect(tcp.answer).toEqual(['www.workers.test. 300 IN A 192.0.2.1']);

    const counted = async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const rows = [...text.matchAll(/^port53_queries_total\{transport="(\w+)",qtype="A",rcode="NOERROR"\} (\d+)$/gm)];
      return Object.fromEntries(rows.map((m) => [m[1], Number(m[2])]));
    };
    await eventually(async () => (await counted()).udp === 16);
    expect(await counted()).toEqual({ udp: 16, tcp: 1 });

    await writeFile(path.join(zones, 'workers.test.zone'), zoneText(2, '192.0.2.2'));
    running.child.kill('SIGHUP');
    await running.waitLog((l) => l.event === 'workers-reloaded');
    expect(new Set(await askAll(16))).toEqual(new Set(['NOERROR www.workers.test. 300 IN A 192.0.2.2']));

    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.logs.at(-1)).toMatchObject({ event: 'stopped' });
  });
});

test.each(['0', 'x'])('--workers %s: one line, exit status 1', async (value) => {
  const r = await runPort53d(['--workers', value, '--port', '0', '--address', '127.0.0.1']);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`port53d: --workers must be a whole number from 1 to 256 or auto, not "${value}" (see port53d --help)\n`);
});

test('createServer({ workers: 2 }): every UDP query counted once, by the thread whose socket took it; both threads answer', async () => {
  server = await createServer({ zonesDir: await zoneDir(), addresses: ['127.0.0.1'], port: 0, workers: 2 });
  const replies = await Promise.all(Array.from({ length: 32 }, () => udpExchange(server!.port, query('www.workers.test', 'A'), { timeoutMs: 5000 })));
  expect(new Set(replies.map((r) => r && summarize(r).answer.join()))).toEqual(new Set(['www.workers.test 300 A 192.0.2.1']));
  // At least ours: a stray datagram from a parallel test file may reach a reused port too.
  await eventually(() => server!.stats.queries.udp >= 32);
  const { queries, outcomes } = server.stats;
  const threads = server.stats.threads!;
  expect(threads).toHaveLength(2);
  expect(threads[0] + threads[1]).toBe(queries.udp + queries.tcp);
  expect(outcomes.answered).toBeGreaterThanOrEqual(32);
  // 32 fresh source ports all hashed to one socket: 1 chance in 2^31.
  expect(Math.min(...threads)).toBeGreaterThan(0);
});

test('createServer: workers that threads cannot honour are refused with a RangeError', async () => {
  const zonesDir = await zoneDir();
  await expect(createServer({ zonesDir, port: 0, addresses: ['127.0.0.1'], workers: 0 })).rejects.toThrow(/workers must be an integer from 1 to 256/);
  await expect(createServer({ zonesDir, port: 0, addresses: ['127.0.0.1'], workers: 2, hook: (_q, _c, answer) => answer() })).rejects.toThrow(/cannot run a query hook/);
  await expect(createServer({ zonesDir, port: 0, addresses: ['127.0.0.1'], workers: 2, udpBatch: false })).rejects.toThrow(/needs the native UDP addon/);
});

test('a worker that dies is logged and replaced; its counts are kept and the new thread answers', async () => {
  const lines: Record<string, unknown>[] = [];
  const { pino } = await import('pino');
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  process.env.PORT53_TEST_WORKER_EXIT = 'first';
  try {
    server = await createServer({ zonesDir: await zoneDir(), addresses: ['127.0.0.1'], port: 0, workers: 2, logger });
  } finally {
    delete process.env.PORT53_TEST_WORKER_EXIT; // read by each thread as it starts
  }
  await eventually(() => lines.some((l) => l.event === 'worker-restarted'));
  expect(lines.find((l) => l.event === 'worker-exited')).toMatchObject({ level: 50, worker: 1, code: 3 });
  const replies = await Promise.all(Array.from({ length: 32 }, () => udpExchange(server!.port, query('www.workers.test', 'A'), { timeoutMs: 5000 })));
  expect(replies.every((r) => r && summarize(r).answer.join() === 'www.workers.test 300 A 192.0.2.1')).toBe(true);
  await eventually(() => server!.stats.queries.udp >= 32);
  expect(Math.min(...server.stats.threads!)).toBeGreaterThan(0);
});

test('workers that keep dying: port53d logs workers-failed and exits with status 1', async () => {
  const zones = await zoneDir();
  const env = { ...process.env, PORT53_TEST_WORKER_EXIT: 'always' };
  running = new RunningPort53d(spawn(process.execPath, [PORT53D, '--zones', zones, '--address', '127.0.0.1', '--port', '0', '--workers', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  expect(await running.exited).toEqual({ code: 1, signal: null });
  expect(running.logs.filter((l) => l.event === 'worker-exited')).toHaveLength(3);
  expect(running.logs.find((l) => l.event === 'workers-failed')).toMatchObject({ level: 60 });
}, 15_000);
