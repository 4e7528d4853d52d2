/**
 * Server throughput: port53d vs NSD vs Knot under dnsperf, servers pinned to CPU 0 and dnsperf
 * to CPU 1, rounds interleaved (port53d, NSD, Knot, port53d, ...). CPU per query comes from the
 * server's own accounting (/proc utime+stime over its process tree) read around each run.
 */
import { join } from 'node:path';
import { dnsperf } from '../dnsperf.mjs';
import { BENCH_ORIGIN } from '../generate.mjs';
import { cpuTicks, ticksPerSecondValue, treeCpuSeconds } from '../processes.mjs';
import { startKnot, startNsd, startPort53d } from '../servers.mjs';
import { barChart } from '../charts.mjs';
import { fmt, fmtRatio, median, percentile, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['dnsperf', 'nsd', 'knotd', 'taskset'];

const SERVER_CPU = 0;
const CLIENT_CPU = 1;

export async function serverPart(ctx) {
  const { tools, inputs, opts, out, print } = ctx;
  const servers = [];
  try {
    servers.push(await startPort53d({ zonesDir: inputs.zonesDir, origin: BENCH_ORIGIN, cpu: SERVER_CPU }));
    servers.push(await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, cpu: SERVER_CPU }));
    servers.push(await startKnot({ knotd: tools.knotd, dir: join(out, 'knot'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, cpu: SERVER_CPU }));
    const runOne = async (server, seconds) => {
      const cpuBefore = treeCpuSeconds(server.pid);
      const cpu0Before = cpuTicks(SERVER_CPU);
      const r = await dnsperf({ dnsperf: tools.dnsperf, port: server.port, queryFile: inputs.queryFile, seconds, cpu: CLIENT_CPU });
      const cpu = treeCpuSeconds(server.pid) - cpuBefore;
      const cpu0After = cpuTicks(SERVER_CPU);
      // Whatever else ran on the server's CPU meanwhile (other work on the machine): a noise gauge.
      const otherPct = cpu0Before && cpu0After ? (100 * ((cpu0After.busy - cpu0Before.busy) / ticksPerSecondValue() - cpu)) / ((cpu0After.total - cpu0Before.total) / ticksPerSecondValue()) : NaN;
      return { ...r, cpuSeconds: cpu, cpuUsPerQuery: (cpu * 1e6) / r.completed, otherPct: Math.max(0, otherPct) };
    };
    // Warm-up, discarded: JIT for port53d, caches for all.
    const warm = opts.quick ? 1 : 2;
    for (const s of servers) await runOne(s, warm);
    const results = new Map(servers.map((s) => [s.name, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const s of servers) {
        const r = await runOne(s, opts.seconds);
        results.get(s.name).push(r);
        print(`  server round ${round}/${opts.rounds} ${s.name}: ${fmt(r.qps)} qps, lost ${r.lost}, ${r.avgLatencyMs.toFixed(3)} ms, ${r.cpuUsPerQuery.toFixed(2)} µs CPU/query, others on CPU ${SERVER_CPU}: ${r.otherPct.toFixed(0)}%`);
      }
    }
    // The latency distribution: one more run per server with dnsperf -v (each reply's latency).
    const latencies = new Map();
    for (const s of servers) {
      const r = await dnsperf({ dnsperf: tools.dnsperf, port: s.port, queryFile: inputs.queryFile, seconds: Math.min(opts.seconds, 3), cpu: CLIENT_CPU, verbose: true });
      latencies.set(s.name, r.latenciesMs);
    }
    return [...serverTable(results, opts), latencyTable(latencies, opts)];
  } finally {
    for (const s of servers) await s.stop();
  }
}

const PERCENTILES = [50, 90, 99, 99.9];

function latencyTable(latencies, opts) {
  const t = new Table(`Server latency under dnsperf -c 8 (-v, ${Math.min(opts.seconds, 3)} s per server, same pinning): percentiles of every reply`, ['server', 'replies', ...PERCENTILES.map((p) => `p${p} ms`), 'p99 ×NSD']);
  const nsdP99 = percentile(latencies.get('NSD'), 99);
  const groups = [];
  for (const [name, values] of latencies) {
    const ps = PERCENTILES.map((p) => percentile(values, p));
    groups.push({ label: name, values: ps });
    t.add([name, fmt(values.length), ...ps.map((v) => v.toFixed(3)), fmtRatio(ratio(ps[2], nsdP99))]);
  }
  t.note('dnsperf keeps 8 queries outstanding per connection: latency here is mostly queueing behind the others, as under load.');
  t.charts = [{ file: 'server-latency.svg', svg: barChart({ title: 'Latency under dnsperf (-c 8, server on CPU 0, dnsperf on CPU 1)', subtitle: 'percentiles of every reply in one run per server; shorter is better', unit: 'milliseconds', series: PERCENTILES.map((p) => `p${p}`), groups }) }];
  return t;
}

function serverTable(results, opts) {
  const nsd = results.get('NSD');
  const t = new Table(`Server: dnsperf -c 8 -T 1 -l ${opts.seconds}, ${opts.rounds} interleaved round(s), medians`, [
    'server',
    'qps',
    'qps ×NSD',
    'lost (max)',
    'avg latency ms',
    'CPU µs/query',
    'CPU ×NSD',
    'qps per round',
    'others on CPU 0 %',
  ]);
  const summary = {};
  for (const [name, runs] of results) {
    // Ratios are taken within each round (same noise), then the median of those.
    const qpsRatio = median(runs.map((r, i) => ratio(r.qps, nsd[i].qps)));
    const cpuRatio = median(runs.map((r, i) => ratio(r.cpuUsPerQuery, nsd[i].cpuUsPerQuery)));
    const row = {
      qps: median(runs.map((r) => r.qps)),
      lost: Math.max(...runs.map((r) => r.lost)),
      latency: median(runs.map((r) => r.avgLatencyMs)),
      cpu: median(runs.map((r) => r.cpuUsPerQuery)),
      qpsRatio,
      cpuRatio,
    };
    summary[name] = row;
    t.add([name, fmt(row.qps), fmtRatio(qpsRatio), fmt(row.lost), row.latency.toFixed(3), row.cpu.toFixed(2), fmtRatio(cpuRatio), runs.map((r) => fmt(r.qps)).join(' / '), runs.map((r) => r.otherPct.toFixed(0)).join(' / ')]);
  }
  const p = summary.port53d;
  t.note(`target CPU ≤ 9 µs/query: ${p.cpu <= 9 ? 'met' : 'NOT met'} (${p.cpu.toFixed(2)}); qps ≥ 0.75× NSD: ${p.qpsRatio >= 0.75 ? 'met' : 'NOT met'} (${fmtRatio(p.qpsRatio)}); 0 lost: ${p.lost === 0 ? 'met' : 'NOT met'} (${p.lost})`);
  t.note('CPU = utime+stime of the server process tree (all threads, NSD parent and children) over the run / queries completed; ratios are medians of per-round ratios.');
  const names = [...results.keys()];
  t.charts = [
    { file: 'server-qps.svg', svg: barChart({ title: 'Queries per second, one CPU each (dnsperf -c 8 on the other)', subtitle: `median of ${opts.rounds} interleaved round(s) of ${opts.seconds} s; longer is better`, unit: 'queries per second', series: ['qps'], groups: names.map((n) => ({ label: n, values: [summary[n].qps] })) }) },
    { file: 'server-cpu.svg', svg: barChart({ title: 'CPU per query (user + system of the server process)', subtitle: `median of ${opts.rounds} interleaved round(s); shorter is better`, unit: 'µs of CPU per query', series: ['CPU µs/query'], groups: names.map((n) => ({ label: n, values: [summary[n].cpu] })) }) },
  ];
  t.note('others on CPU 0: busy time of the server’s CPU not used by the server during each run (other processes on the machine); high values mean a noisy round.');
  return [t];
}
