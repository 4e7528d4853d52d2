/**
 * port53d --workers: queries per second with 1 and 2 answering threads against NSD with
 * server-count 1 and 2, nothing pinned (servers and dnsperf share the machine's cores, as a
 * deployment would), rounds interleaved, with each port53d thread's CPU (/proc/PID/task); a run
 * of names never asked before (every query a miss: the main thread computes every answer); the
 * scaling model those per-query costs give; and the memory --workers 2 takes over --workers 1 on
 * the zoneload part's big zone (the zone data is held once, by the main thread).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart } from '../charts.mjs';
import { dnsperf } from '../dnsperf.mjs';
import { BENCH_ORIGIN, BIG_ORIGIN, writeBigZone } from '../generate.mjs';
import { readMemory, ticksPerSecondValue, treeCpuSeconds } from '../processes.mjs';
import { startNsd, startPort53d } from '../servers.mjs';
import { freePort } from '../../test/support/loopback.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['dnsperf', 'nsd'];

export async function workersPart(ctx) {
  const { tools, inputs, opts, out, print } = ctx;
  const servers = [];
  let qpsTables;
  try {
    for (const workers of [1, 2]) {
      // /metrics on: port53_thread_queries_total says how many queries each thread's socket took.
      const metricsPort = await freePort();
      const s = await startPort53d({ zonesDir: inputs.zonesDir, origin: BENCH_ORIGIN, workers, extraArgs: ['--metrics', `127.0.0.1:${metricsPort}`] });
      servers.push(Object.assign(s, { workers, metricsPort }));
    }
    servers.push(await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-w1'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, serverCount: 1 }));
    servers.push(await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-w2'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, serverCount: 2 }));
    servers[2].name = 'NSD server-count 1';
    servers[3].name = 'NSD server-count 2';
    const runOne = async (server, seconds, queryFile = inputs.queryFile) => {
      const before = treeCpuSeconds(server.pid);
      const threadsBefore = server.workers && { ticks: threadTicks(server.pid), queries: await threadQueries(server.metricsPort) };
      const r = await dnsperf({ dnsperf: tools.dnsperf, port: server.port, queryFile, seconds, cpu: undefined });
      const threads = threadsBefore && threadSplit(server.pid, threadsBefore, await threadQueries(server.metricsPort), server.workers, r.completed);
      return { ...r, cpuUsPerQuery: ((treeCpuSeconds(server.pid) - before) * 1e6) / r.completed, threads };
    };
    // Warm-up, discarded: 3 s, about one pass over the query file, so that a worker's kept replies (filled by its first misses) are in place as the main thread's are.
    for (const s of servers) await runOne(s, 3);
    const results = new Map(servers.map((s) => [s.name, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const s of servers) {
        const r = await runOne(s, opts.seconds);
        results.get(s.name).push(r);
        print(`  workers round ${round}/${opts.rounds} ${s.name}: ${fmt(r.qps)} qps, lost ${r.lost}, ${r.avgLatencyMs.toFixed(3)} ms, ${r.cpuUsPerQuery.toFixed(2)} µs CPU/query${r.threads ? ` (${threadText(r.threads)})` : ''}`);
      }
    }
    qpsTables = qpsTable(results, opts);
    // Names never asked before, after the rounds: every query is a miss that the main thread answers.
    const missFile = join(out, 'unique-names.txt');
    const missLines = Math.min(2_000_000, Math.max(100_000, opts.seconds * 150_000));
    writeFileSync(missFile, `${Array.from({ length: missLines }, (_, i) => `u${i}.${BENCH_ORIGIN} A`).join('\n')}\n`);
    const misses = new Map();
    for (const s of servers.slice(0, 2)) {
      const r = await runOne(s, Math.min(opts.seconds, 5), missFile);
      misses.set(s.name, r);
      print(`  workers names never asked ${s.name}: ${fmt(r.qps)} qps, ${r.cpuUsPerQuery.toFixed(2)} µs CPU/query (${threadText(r.threads)})`);
    }
    qpsTables = [qpsTables, threadTable(results, misses), modelTable(results, misses)];
  } finally {
    for (const s of servers) await s.stop();
  }
  return [...qpsTables, await memoryTable(opts, out, print)];
}

/** Clock ticks (user + system) of each thread of `pid` so far, by thread id. */
function threadTicks(pid) {
  const ticks = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(tid), Number(f[11]) + Number(f[12]));
    } catch {
      // the thread ended
    }
  }
  return ticks;
}

/** port53_thread_queries_total by thread, from port53d's /metrics (empty with one thread). */
async function threadQueries(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(/^port53_thread_queries_total\{thread="(\d+)"\} (\d+)$/gm)].map((m) => Number(m[2]));
}

