/**
 * One resolver measurement in its own process: `count` resolve4 lookups of hosts in the bench
 * zone, at most `concurrency` outstanding, after `warmup` untimed ones. Prints one JSON line.
 * Usage: node resolver-client.mjs '{"impl":"port53"|"node","port":N,"count":N,"concurrency":N,"warmup":N,"options":{}}'
 */
import dns from 'node:dns';
import { performance } from 'node:perf_hooks';
import { hostNames } from './generate.mjs';

const spec = JSON.parse(process.argv[2]);
const server = `127.0.0.1:${spec.port}`;

async function makeResolve() {
  if (spec.impl === 'node') {
    const r = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
    r.setServers([server]);
    return (name) => r.resolve4(name);
  }
  const { Resolver } = await import('../packages/resolver/dist/index.js');
  const r = new Resolver({ servers: [server], timeout: 2000, tries: 2, resolvConf: false, ...spec.options });
  return (name) => r.resolve4(name);
}

/** Runs `names` through `resolve` with at most `concurrency` in flight; latencies in ms. */
async function drive(resolve, names, concurrency) {
  const latencies = new Float64Array(names.length);
  let next = 0;
  let errors = 0;
  const firstErrors = [];
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      const t0 = performance.now();
      try {
        const answer = await resolve(names[i]);
        if (!Array.isArray(answer) || answer.length === 0) throw new Error('empty answer');
      } catch (err) {
        errors++;
        if (firstErrors.length < 3) firstErrors.push(`${names[i]}: ${err.code ?? ''} ${err.message}`);
      }
      latencies[i] = performance.now() - t0;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - t0, latencies, errors, firstErrors };
}

const resolve = await makeResolve();
const names = hostNames(spec.warmup + spec.count);
await drive(resolve, names.slice(0, spec.warmup), spec.concurrency);
const cpu0 = process.cpuUsage();
const run = await drive(resolve, names.slice(spec.warmup), spec.concurrency);
const timedCpu = process.cpuUsage(cpu0);
const sorted = Float64Array.from(run.latencies).sort();
const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
process.stdout.write(
  `${JSON.stringify({
    lookups: spec.count,
    ms: run.ms,
    perSecond: (spec.count * 1000) / run.ms,
    p50: at(50),
    p99: at(99),
    errors: run.errors,
    firstErrors: run.firstErrors,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    // CPU of the timed lookups alone (no start-up, no warm-up): steadier than lookups/s on a shared machine.
    cpuUsPerLookup: (timedCpu.user + timedCpu.system) / spec.count,
  })}\n`,
);
process.exit(0);
