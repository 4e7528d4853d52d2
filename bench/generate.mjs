/**
 * The bench's inputs, generated deterministically (seeded) so every run measures the same thing:
 * an ~11.5k-record zone with its dnsperf query mix, and a 1,000,000-record zone for loading.
 */
import { mkdirSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { seeded } from '../test/support/seeded-random.mjs';

export const BENCH_ORIGIN = 'bench.example';
export const BIG_ORIGIN = 'big.example';

const HOSTS = 5000;
const MAIL_HOSTS = 250;
const MX_HOSTS = 500; // host0..host499 have MX
const TXT_FIRST = 500; // host500..host999 have TXT
const TXT_HOSTS = 500;

const ipv4 = (i, net = 10) => `${net}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const ipv6 = (i, net = '2001:db8') => `${net}::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}`;

function soa(origin) {
  return `@ 3600 IN SOA ns1.${origin}. hostmaster.${origin}. 2024010101 7200 3600 1209600 3600`;
}

/** The ~11.5k-record zone: hosts with A and AAAA, some with two A, mail hosts, MX and TXT. */
export function benchZoneText() {
  const o = BENCH_ORIGIN;
  const lines = [`$ORIGIN ${o}.`, '$TTL 3600', soa(o), `@ IN NS ns1.${o}.`, `@ IN NS ns2.${o}.`];
  for (const n of [1, 2]) lines.push(`ns${n} IN A 192.0.2.${n}`, `ns${n} IN AAAA 2001:db8:53::${n}`);
  for (let i = 0; i < HOSTS; i++) {
    lines.push(`host${i} IN A ${ipv4(i)}`, `host${i} IN AAAA ${ipv6(i)}`);
    if (i % 20 === 0) lines.push(`host${i} IN A ${ipv4(i, 11)}`);
  }
  for (let i = 0; i < MAIL_HOSTS; i++) lines.push(`mail${i} IN A ${ipv4(i, 12)}`);
  for (let i = 0; i < MX_HOSTS; i++) lines.push(`host${i} IN MX 10 mail${i % MAIL_HOSTS}.${o}.`);
  for (let i = TXT_FIRST; i < TXT_FIRST + TXT_HOSTS; i++) {
    lines.push(`host${i} IN TXT "v=spf1 ip4:${ipv4(i)}/32 include:_spf.${o} ~all" "id=${i.toString(36)}"`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * dnsperf query lines ("name type"): 70% A/AAAA, 10% MX/TXT, 15% NXDOMAIN, 5% NODATA,
 * shuffled by a seeded generator. Each line also says which class it belongs to.
 */
export function queryMix(count, seed = 53) {
  const rand = seeded(seed);
  const pick = (n, from = 0) => from + Math.floor(rand() * n);
  const o = BENCH_ORIGIN;
  const out = [];
  for (let i = 0; i < count; i++) {
    const r = rand() * 100;
    if (r < 35) out.push({ name: `host${pick(HOSTS)}.${o}`, type: 'A', kind: 'answer' });
    else if (r < 70) out.push({ name: `host${pick(HOSTS)}.${o}`, type: 'AAAA', kind: 'answer' });
    else if (r < 75) out.push({ name: `host${pick(MX_HOSTS)}.${o}`, type: 'MX', kind: 'answer' });
    else if (r < 80) out.push({ name: `host${pick(TXT_HOSTS, TXT_FIRST)}.${o}`, type: 'TXT', kind: 'answer' });
    else if (r < 95) {
      // Half below an existing leaf, half beside it: both are NXDOMAIN (RFC 8020 aside, no ENTs here).
      const name = rand() < 0.5 ? `nx${pick(1_000_000)}.${o}` : `www.host${pick(HOSTS)}.${o}`;
      out.push({ name, type: rand() < 0.5 ? 'A' : 'AAAA', kind: 'nxdomain' });
    } else out.push({ name: `host${pick(HOSTS - 1000, 1000)}.${o}`, type: 'MX', kind: 'nodata' });
  }
  return out;
}

export const queryLine = (q) => `${q.name} ${q.type}`;

/** Hosts that have an A record, for the resolver's lookups. */
export function hostNames(count, seed = 7) {
  const rand = seeded(seed);
  return Array.from({ length: count }, () => `host${Math.floor(rand() * HOSTS)}.${BENCH_ORIGIN}`);
}

/**
 * SOA + NS + (records/2 - 1) hosts with A and AAAA: exactly `records` records, so that the
 * default 1,000,000-record limit of port53's loader admits it.
 */
export function writeBigZone(file, records) {
  const fd = openSync(file, 'w');
  try {
    const o = BIG_ORIGIN;
    writeSync(fd, `$ORIGIN ${o}.\n$TTL 3600\n${soa(o)}\n@ IN NS ns1.example.net.\n`);
    const hosts = records / 2 - 1;
    const chunk = [];
    for (let i = 0; i < hosts; i++) {
      chunk.push(`h${i} IN A ${ipv4(i)}\nh${i} IN AAAA ${ipv6(i)}`);
      if (chunk.length === 10_000) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk.length = 0;
      }
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Writes the bench zone (in its own directory, as port53d --zones wants) and the query file. */
export function writeBenchInputs(dir, queryCount = 100_000) {
  const zonesDir = join(dir, 'zones');
  mkdirSync(zonesDir, { recursive: true });
  const zoneFile = join(zonesDir, `${BENCH_ORIGIN}.zone`);
  const text = benchZoneText();
  writeFileSync(zoneFile, text);
  const queries = queryMix(queryCount);
  const queryFile = join(dir, 'queries.txt');
  writeFileSync(queryFile, `${queries.map(queryLine).join('\n')}\n`);
  const records = text.split('\n').filter((l) => l && !l.startsWith('$')).length;
  return { zonesDir, zoneFile, queryFile, queries, records };
}
