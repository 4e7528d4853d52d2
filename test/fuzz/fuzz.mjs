#!/usr/bin/env node
// The server fuzz harness (`pnpm fuzz`): starts the built port53d on 127.0.0.1, sends random and
// mutated packets over UDP at a bounded rate and garbage over TCP, checks after every 10,000
// packets that a valid query still gets its correct answer over UDP and TCP, watches the
// server's memory, and fails on any crash, wrong or missing probe answer, handler exception,
// oversized UDP reply or memory growth. Bounded by --packets and --seconds (both apply).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decode, encode } from '@port53/wire';
import { tcpExchange, udpExchange } from '../support/loopback.mjs';
import { packetSource } from './packets.mjs';

const PORT53D = fileURLToPath(new URL('../../packages/server/bin/port53d.js', import.meta.url));
const ZONES = fileURLToPath(new URL('../../zones/', import.meta.url));
/** The most the server sends over UDP (its advertised EDNS payload size). */
const MAX_UDP_REPLY = 1232;
const PROBE = { name: 'host1.example.test', type: 'A', answers: ['192.0.2.10', '192.0.2.11', '192.0.2.12'] };

export const FUZZ_DEFAULTS = {
  packets: 1_000_000,
  seconds: 600,
  /** UDP packets per second: bounded so the machine stays usable and the kernel drops little. */
  rate: 12_000,
  probeEvery: 10_000,
  /** One TCP scenario per this many UDP packets, at most `tcpConcurrency` at a time. */
  tcpEvery: 250,
  tcpConcurrency: 4,
  /** Fail when the server's RSS grows more than this after warm-up (MiB). */
  rssGrowthLimitMiB: 64,
};

/**
 * Runs one fuzz session against a fresh port53d. Resolves a report; `report.failures` is empty
 * when the server survived everything. Never rejects for a server fault (it is a failure).
 */