/**
 * CPU µs per query (of all the run's queries) of the main thread (its id is the pid), of the
 * `workers - 1` busiest other threads (the workers: Node 20 cannot name them), and of the rest
 * (V8's compiler and collector helpers, libuv's pool); and the share of the queries the workers'
 * sockets took, with a worker's CPU per query of its own.
 */
function threadSplit(pid, before, queriesAfter, workers, completed) {
  const after = threadTicks(pid);
  const us = (ticks, n = completed) => (ticks * 1e6) / ticksPerSecondValue() / n;
  const deltas = [...after].map(([tid, t]) => [tid, t - (before.ticks.get(tid) ?? 0)]);
  const main = deltas.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = deltas.filter(([tid]) => tid !== pid).map(([, d]) => d).sort((a, b) => b - a);
  const worker = others.slice(0, workers - 1).reduce((a, b) => a + b, 0);
  const helpers = others.slice(workers - 1).reduce((a, b) => a + b, 0);
  const took = queriesAfter.map((n, i) => n - (before.queries[i] ?? 0));
  const total = took.reduce((a, b) => a + b, 0);
  const workerQueries = total - (took[0] ?? 0);
  return { main: us(main), worker: us(worker), helpers: us(helpers), workerShare: total > 0 ? workerQueries / total : 0, workerOwn: workerQueries > 0 ? us(worker, workerQueries) : 0 };
}

const threadText = (t) => `main ${t.main.toFixed(2)}${t.worker > 0 ? `, worker ${t.worker.toFixed(2)} (${(t.workerShare * 100).toFixed(0)} % of queries, ${t.workerOwn.toFixed(2)} µs each)` : ''}, helpers ${t.helpers.toFixed(2)} µs/query`;

/** Where each port53d's CPU went, per thread, in the mix (median round) and in the run of new names. */
function threadTable(results, misses) {
  const t = new Table('Workers: CPU µs per query by thread (of all queries the run answered)', ['run', 'main thread', 'worker thread', 'worker\'s socket took', 'V8/libuv helpers', 'in all']);
  for (const name of ['port53d --workers 1', 'port53d --workers 2']) {
    const one = name.endsWith('1');
    const rounds = results.get(name);
    const pick = (k) => median(rounds.map((r) => r.threads[k]));
    t.add([`${name}, bench mix`, pick('main').toFixed(2), one ? '—' : pick('worker').toFixed(2), one ? '—' : `${(pick('workerShare') * 100).toFixed(0)} %`, pick('helpers').toFixed(2), median(rounds.map((r) => r.cpuUsPerQuery)).toFixed(2)]);
    const m = misses.get(name);
    t.add([`${name}, names never asked`, m.threads.main.toFixed(2), one ? '—' : m.threads.worker.toFixed(2), one ? '—' : `${(m.threads.workerShare * 100).toFixed(0)} %`, m.threads.helpers.toFixed(2), m.cpuUsPerQuery.toFixed(2)]);
  }
  t.note('bench mix: after the warm-up every question is kept, so each thread answers from its cache; names never asked: every answer is computed by the main thread, a worker only passes on the queries it reads.');
  return t;
}

/**
 * The scaling model of docs/performance.md from this run's per-query costs, for N threads on N
 * cores with the clients elsewhere: each thread's socket takes 1/N of the queries; a fraction p
 * are misses, all computed by the main thread. A worker spends (1-p)·h + p·f per query its socket
 * takes, the main thread (1-p)·h/N + p·m per query in all, so
 *   qps(N, p) = min(N / ((1-p)·h + p·f), 1 / ((1-p)·h/N + p·m)).
 * h: CPU per kept answer (--workers 2, bench mix, all threads); m: CPU per computed answer
 * (--workers 1, names never asked); f: a worker's CPU per query it passes on (its CPU over the
 * queries its socket took in the new-names run). NSD: N / its CPU per query.
 */
function modelTable(results, misses) {
  const h = median(results.get('port53d --workers 2').map((r) => r.cpuUsPerQuery));
  const m = misses.get('port53d --workers 1').cpuUsPerQuery;
  const f = misses.get('port53d --workers 2').threads.workerOwn;
  const nsd = median(results.get('NSD server-count 2').map((r) => r.cpuUsPerQuery));
  const qps = (n, p) => Math.min(n / ((1 - p) * h + p * f), 1 / (((1 - p) * h) / n + p * m)) * 1e6;
  const t = new Table(`Workers: model, qps on N cores from this run's costs (h ${h.toFixed(2)}, m ${m.toFixed(2)}, f ${f.toFixed(2)}, NSD ${nsd.toFixed(2)} µs/query)`, ['threads', 'all kept (p 0)', 'p 0.05', 'p 0.5 (random-name flood)', 'NSD (any p)']);
  for (const n of [1, 2, 4, 8, 16]) t.add([String(n), fmt(qps(n, 0)), fmt(qps(n, 0.05)), fmt(qps(n, 0.5)), fmt((n / nsd) * 1e6)]);
  t.note('p: the share of queries no thread has a kept reply for (misses): the main thread computes all of them, so it bounds the scaling once p·m approaches 1 s per second. A model of CPU only: it leaves out the kernel\'s own scaling and the NIC.');
  return t;
}

