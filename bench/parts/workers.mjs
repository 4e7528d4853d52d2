/**
 * port53d --workers: queries per second with 1 and 2 answering threads against NSD with
 * server-count 1 and 2, nothing pinned (servers and dnsperf share the machine's cores, as a
 * deployment would), rounds interleaved; and the memory --workers 2 takes over --workers 1 on the
 * zoneload part's big zone (the zone data is held once, by the main thread).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { barChart } from '../charts.mjs';
import { dnsperf } from '../dnsperf.mjs';
import { BENCH_ORIGIN, BIG_ORIGIN, writeBigZone } from '../generate.mjs';
import { readMemory, treeCpuSeconds } from '../processes.mjs';
import { startNsd, startPort53d } from '../servers.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['dnsperf', 'nsd'];

export async function workersPart(ctx) {
  const { tools, inputs, opts, out, print } = ctx;
  const servers = [];
  let qpsTables;
  try {
    servers.push(await startPort53d({ zonesDir: inputs.zonesDir, origin: BENCH_ORIGIN, workers: 1 }));
    servers.push(await startPort53d({ zonesDir: inputs.zonesDir, origin: BENCH_ORIGIN, workers: 2 }));
    servers.push(await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-w1'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, serverCount: 1 }));
    servers.push(await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-w2'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, serverCount: 2 }));
    servers[2].name = 'NSD server-count 1';
    servers[3].name = 'NSD server-count 2';
    const runOne = async (server, seconds) => {
      const before = treeCpuSeconds(server.pid);
      const r = await dnsperf({ dnsperf: tools.dnsperf, port: server.port, queryFile: inputs.queryFile, seconds, cpu: undefined });
      return { ...r, cpuUsPerQuery: ((treeCpuSeconds(server.pid) - before) * 1e6) / r.completed };
    };
    for (const s of servers) await runOne(s, 1); // warm-up, discarded
    const results = new Map(servers.map((s) => [s.name, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const s of servers) {
        const r = await runOne(s, opts.seconds);
        results.get(s.name).push(r);
        print(`  workers round ${round}/${opts.rounds} ${s.name}: ${fmt(r.qps)} qps, lost ${r.lost}, ${r.avgLatencyMs.toFixed(3)} ms, ${r.cpuUsPerQuery.toFixed(2)} µs CPU/query`);
      }
    }
    qpsTables = qpsTable(results, opts);
  } finally {
    for (const s of servers) await s.stop();
  }
  return [qpsTables, await memoryTable(opts, out, print)];
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
