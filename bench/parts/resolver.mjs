/**
 * Resolver throughput: port53's Resolver vs node:dns's Resolver (c-ares), each in a fresh
 * process pinned to CPU 1, against NSD pinned to CPU 0; rounds interleaved.
 */
import { join } from 'node:path';
import { BENCH_ORIGIN } from '../generate.mjs';
import { run } from '../processes.mjs';
import { startNsd } from '../servers.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['nsd', 'taskset'];

const CLIENT = new URL('../resolver-client.mjs', import.meta.url).pathname;

/**
 * The Resolver option that bounds queries per socket/port, if this build has one: the issue
 * fixes the behaviour (default ≤ 32, down to 1) but not the name, so it is looked up in DEFAULTS.
 */
async function reuseOption() {
  if (process.env.BENCH_RESOLVER_REUSE_OPTION) return process.env.BENCH_RESOLVER_REUSE_OPTION;
  const { DEFAULTS } = await import('../../packages/resolver/dist/index.js');
  return Object.keys(DEFAULTS).find((k) => /per(socket|port)|reuse|queriesPer/i.test(k));
}

export async function resolverPart(ctx) {
  const { tools, inputs, opts, out, print } = ctx;
  const count = opts.quick ? 5000 : 20_000;
  const warmup = opts.quick ? 500 : 2000;
  const concurrency = 100;
  const option = await reuseOption();
  const variants = option
    ? [
        { label: `port53 Resolver (${option}: 1)`, impl: 'port53', options: { [option]: 1 } },
        { label: `port53 Resolver (${option}: 32)`, impl: 'port53', options: { [option]: 32 } },
      ]
    : [{ label: 'port53 Resolver (defaults)', impl: 'port53', options: {} }];
  variants.push({ label: 'node:dns Resolver', impl: 'node', options: {} });

  const nsd = await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-resolver'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile, cpu: 0 });
  const results = new Map(variants.map((v) => [v.label, []]));
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      for (const v of variants) {
        const spec = JSON.stringify({ impl: v.impl, port: nsd.port, count, concurrency, warmup, options: v.options });
        const { code, output } = await run('taskset', ['-c', '1', process.execPath, CLIENT, spec], { timeoutMs: 120_000 });
        const line = output.split('\n').find((l) => l.startsWith('{'));
        if (code !== 0 || !line) throw new Error(`${v.label} client failed (exit ${code}): ${output.slice(-1500)}`);
        const r = JSON.parse(line);
        results.get(v.label).push(r);
        print(`  resolver round ${round}/${opts.rounds} ${v.label}: ${fmt(r.perSecond)}/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${r.errors}${r.errors ? ` (${r.firstErrors.join('; ')})` : ''}`);
      }
    }
  } finally {
    await nsd.stop();
  }

  const base = results.get('node:dns Resolver');
  const t = new Table(`Resolver: ${fmt(count)} resolve4 lookups at concurrency ${concurrency} against NSD, ${opts.rounds} interleaved round(s), medians`, [
    'resolver',
    'lookups/s',
    '×node:dns',
    'p50 ms',
    'p99 ms',
    'errors',
    'client CPU ms',
    'CPU µs/lookup',
    'lookups/s per round',
  ]);
  const summary = {};
  for (const [label, runs] of results) {
    const r = {
      perSecond: median(runs.map((x) => x.perSecond)),
      vsNode: median(runs.map((x, i) => ratio(x.perSecond, base[i].perSecond))),
      p50: median(runs.map((x) => x.p50)),
      p99: median(runs.map((x) => x.p99)),
      errors: runs.reduce((n, x) => n + x.errors, 0),
      cpuMs: median(runs.map((x) => x.cpuMs)),
      cpuUsPerLookup: median(runs.map((x) => x.cpuUsPerLookup)),
    };
    summary[label] = r;
    t.add([label, fmt(r.perSecond), fmtRatio(r.vsNode), r.p50.toFixed(2), r.p99.toFixed(2), String(r.errors), fmt(r.cpuMs), r.cpuUsPerLookup.toFixed(1), runs.map((x) => fmt(x.perSecond)).join(' / ')]);
  }
  // Issue 17: lookups/s ≥ 1.30× node:dns with sockets shared (≤ 32 queries per port), ≥ 0.80× with a port per query; p99 ≤ node:dns's.
  for (const v of variants.filter((x) => x.impl === 'port53')) {
    const r = summary[v.label];
    const target = option && v.options[option] === 1 ? 0.8 : 1.3;
    const runs = results.get(v.label);
    const p99Ratio = median(runs.map((x, i) => x.p99 / base[i].p99));
    t.note(`target ≥ ${target.toFixed(2)}× node:dns, ${v.label}: ${r.vsNode >= target ? 'met' : 'NOT met'} (${fmtRatio(r.vsNode)}); p99 ≤ 1.0× node:dns's: ${p99Ratio <= 1 ? 'met' : 'NOT met'} (${fmtRatio(p99Ratio)})`);
  }
  if (!option) t.note('this Resolver has no queries-per-port option yet (none found in its DEFAULTS): only its default was measured.');
  t.note(`each measurement is a fresh node process pinned to CPU 1 (NSD on CPU 0), ${fmt(warmup)} untimed warm-up lookups first; client CPU ms includes the warm-up and start-up; CPU µs/lookup is the timed lookups' alone (steadier than lookups/s on a shared machine).`);
  return [t];
}