export async function runFuzz(options = {}) {
  const o = { ...FUZZ_DEFAULTS, seed: Date.now() & 0x7fffffff, log: () => undefined, ...options };
  const failures = [];
  const fail = (what) => {
    if (failures.length < 50) failures.push(what);
    o.log(`FAIL: ${what}`);
  };
  const server = await startServer(o.zonesDir ?? ZONES);
  const source = packetSource(o.seed);
  const udp = createSocket('udp4');
  const replies = { total: 0, byRcode: {}, largest: 0 };
  udp.on('message', (msg) => {
    replies.total++;
    const rcode = msg.length >= 4 ? msg[3] & 0x0f : -1;
    replies.byRcode[rcode] = (replies.byRcode[rcode] ?? 0) + 1;
    if (msg.length > replies.largest) replies.largest = msg.length;
    if (msg.length > MAX_UDP_REPLY) fail(`a UDP reply of ${msg.length} octets (over ${MAX_UDP_REPLY})`);
    if (msg.length < 12 || !(msg[2] & 0x80)) fail(`a UDP reply that is not a DNS response (${msg.length} octets)`);
  });
  udp.on('error', (err) => o.log(`udp client: ${err.message}`));
  await new Promise((resolve) => udp.bind(0, '127.0.0.1', resolve));

  const rss = { start: server.rss(), warm: 0, end: 0, max: 0, peak: 0 };
  const tcp = { started: 0, open: 0, byKind: {} };
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  let sent = 0;
  let probes = 0;
  const kernelDrops = { server: 0, client: 0 };

  try {
    // `packets` counts datagrams the server's socket received: those the kernel dropped for a full buffer are sent again.
    const delivered = () => sent - udpDrops(server.port);
    // The rate adapts to the server (AIMD): down by a fifth when the kernel dropped over 2% of a batch, else up to o.rate.
    let rate = o.rate;
    let paced = 0;
    let pacedSince = performance.now();
    let dropsBefore = 0;
    while (delivered() < o.packets && performance.now() < deadline && !server.exited()) {
      // Send at the paced rate until the next probe point.
      const target = sent + Math.min(o.probeEvery, o.packets - delivered());
      while (sent < target && performance.now() < deadline && !server.exited()) {
        // At most 2 ms of packets at once, also after a pause for a probe.
        const due = Math.min(target, sent + Math.max(1, Math.floor(rate / 500)), paced + Math.floor(((performance.now() - pacedSince) / 1000) * rate) + 1);
        for (; sent < due; sent++) {
          udp.send(source.next(), server.port, '127.0.0.1');
          if (sent % o.tcpEvery === 0 && tcp.open < o.tcpConcurrency) void tcpScenario(server.port, source.tcpScenario(), tcp);
        }
        // Behind the schedule: yield only to let replies in; ahead of it: wait.
        const behind = paced + ((performance.now() - pacedSince) / 1000) * rate > sent + 1;
        await new Promise((resolve) => (behind ? setImmediate(resolve) : setTimeout(resolve, 1)));
      }
      if (server.exited()) break;
      const drops = udpDrops(server.port);
      rate = drops - dropsBefore > 0.02 * o.probeEvery ? Math.max(500, Math.floor(rate * 0.8)) : Math.min(o.rate, Math.floor(rate * 1.05));
      dropsBefore = drops;
      // A probe point: every 10,000 packets a valid query must get its correct answer.
      await new Promise((resolve) => setTimeout(resolve, 5));
      probes++;
      await probe(server.port, probes, fail);
      const now = server.rss();
      if (probes === 1) rss.warm = now;
      rss.max = Math.max(rss.max, now);
      paced = sent;
      pacedSince = performance.now();
      o.log(`${sent} sent, ${drops} dropped by the kernel, rate ${rate}/s, ${replies.total} replies, ${tcp.started} TCP connections, RSS ${mib(now)} MiB`);
    }
    // Let the last TCP scenarios finish, then measure.
    for (let i = 0; i < 300 && tcp.open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    kernelDrops.server = udpDrops(server.port);
    kernelDrops.client = udpDrops(udp.address().port);
    if (!server.exited()) {
      await probe(server.port, ++probes, fail);
      rss.end = server.rss();
      rss.peak = server.peak();
      rss.max = Math.max(rss.max, rss.end);
    }
  } finally {
    udp.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (server.exited()) fail(`port53d exited during the run: ${server.exitStatus()}`);
  if (rss.warm && rss.end - rss.warm > o.rssGrowthLimitMiB * 1024 * 1024) {
    fail(`RSS grew from ${mib(rss.warm)} MiB to ${mib(rss.end)} MiB (limit +${o.rssGrowthLimitMiB} MiB)`);
  }
  const errors = server.errorLines();
  if (errors.length > 0) fail(`port53d logged ${errors.length} error(s), first: ${errors[0]}`);
  const stopped = await server.stop();
  if (stopped !== 'exit 0') fail(`port53d did not stop cleanly on SIGTERM: ${stopped}`);

  return {
    seed: o.seed,
    packets: sent - kernelDrops.server,
    sent,
    seconds: Math.round(seconds * 10) / 10,
    packetsPerSecond: Math.round((sent - kernelDrops.server) / seconds),
    headerCombinations: Math.min(65536, source.combos()),
    replies,
    /** Datagrams the kernel dropped because a socket's receive buffer was full (Linux only). */
    kernelDrops,
    tcp: { connections: tcp.started, byKind: tcp.byKind },
    probes,
    rss: { startMiB: mib(rss.start), warmMiB: mib(rss.warm), endMiB: mib(rss.end), maxSampledMiB: mib(rss.max), peakMiB: mib(rss.peak) },
    failures,
  };
}

/** The `drops` column of /proc/net/udp for the socket bound to 127.0.0.1:port. */
function udpDrops(port) {
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === local);
    return line ? Number(line.trim().split(/\s+/).at(-1)) : 0;
  } catch {
    return 0;
  }
}