function qpsTable(results, opts) {
  const t = new Table(`Workers: dnsperf -c 8 -T 1 -l ${opts.seconds}, nothing pinned (${opts.rounds} interleaved round(s), medians)`, ['server', 'qps', 'qps ×NSD same count', 'qps ×1 thread', 'lost (max)', 'avg latency ms', 'CPU µs/query']);
  const runs = (name) => results.get(name);
  const rows = [
    ['port53d --workers 1', 'NSD server-count 1', 'port53d --workers 1'],
    ['port53d --workers 2', 'NSD server-count 2', 'port53d --workers 1'],
    ['NSD server-count 1', 'NSD server-count 1', 'NSD server-count 1'],
    ['NSD server-count 2', 'NSD server-count 2', 'NSD server-count 1'],
  ];
  const summary = {};
  for (const [name, peer, one] of rows) {
    const r = runs(name);
    const s = {
      qps: median(r.map((x) => x.qps)),
      vsPeer: median(r.map((x, i) => ratio(x.qps, runs(peer)[i].qps))),
      vsOne: median(r.map((x, i) => ratio(x.qps, runs(one)[i].qps))),
      lost: Math.max(...r.map((x) => x.lost)),
      latency: median(r.map((x) => x.avgLatencyMs)),
      cpu: median(r.map((x) => x.cpuUsPerQuery)),
    };
    summary[name] = s;
    t.add([name, fmt(s.qps), fmtRatio(s.vsPeer), fmtRatio(s.vsOne), fmt(s.lost), s.latency.toFixed(3), s.cpu.toFixed(2)]);
  }
  const w2 = summary['port53d --workers 2'].vsPeer;
  t.note(`target qps --workers 2 ≥ 0.95× NSD server-count 2: ${w2 >= 0.95 ? 'met' : 'NOT met'} (${fmtRatio(w2)})`);
  t.note('one dnsperf (one sending thread) shares the two cores with the server: it is part of the load, as on a real host; ×1 thread shows how much the second thread adds.');
  t.charts = [
    {
      file: 'workers-qps.svg',
      svg: barChart({
        title: 'Queries per second by answering threads (2 cores, dnsperf on the same cores)',
        subtitle: `port53d --workers N against NSD server-count N; median of ${opts.rounds} round(s) of ${opts.seconds} s`,
        unit: 'queries per second',
        series: ['port53d', 'NSD'],
        groups: [1, 2].map((n) => ({ label: `${n} thread${n > 1 ? 's' : ''}`, values: [summary[`port53d --workers ${n}`].qps, summary[`NSD server-count ${n}`].qps] })),
      }),
    },
  ];
  return t;
}

async function memoryTable(opts, out, print) {
  const records = opts.quick ? 100_000 : 1_000_000;
  const dir = join(out, 'big-workers');
  mkdirSync(join(dir, 'zones'), { recursive: true });
  writeBigZone(join(dir, 'zones', `${BIG_ORIGIN}.zone`), records);
  const t = new Table(`Workers: memory serving the ${fmt(records)}-record zone, 1 round`, ['server', 'resident MiB', 'peak MiB', 'resident ×1 thread']);
  const measured = [];
  for (const workers of [1, 2]) {
    const s = await startPort53d({ zonesDir: join(dir, 'zones'), origin: BIG_ORIGIN, workers, readyMs: 300_000 });
    try {
      await new Promise((r) => setTimeout(r, 500)); // the last allocations of the load settle
      const mem = readMemory(s.pid);
      measured.push({ workers, rss: mem?.rssKiB ?? NaN, hwm: mem?.hwmKiB ?? NaN });
      print(`  workers memory --workers ${workers}: resident ${fmt((mem?.rssKiB ?? NaN) / 1024)} MiB, peak ${fmt((mem?.hwmKiB ?? NaN) / 1024)} MiB`);
    } finally {
      await s.stop();
    }
  }
  for (const m of measured) t.add([`port53d --workers ${m.workers}`, fmt(m.rss / 1024), fmt(m.hwm / 1024), fmtRatio(ratio(m.rss, measured[0].rss))]);
  const r = ratio(measured[1].rss, measured[0].rss);
  t.note(`target resident --workers 2 ≤ 1.3× --workers 1: ${r <= 1.3 ? 'met' : 'NOT met'} (${fmtRatio(r)}): the zones are held by the main thread alone; a worker holds its kept replies`);
  return t;
}
