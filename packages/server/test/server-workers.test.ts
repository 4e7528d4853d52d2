// port53d --workers: several answering threads, each with its own SO_REUSEPORT UDP socket, over
// real sockets on 127.0.0.1 — answers over UDP (spread over the threads by the kernel) and TCP,
// a reload seen from every thread at once, TSIG, cookies and NSID through a worker's socket as
// with one thread, a secondary zone's transfers and expiry, counters summed over the threads,
// bad values refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, expect, test } from 'vitest';
import { decode, decodeCookie, EdnsOptionCode, encode, findOption, nowSeconds, parseTsigKey, signMessage, TsigStreamVerifier } from '@port53/wire';
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

/**
 * Sends `q` from `n` fresh sockets in a thread of its own while this thread — the server's main
 * thread, with createServer — is blocked for `blockMs`: meanwhile only the server's worker threads
 * read the shared sockets, so they take every one of these queries. Resolves the replies.
 */
async function whileMainBlocked(port: number, q: Uint8Array, n: number, blockMs = 300): Promise<(Uint8Array | null)[]> {
  const code = `const { workerData, parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const { port, q, n } = workerData;
const replies = new Array(n).fill(null);
const sockets = [];
let left = n;
// Posted once; closing the sockets and the timer lets the thread end by itself.
const done = () => { clearTimeout(timer); for (const s of sockets) s.close(); parentPort.postMessage(replies); };
const timer = setTimeout(done, 5000);
for (let i = 0; i < n; i++) {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  // Connected: only the server's address and port can answer; and only with the query's ID.
  s.on('message', (m) => { if (replies[i] !== null || m.length < 2 || m[0] !== q[0] || m[1] !== q[1]) return; replies[i] = m; if (--left === 0) done(); });
  s.connect(port, '127.0.0.1', () => s.send(q));
}
parentPort.postMessage('sending');`;
  const sender = new Worker(code, { eval: true, workerData: { port, q, n } });
  const replies = new Promise<(Uint8Array | null)[]>((resolve, reject) => {
    sender.on('message', (m: unknown) => m !== 'sending' && resolve(m as (Uint8Array | null)[]));
    sender.once('error', reject);
    sender.once('exit', () => resolve(new Array(n).fill(null)));
  });
  await once(sender, 'message');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, blockMs);
  return replies;
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
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const perThread = [...text.matchAll(/^port53_thread_queries_total\{thread="(\d)"\} (\d+)$/gm)].map((m) => Number(m[2]));
    expect(perThread).toHaveLength(2);
    expect(perThread[0] + perThread[1]).toBe(17);

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

test('createServer({ workers: 2 }): every UDP query counted once, by the thread that read it; both threads answer', async () => {
  server = await createServer({ zonesDir: await zoneDir(), addresses: ['127.0.0.1'], port: 0, workers: 2 });
  const replies: (Uint8Array | null)[] = await Promise.all(Array.from({ length: 16 }, () => udpExchange(server!.port, query('www.workers.test', 'A'), { timeoutMs: 5000 })));
  replies.push(...(await whileMainBlocked(server.port, query('www.workers.test', 'A'), 16)));
  expect(new Set(replies.map((r) => r && summarize(r).answer.join()))).toEqual(new Set(['www.workers.test 300 A 192.0.2.1']));
  // At least ours: a stray datagram from a parallel test file may reach a reused port too.
  await eventually(() => server!.stats.queries.udp >= 32);
  const { queries, outcomes } = server.stats;
  const threads = server.stats.threads!;
  expect(threads).toHaveLength(2);
  expect(threads[0] + threads[1]).toBe(queries.udp + queries.tcp);
  expect(outcomes.answered).toBeGreaterThanOrEqual(32);
  expect(threads[1]).toBeGreaterThanOrEqual(16); // those sent while the main thread was blocked
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
  const replies = await whileMainBlocked(server.port, query('www.workers.test', 'A'), 16);
  expect(replies.every((r) => r && summarize(r).answer.join() === 'www.workers.test 300 A 192.0.2.1')).toBe(true);
  await eventually(() => server!.stats.queries.udp >= 16);
  expect(server.stats.threads![1]).toBeGreaterThanOrEqual(16);
});