const mib = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Spawns the built port53d on 127.0.0.1, port 0, serving zonesDir (its example.test must be the repo's), and waits for its port from the 'listening' log line. */
function startServer(zonesDir) {
  const child = spawn(process.execPath, [PORT53D, '--zones', zonesDir, '--address', '127.0.0.1', '--port', '0', '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const errorLines = [];
  let exit;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`port53d did not start within 10 s:\n${stderr}`));
    }, 10_000);
    let port = 0;
    child.stderr.on('data', (d) => {
      stderr += d.toString();
      let nl;
      while ((nl = stderr.indexOf('\n')) >= 0) {
        const line = stderr.slice(0, nl);
        stderr = stderr.slice(nl + 1);
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          errorLines.push(line); // anything not a log line (a stack trace) is an error
          continue;
        }
        if (entry.level >= 50) errorLines.push(line);
        if (!port && entry.event === 'listening' && entry.transport === 'udp') {
          port = entry.port;
          clearTimeout(timer);
          resolve(handle(port));
        }
      }
    });
    const exited = new Promise((done) => child.on('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `exit ${code}`;
      done(exit);
    }));
    child.on('exit', () => {
      if (!port) {
        clearTimeout(timer);
        reject(new Error(`port53d exited before listening (${exit}):\n${[...errorLines, stderr].join('\n')}`));
      }
    });
    const status = (field) => {
      try {
        const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : 0;
      } catch {
        return 0; // not Linux, or gone
      }
    };
    const handle = (p) => ({
      port: p,
      rss: () => status('VmRSS'),
      peak: () => status('VmHWM'),
      exited: () => exit !== undefined,
      exitStatus: () => exit,
      errorLines: () => errorLines,
      async stop() {
        if (exit) return exit;
        child.kill('SIGTERM');
        const timeout = new Promise((done) => setTimeout(() => done('no exit within 5 s'), 5000));
        const result = await Promise.race([exited, timeout]);
        if (!exit) child.kill('SIGKILL');
        return result;
      },
    });
  });
}

/** The probe over UDP (three tries, as a stub would) and over TCP: the exact answer, or a failure. */
async function probe(port, n, fail) {
  const id = (n * 7919) & 0xffff;
  const query = encode({ id, flags: { rd: false }, questions: [{ name: PROBE.name, type: PROBE.type, class: 'IN' }] });
  let reply = null;
  for (let attempt = 0; attempt < 3 && !reply; attempt++) reply = await udpExchange(port, query, { timeoutMs: 1000 });
  check('UDP', reply);
  check('TCP', await tcpExchange(port, query));

  function check(transport, bytes) {
    if (!bytes) return fail(`probe ${n} over ${transport}: no reply`);
    let m;
    try {
      m = decode(bytes);
    } catch (err) {
      return fail(`probe ${n} over ${transport}: undecodable reply: ${err.message}`);
    }
    const got = m.answers.filter((a) => a.type === 'A').map((a) => a.data).sort();
    if (m.id !== id || m.rcode !== 0 || !m.flags.aa || m.flags.tc || got.join() !== PROBE.answers.join()) {
      fail(`probe ${n} over ${transport}: wrong answer (id ${m.id}, rcode ${m.rcode}, answers ${got.join(' ')})`);
    }
  }
}

/** One TCP connection playing a scenario, closed by us after at most 300 ms (the server may close first). */
function tcpScenario(port, scenario, tcp) {
  tcp.started++;
  tcp.open++;
  tcp.byKind[scenario.kind] = (tcp.byKind[scenario.kind] ?? 0) + 1;
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      tcp.open--;
      resolve();
    };
    const timer = setTimeout(finish, 300);
    sock.on('error', () => undefined); // resets from the server are expected
    sock.on('close', finish);
    sock.on('data', () => undefined);
    sock.on('connect', () => {
      if (scenario.reset) return sock.resetAndDestroy ? sock.resetAndDestroy() : sock.destroy();
      for (const chunk of scenario.chunks) sock.write(chunk);
      if (scenario.kind === 'fuzzed frames') sock.end();
    });
  }).catch(() => undefined);
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    const key = { '--packets': 'packets', '--seconds': 'seconds', '--rate': 'rate', '--seed': 'seed' }[flag];
    if (!key || !Number.isFinite(value) || value < 0) {
      throw new Error(`usage: fuzz.mjs [--packets N] [--seconds S] [--rate PACKETS_PER_SECOND] [--seed N] (bad: ${flag} ${argv[i + 1] ?? ''})`);
    }
    options[key] = value;
    i++;
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const report = await runFuzz({ ...options, log: (line) => process.stderr.write(`fuzz: ${line}\n`) });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `fuzz: ${report.packets} UDP packets received by the server (${report.sent} sent) in ${report.seconds} s (${report.packetsPerSecond} packets/s), ${report.tcp.connections} TCP connections, ` +
      `${report.probes} probes; server RSS ${report.rss.startMiB} MiB at start, ${report.rss.warmMiB} after warm-up, ${report.rss.endMiB} at the end, ` +
      `max ${report.rss.maxSampledMiB} sampled, peak ${report.rss.peakMiB}; seed ${report.seed}: ${report.failures.length === 0 ? 'OK' : `${report.failures.length} FAILURE(S)`}\n`,
  );
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}
