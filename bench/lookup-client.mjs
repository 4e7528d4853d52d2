/**
 * One lookup() measurement in its own process (run inside the lookup part's network namespace,
 * where /etc/resolv.conf names 127.0.0.1). Prints one JSON line.
 *   silent:   `count` lookups at once of names whose server never answers; when each ended.
 *   uncached: `count` lookups of names never asked before (a wildcard zone), `concurrency` in flight.
 *   cached:   `names` names asked once, then `count` lookups of them untimed, then `count` timed; `concurrency` in flight.
 * impl: node (dns.lookup: getaddrinfo on libuv's thread pool), port53 (@port53/resolver/dns
 * lookup, its defaults: /etc/hosts, resolv.conf), cacheable (the cacheable-lookup package over a
 * node:dns Resolver).
 * Usage: node lookup-client.mjs '{"impl":"port53","mode":"cached","count":N,"concurrency":N,"names":N,"capMs":N}'
 */
import dns from 'node:dns';
import { performance } from 'node:perf_hooks';

const spec = JSON.parse(process.argv[2]);
const tag = `${process.pid}-${Date.now().toString(36)}`;

async function makeLookup() {
  if (spec.impl === 'node') return (name) => dns.promises.lookup(name);
  if (spec.impl === 'cacheable') {
    const { default: CacheableLookup } = await import('cacheable-lookup');
    const resolver = new dns.promises.Resolver();
    resolver.setServers(['127.0.0.1']);
    const cacheable = new CacheableLookup({ resolver });
    return (name) => cacheable.lookupAsync(name);
  }
  const { createLookup } = await import('../packages/resolver/dist/node-dns/index.js');
  const { promises } = createLookup();
  return (name) => promises.lookup(name);
}

/** Runs `names` with at most `concurrency` in flight. */
async function drive(lookup, names, concurrency) {
  let next = 0;
  let errors = 0;
  const firstErrors = [];
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      try {
        await lookup(name);
      } catch (err) {
        errors++;
        if (firstErrors.length < 3) firstErrors.push(`${name}: ${err.code ?? ''} ${err.message}`);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  return { ms, perSecond: (names.length * 1000) / ms, errors, firstErrors };
}

/** All `count` at once; when each ended, and how many had by capMs (the rest still hang). */
async function silent(lookup) {
  const ended = [];
  const codes = {};
  const t0 = performance.now();
  const all = Array.from({ length: spec.count }, (_, i) =>
    lookup(`s${i}-${tag}.lookup.test`).then(
      () => ended.push(performance.now() - t0),
      (err) => {
        ended.push(performance.now() - t0);
        codes[err.code] = (codes[err.code] ?? 0) + 1;
      },
    ),
  );
  let timer;
  const cap = new Promise((resolve) => (timer = setTimeout(resolve, spec.capMs)));
  await Promise.race([Promise.all(all), cap]);
  clearTimeout(timer);
  const sorted = ended.sort((a, b) => a - b);
  return { count: spec.count, done: sorted.length, firstMs: sorted[0] ?? null, lastMs: sorted.length === spec.count ? sorted[sorted.length - 1] : null, capMs: spec.capMs, codes };
}

const lookup = await makeLookup();
let result;
if (spec.mode === 'silent') result = await silent(lookup);
else if (spec.mode === 'uncached') {
  const names = Array.from({ length: spec.count }, (_, i) => `u${i}-${tag}.lookup.test`);
  result = await drive(lookup, names, spec.concurrency);
} else {
  const names = Array.from({ length: spec.names }, (_, i) => `c${i}-${tag}.lookup.test`);
  await drive(lookup, names, spec.concurrency);
  const asked = Array.from({ length: spec.count }, (_, i) => names[i % names.length]);
  // One untimed pass first, as the resolver part warms up: a pass of 200,000 lookups takes about
  // 0.3 s, of which the JIT's tiering up of either implementation was a varying share.
  await drive(lookup, asked, spec.concurrency);
  result = await drive(lookup, asked, spec.concurrency);
}
process.stdout.write(`${JSON.stringify({ ...result, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 })}\n`);
process.exit(0); // silent mode: getaddrinfo threads still blocked must not keep the process