test('workers that keep dying: port53d logs workers-failed and exits with status 1', async () => {
  const zones = await zoneDir();
  const env = { ...process.env, PORT53_TEST_WORKER_EXIT: 'always' };
  running = new RunningPort53d(spawn(process.execPath, [PORT53D, '--zones', zones, '--address', '127.0.0.1', '--port', '0', '--workers', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  expect(await running.exited).toEqual({ code: 1, signal: null });
  expect(running.logs.filter((l) => l.event === 'worker-exited')).toHaveLength(3);
  expect(running.logs.find((l) => l.event === 'workers-failed')).toMatchObject({ level: 60 });
}, 15_000);

/** `query` sent from `n` fresh sockets (fresh source ports: the kernel spreads them over the threads' sockets). */
const fromManyPorts = (port: number, q: Uint8Array, n = 24) => Promise.all(Array.from({ length: n }, () => udpExchange(port, q, { timeoutMs: 5000 })));

test('a reload replaces what every thread answers at once: replies a worker kept are never sent after reload() resolves', async () => {
  const zonesDir = await zoneDir();
  server = await createServer({ zonesDir, addresses: ['127.0.0.1'], port: 0, workers: 2 });
  // Every query read by the worker: the first round it passes on (the main thread's replies fill its cache), the second it answers alone.
  const ask = async () => new Set((await whileMainBlocked(server!.port, query('www.workers.test', 'A'), 12)).map((r) => r && summarize(r).answer.join()));
  expect(await ask()).toEqual(new Set(['www.workers.test 300 A 192.0.2.1']));
  expect(await ask()).toEqual(new Set(['www.workers.test 300 A 192.0.2.1']));
  await eventually(() => server!.stats.answerCache.hits >= 12); // the worker's: the main thread was blocked
  await writeFile(path.join(zonesDir, 'workers.test.zone'), zoneText(2, '192.0.2.2'));
  expect((await server.reload()).ok).toBe(true);
  expect(await ask()).toEqual(new Set(['www.workers.test 300 A 192.0.2.2']));
  expect(await ask()).toEqual(new Set(['www.workers.test 300 A 192.0.2.2']));
});

test('TSIG, cookies and NSID through a worker\'s socket: the same replies as one thread gives', async () => {
  const key = 'hmac-sha256:workers-key:c2VjcmV0c2VjcmV0c2VjcmV0';
  const zonesDir = await zoneDir();
  const options = { zonesDir, addresses: ['127.0.0.1'], port: 0, tsigKeys: [key], nsid: 'ascii_ns1' };
  const one = await createServer({ ...options, workers: 1 });
  server = await createServer({ ...options, workers: 2 });
  try {
    const tsigKey = parseTsigKey(key);
    const client = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const plain = { id: 7, questions: [{ name: 'www.workers.test', type: 'A' as const, class: 'IN' as const }] };
    /** What a client reads in a reply: each kind of query checked as its client would, then the sections. */
    const read = async (port: number, fromManyPorts: (port: number, q: Uint8Array, n: number) => Promise<(Uint8Array | null)[]>) => {
      const signed = signMessage(encode(plain), tsigKey, { now: nowSeconds() });
      const signedReplies = await fromManyPorts(port, signed.bytes, 12);
      const tsig = signedReplies.map((r) => summarize(new TsigStreamVerifier(tsigKey, signed.mac).verify(r!)));
      const nsid = (await fromManyPorts(port, encode({ ...plain, edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [{ code: EdnsOptionCode.NSID, data: new Uint8Array(0) }] } }), 12)).map((r) => {
        const m = decode(r!);
        return `${m.rcode} ${m.answers.length} ${Buffer.from(findOption(m.edns, EdnsOptionCode.NSID)!.data).toString()}`;
      });
      const withClientCookie = encode({ ...plain, edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [{ code: EdnsOptionCode.COOKIE, data: client }] } });
      const cookies = (await fromManyPorts(port, withClientCookie, 12)).map((r) => decodeCookie(findOption(decode(r!).edns, EdnsOptionCode.COOKIE)!.data)!);
      // The server cookie one reply gave is valid whichever thread's socket the next query reaches (RFC 7873 §5.2.3).
      const full = Uint8Array.from([...client, ...cookies[0].server!]);
      const again = encode({ ...plain, edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [{ code: EdnsOptionCode.COOKIE, data: full }] } });
      const resent = (await fromManyPorts(port, again, 12)).map((r) => decode(r!).rcode);
      return { tsig: new Set(tsig.map((x) => JSON.stringify(x))), nsid: new Set(nsid), cookies: new Set(cookies.map((c) => `${Buffer.from(c.client).toString('hex')} ${c.server!.length}`)), resent: new Set(resent) };
    };
    const expected = await read(one.port, fromManyPorts);
    expect(expected.nsid).toEqual(new Set(['0 1 ns1']));
    expect(expected.resent).toEqual(new Set([0]));
    // Sent while the main thread is blocked: the worker reads every one and passes it on.
    expect(await read(server.port, whileMainBlocked)).toEqual(expected);
    expect(server.stats.cookies).toMatchObject({ clientOnly: 12, valid: 12, invalid: 0 });
    expect(server.stats.threads![1]).toBeGreaterThanOrEqual(48);
  } finally {
    await one.close();
  }
});

