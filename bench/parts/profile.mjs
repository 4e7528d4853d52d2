/**
 * A CPU profile of port53d under dnsperf load (node --cpu-prof, server pinned to CPU 0,
 * dnsperf to CPU 1) and its top functions by self time: where optimisation should start.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dnsperf } from '../dnsperf.mjs';
import { BENCH_ORIGIN } from '../generate.mjs';
import { REPO, startPort53d } from '../servers.mjs';
import { fmt } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['dnsperf', 'taskset'];

const TOP = 15;

export async function profilePart(ctx) {
  const { tools, inputs, opts, out, print } = ctx;
  const seconds = opts.quick ? 2 : 5;
  const dir = join(out, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = await startPort53d({ zonesDir: inputs.zonesDir, origin: BENCH_ORIGIN, cpu: 0, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  let load;
  // V8's profile clock and process.hrtime are both CLOCK_MONOTONIC: keep only the samples under load.
  const window = { from: 0, to: Infinity };
  try {
    window.from = Number(process.hrtime.bigint() / 1000n);
    load = await dnsperf({ dnsperf: tools.dnsperf, port: server.port, queryFile: inputs.queryFile, seconds, cpu: 1 });
    window.to = Number(process.hrtime.bigint() / 1000n);
  } finally {
    await server.stop(10_000); // SIGTERM: node writes the profile as it exits
  }
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) throw new Error(`no .cpuprofile written in ${dir} (did port53d exit on SIGTERM?)`);
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  let { rows, totalMs, idleMs } = selfTimes(profile, window);
  let scope = 'the dnsperf run only';
  if (totalMs < 100) {
    ({ rows, totalMs, idleMs } = selfTimes(profile));
    scope = 'the whole process (the load window matched no samples), start-up and zone load included';
  }
  const busy = totalMs - idleMs;
  const t = new Table(`port53d CPU profile under dnsperf (${seconds} s, ${fmt(load.qps)} qps): top ${TOP} functions by self time`, ['function', 'where', 'main caller', 'self ms', '% of busy']);
  for (const r of rows.slice(0, TOP)) t.add([r.name, r.where, r.caller, fmt(r.ms, 1), `${((100 * r.ms) / busy).toFixed(1)}%`]);
  t.note(`profile: ${relative(REPO, file)} (open in Chrome DevTools or speedscope); busy ${fmt(busy)} ms of ${fmt(totalMs)} ms sampled over ${scope}.`);
  print(`  profile written: ${file}`);
  return [t];
}

/** Self time per function (name, file, line) from a V8 .cpuprofile, largest first. */
export function selfTimes(profile, window = { from: -Infinity, to: Infinity }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const ms = new Map();
  const callers = new Map();
  let totalMs = 0;
  let idleMs = 0;
  // DevTools' convention: sample i lasts until sample i+1.
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length - 1; i++) {
    at += profile.timeDeltas[i];
    if (at < window.from || at > window.to) continue;
    const node = byId.get(profile.samples[i]);
    const dt = profile.timeDeltas[i + 1] / 1000;
    totalMs += dt;
    const f = node.callFrame;
    if (f.functionName === '(idle)') idleMs += dt;
    const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}`;
    ms.set(key, (ms.get(key) ?? 0) + dt);
    const parent = parentOf.get(node.id)?.callFrame;
    if (parent) {
      const byCaller = callers.get(key) ?? new Map();
      const name = parent.functionName || '(anonymous)';
      byCaller.set(name, (byCaller.get(name) ?? 0) + dt);
      callers.set(key, byCaller);
    }
  }
  const rows = [...ms.entries()]
    .map(([key, t]) => {
      const [name, url, line] = key.split('\u0000');
      const label = name || '(anonymous)';
      const caller = [...(callers.get(key) ?? new Map()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
      return { caller, name: label.length > 60 ? `${label.slice(0, 57)}...` : label, where: url ? `${shortUrl(url)}:${Number(line) + 1}` : '', ms: t };
    })
    .filter((r) => r.name !== '(idle)')
    .sort((a, b) => b.ms - a.ms);
  return { rows, totalMs, idleMs };
}

function shortUrl(url) {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(REPO) ? relative(REPO, path) : path;
}
