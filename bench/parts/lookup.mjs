/**
 * lookup(): @port53/resolver/dns's lookup against dns.lookup (getaddrinfo on libuv's 4-thread
 * pool) and, cached, against the cacheable-lookup package, in one run. dns.lookup reads
 * /etc/resolv.conf, so every client runs in a user+mount+network namespace of its own (unshare
 * -rmn, no root) whose resolv.conf names 127.0.0.1, where port53d (or a socket that never answers)
 * listens on port 53. Rounds interleaved; medians.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../processes.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['unshare', 'ip'];

const NETNS = fileURLToPath(new URL('../lookup-netns.mjs', import.meta.url));

/** One namespace, several client runs; results by label. */
async function inNamespace(job, timeoutMs) {
  const { code, output } = await run('unshare', ['-rmn', process.execPath, NETNS, JSON.stringify(job)], { timeoutMs });
  const results = {};
  for (const line of output.split('\n')) {
    const m = /^RESULT (\S+) (.*)$/.exec(line);
    if (m) results[m[1]] = JSON.parse(m[2]);
  }
  if (Object.keys(results).length === 0) throw new Error(`lookup namespace failed (exit ${code}): ${output.slice(-1500)}`);
  for (const [label, r] of Object.entries(results)) if (r.failed) throw new Error(`${label}: ${r.failed}`);
  return results;
}

export async function lookupPart(ctx) {
  const { opts, out, print } = ctx;
  const zonesDir = join(out, 'lookup-zones');
  mkdirSync(zonesDir, { recursive: true });
  // Every name below lookup.test has an A and an AAAA record (RFC 4592 wildcard): any name is new.
  writeFileSync(
    join(zonesDir, 'lookup.test.zone'),
    ['$ORIGIN lookup.test.', '$TTL 300', '@ SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ NS ns1', 'ns1 A 127.0.0.1', '* A 192.0.2.1', '* AAAA 2001:db8::1', ''].join('\n'),
  );

  // 1. A server that never answers: 100 lookups at once.
  const silentOptions = opts.quick ? 'options timeout:1 attempts:1' : '';
  const capMs = opts.quick ? 30_000 : 60_000;
  const silentSpec = (impl) => ({ impl, mode: 'silent', count: 100, capMs });
  print(`  lookup: 100 lookups at once, server never answers (resolv.conf: '${silentOptions || 'glibc defaults: timeout:5 attempts:2'}'), node:dns capped at ${capMs / 1000} s`);
  const silent = await inNamespace(
    { resolvConf: `nameserver 127.0.0.1\n${silentOptions}\n`, zonesDir: null, runs: [{ label: 'port53', spec: silentSpec('port53') }, { label: 'node', spec: silentSpec('node') }] },
    2 * capMs + 60_000,
  );
  const t1 = new Table('lookup(): 100 lookups at once of names whose server never answers', ['lookup', 'ended', 'first ended s', 'all ended s', 'errors']);
  for (const [label, r] of [['port53 lookup()', silent.port53], ['node:dns lookup (getaddrinfo)', silent.node]]) {
    t1.add([label, `${r.done} of ${r.count}`, fmt(r.firstMs / 1000, 1), r.lastMs === null ? `> ${fmt(r.capMs / 1000)} (cap)` : fmt(r.lastMs / 1000, 1), Object.entries(r.codes).map(([c, n]) => `${c} ${n}`).join(', ')]);
  }
  t1.note(`resolv.conf: nameserver 127.0.0.1 ${silentOptions ? `+ ${silentOptions}` : '(glibc defaults: 5 s per try, 2 tries)'}; both read it. getaddrinfo runs on libuv's pool of 4 threads, so lookups wait for each other; port53's run at once and end by their deadline.`);

  // 2. Uncached and cached lookups/s against port53d on 127.0.0.1:53.
  const count = opts.quick ? 2000 : 10_000;
  const cachedCount = opts.quick ? 20_000 : 200_000;
  const runs = [];
  for (let round = 1; round <= opts.rounds; round++) {
    runs.push({ label: `uncached-port53-${round}`, spec: { impl: 'port53', mode: 'uncached', count, concurrency: 50 } });
    runs.push({ label: `uncached-node-${round}`, spec: { impl: 'node', mode: 'uncached', count, concurrency: 50 } });
    runs.push({ label: `cached-port53-${round}`, spec: { impl: 'port53', mode: 'cached', names: 100, count: cachedCount, concurrency: 50 } });
    runs.push({ label: `cached-cacheable-${round}`, spec: { impl: 'cacheable', mode: 'cached', names: 100, count: cachedCount, concurrency: 50 } });
  }
  const rates = await inNamespace({ resolvConf: 'nameserver 127.0.0.1\n', zonesDir, runs }, 30 * 60_000);
  const series = (key) => Array.from({ length: opts.rounds }, (_, i) => rates[`${key}-${i + 1}`]);
  const rows = [
    ['port53 lookup(), uncached', series('uncached-port53'), series('uncached-node')],
    ['node:dns lookup (getaddrinfo), uncached', series('uncached-node'), series('uncached-node')],
    ['port53 lookup(), cached', series('cached-port53'), series('cached-cacheable')],
    ['cacheable-lookup, cached', series('cached-cacheable'), series('cached-cacheable')],
  ];
  const t2 = new Table(`lookup(): lookups/s against port53d on 127.0.0.1:53, 50 in flight, ${opts.rounds} interleaved round(s), medians`, ['lookup', 'lookups/s', '× reference', 'errors', 'client CPU ms', 'lookups/s per round']);
  for (const [label, mine, ref] of rows) {
    t2.add([
      label,
      fmt(median(mine.map((r) => r.perSecond))),
      fmtRatio(median(mine.map((r, i) => ratio(r.perSecond, ref[i].perSecond)))),
      String(mine.reduce((n, r) => n + r.errors, 0)),
      fmt(median(mine.map((r) => r.cpuMs))),
      mine.map((r) => fmt(r.perSecond)).join(' / '),
    ]);
    const firstErrors = mine.flatMap((r) => r.firstErrors);
    if (firstErrors.length) t2.note(`${label}: ${firstErrors.slice(0, 2).join('; ')}`);
  }
  t2.note(`uncached: ${fmt(count)} names never asked before (A and AAAA each), reference dns.lookup; cached: 100 names asked once, then ${fmt(cachedCount)} lookups of them untimed (warm-up), then ${fmt(cachedCount)} timed, reference cacheable-lookup over a node:dns Resolver. Each measurement is a fresh node process; /etc/hosts is read by all.`);
  return [t1, t2];
}
