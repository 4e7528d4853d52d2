/**
 * Zone loading, 1,000,000 records (500k hosts with A and AAAA, less one for SOA and NS):
 * port53's loader in a process of its own, port53d from start until it answers the zone's SOA,
 * knotd the same way, and nsd-checkzone (NSD's parser and checks). Not pinned: each loads with
 * what a user's machine gives it. Rounds interleaved.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIG_ORIGIN, writeBigZone } from '../generate.mjs';
import { readMemory, run, start, stop } from '../processes.mjs';
import { startKnot, startPort53d } from '../servers.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['knotd', 'nsd-checkzone'];

const LOADER = new URL('../zoneload-port53.mjs', import.meta.url).pathname;
const READY_MS = 300_000;

export async function zoneloadPart(ctx) {
  const { tools, opts, out, print } = ctx;
  const records = opts.quick ? 100_000 : 1_000_000;
  const dir = join(out, 'big');
  mkdirSync(join(dir, 'zones'), { recursive: true });
  const zoneFile = join(dir, 'zones', `${BIG_ORIGIN}.zone`);
  writeBigZone(zoneFile, records);
  print(`  zone: ${fmt(records)} records, ${(statSync(zoneFile).size / 2 ** 20).toFixed(1)} MiB`);

  const contenders = [
    ['port53 loadZone+buildCatalog', () => port53Loader(zoneFile)],
    ['port53d start → SOA answered', () => serverReady(() => startPort53d({ zonesDir: join(dir, 'zones'), origin: BIG_ORIGIN, readyMs: READY_MS }))],
    ['Knot start → SOA answered', () => serverReady(() => startKnot({ knotd: tools.knotd, dir: join(out, 'knot-big'), origin: BIG_ORIGIN, zoneFile, readyMs: READY_MS }))],
    ['nsd-checkzone', () => nsdCheckzone(tools['nsd-checkzone'], tools.time, zoneFile)],
  ];
  const results = new Map(contenders.map(([name]) => [name, []]));
  for (let round = 1; round <= opts.rounds; round++) {
    for (const [name, measure] of contenders) {
      const r = await measure();
      results.get(name).push(r);
      print(`  zoneload round ${round}/${opts.rounds} ${name}: ${fmt(r.ms)} ms, peak ${fmt(r.peakKiB / 1024)} MiB${r.rssKiB ? `, resident ${fmt(r.rssKiB / 1024)} MiB` : ''}`);
    }
  }

  const knot = results.get('Knot start → SOA answered');
  const nsd = results.get('nsd-checkzone');
  const t = new Table(`Zone load: ${fmt(records)} records, ${opts.rounds} interleaved round(s), medians`, [
    'loader',
    'wall ms',
    'wall ×Knot',
    'wall ×NSD',
    'peak RSS MiB',
    'peak ×Knot',
    'peak ×NSD',
  ]);
  const summary = {};
  for (const [name, runs] of results) {
    const per = (field, base) => median(runs.map((r, i) => ratio(r[field], base[i][field])));
    const s = {
      ms: median(runs.map((r) => r.ms)),
      peak: median(runs.map((r) => r.peakKiB)),
      msKnot: per('ms', knot),
      msNsd: per('ms', nsd),
      peakKnot: per('peakKiB', knot),
      peakNsd: per('peakKiB', nsd),
    };
    summary[name] = s;
    t.add([name, fmt(s.ms), fmtRatio(s.msKnot), fmtRatio(s.msNsd), fmt(s.peak / 1024), fmtRatio(s.peakKnot), fmtRatio(s.peakNsd)]);
  }
  const p = summary['port53d start → SOA answered'];
  t.note(`target (port53d vs Knot, both start → serving): wall ≤ 2× ${p.msKnot <= 2 ? 'met' : 'NOT met'} (${fmtRatio(p.msKnot)}); memory ≤ 1.7× ${p.peakKnot <= 1.7 ? 'met' : 'NOT met'} (${fmtRatio(p.peakKnot)})`);
  t.note(`issue 17 target: wall ≤ 1.2× ${p.msKnot <= 1.2 ? 'met' : 'NOT met'} (${fmtRatio(p.msKnot)}); peak RSS ≤ 1.2× ${p.peakKnot <= 1.2 ? 'met' : 'NOT met'} (${fmtRatio(p.peakKnot)})`);
  t.note('start → SOA: from spawn until a NOERROR SOA answer, polled every 20 ms (node start-up included for port53d); peak = VmHWM read once serving. nsd-checkzone: GNU time (wall, max RSS).');
  return [t];
}

async function port53Loader(zoneFile) {
  const { code, output } = await run(process.execPath, [LOADER, zoneFile, BIG_ORIGIN], { timeoutMs: READY_MS });
  const line = output.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`port53 loader failed (exit ${code}): ${output.slice(-1500)}`);
  const r = JSON.parse(line);
  return { ms: r.ms, peakKiB: r.maxRssKiB };
}

async function serverReady(startServer) {
  const server = await startServer();
  try {
    const mem = readMemory(server.pid);
    return { ms: server.readyMs, peakKiB: mem?.hwmKiB ?? NaN, rssKiB: mem?.rssKiB ?? NaN };
  } finally {
    await server.stop();
  }
}

/** nsd-checkzone under GNU time -v; without GNU time, wall from here and VmHWM polled every 10 ms. */
async function nsdCheckzone(checkzone, time, zoneFile) {
  if (time) {
    const t0 = process.hrtime.bigint();
    const { code, output } = await run(time, ['-v', checkzone, BIG_ORIGIN, zoneFile], { timeoutMs: READY_MS });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(output);
    if (code !== 0 || !rss) throw new Error(`nsd-checkzone failed (exit ${code}): ${output.slice(-1500)}`);
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(output);
    const timed = wall ? ((Number(wall[1] ?? 0) * 60 + Number(wall[2])) * 60 + Number(wall[3])) * 1000 : ms;
    return { ms: timed, peakKiB: Number(rss[1]) };
  }
  const t0 = process.hrtime.bigint();
  const child = start(checkzone, [BIG_ORIGIN, zoneFile]);
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, readMemory(child.pid)?.hwmKiB ?? 0)), 10);
  const kill = setTimeout(() => stop(child), READY_MS);
  const { code } = await child.exited;
  clearInterval(timer);
  clearTimeout(kill);
  if (code !== 0) throw new Error(`nsd-checkzone failed (exit ${code}): ${child.output.slice(-1500)}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, peakKiB: peak };
}