test('stats and query counts add up over the threads: every query counted once, whichever thread answered it', async () => {
  server = await createServer({ zonesDir: await zoneDir(), addresses: ['127.0.0.1'], port: 0, workers: 2, metrics: '127.0.0.1:0' });
  const queries = [query('www.workers.test', 'A'), query('nx.workers.test', 'A'), query('www.workers.test', 'AAAA'), query('www.workers.test', 'A', 'IN', { edns: {} })];
  // Read by either thread, then by the worker alone (the main thread blocked): kept replies, passed-on misses.
  for (let round = 0; round < 3; round++) for (const q of queries) await (round === 0 ? fromManyPorts : whileMainBlocked)(server.port, q, 10);
  const sent = 3 * queries.length * 10;
  await eventually(() => server!.stats.outcomes.answered >= sent);
  const s = server.stats;
  const total = s.queries.udp + s.queries.tcp;
  expect(total).toBeGreaterThanOrEqual(sent);
  expect(s.threads!.reduce((a, b) => a + b, 0)).toBe(total);
  expect(Object.values(s.outcomes).reduce((a, b) => a + b, 0)).toBe(total);
  expect(s.answerCache.hits).toBeGreaterThan(0);
  const text = await (await fetch(`http://127.0.0.1:${server.metrics!.port}/metrics`)).text();
  const counted = [...text.matchAll(/^port53_queries_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  expect(counted).toBe(total);
});

test('a secondary zone through a worker: kept replies follow its transfers, and its expiry gives SERVFAIL', async () => {
  const text = (serial: number, address: string) => `$ORIGIN sec.test.\n$TTL 300\n@ SOA ns1 hostmaster ${serial} 1 1 2 60\n@ NS ns1\nns1 A 192.0.2.53\nwww A ${address}\n`;
  let current = text(1, '192.0.2.1');
  const primary = await createServer({ zones: [{ origin: 'sec.test', text: () => current }], addresses: ['127.0.0.1'], port: 0, allowTransfer: ['127.0.0.1'] });
  let closed = false;
  let silent: import('node:dgram').Socket | undefined;
  try {
    dir = await mkdtemp(path.join(tmpdir(), 'port53-workers-'));
    server = await createServer({ secondaries: [`sec.test=127.0.0.1:${primary.port}`], secondaryDir: dir, addresses: ['127.0.0.1'], port: 0, workers: 2 });
    // Read by the worker alone (the main thread blocked): kept after the first round, answered from there after.
    const seen = async () => [...new Set((await whileMainBlocked(server!.port, query('www.sec.test', 'A'), 8)).map((r) => r && `${summarize(r).rcode} ${summarize(r).answer.join()}`))].join(' | ');
    const until = async (want: string) => {
      for (const end = Date.now() + 8000; Date.now() < end; ) if ((await seen()) === want) return;
      expect(await seen()).toBe(want);
    };
    await until('NOERROR www.sec.test 300 A 192.0.2.1');
    expect(await seen()).toBe('NOERROR www.sec.test 300 A 192.0.2.1');
    current = text(2, '192.0.2.2');
    await primary.reload(); // the secondary sees serial 2 at its next refresh (1 s) and transfers it
    await until('NOERROR www.sec.test 300 A 192.0.2.2');
    await primary.close();
    closed = true;
    // The primary's port is held by a socket that never answers: the secondary's refreshes go
    // unanswered, and do not reach another test file's server that might be given the freed port.
    const socket = createSocket('udp4');
    silent = await new Promise<typeof socket | undefined>((resolve) => {
      socket.once('error', () => resolve(undefined)); // taken already: nothing to hold
      socket.bind(primary.port, '127.0.0.1', () => resolve(socket));
    });
    await until('SERVFAIL '); // 2 s past the last refresh with no primary: expired (RFC 1035 §4.3.5)
  } finally {
    if (!closed) await primary.close();
    await server?.close(); // its refreshes stop before the port is let go
    server = undefined;
    silent?.close();
  }
}, 30_000);
