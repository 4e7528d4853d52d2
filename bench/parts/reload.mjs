/**
 * Query latency during a reload of the zoneload part's big zone (1,000,000 records; --quick
 * 100,000): UDP queries at 500/s for a fixed window from the SIGHUP on, the zone file rewritten
 * with a higher serial first, against port53d (worker-thread reload) and NSD (forked reload).
 * A query without a reply within 2 s counts as lost. One round each, interleaved.
 */
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildQuery } from '../../test/support/dns-message.mjs';
import { BIG_ORIGIN, writeBigZone } from '../generate.mjs';
import { startNsd, startPort53d } from '../servers.mjs';
import { fmt, fmtRatio, median, percentile, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['nsd'];

const RATE = 500;

export async function reloadPart(ctx) {
  const { tools, opts, out, print } = ctx;
  const records = opts.quick ? 100_000 : 1_000_000;
  const windowMs = opts.quick ? 6_000 : 20_000;
  const dir = join(out, 'reload');
  mkdirSync(join(dir, 'zones'), { recursive: true });
  const zoneFile = join(dir, 'zones', `${BIG_ORIGIN}.zone`);
  writeBigZone(zoneFile, records);
  let serial = Number(/SOA \S+ \S+ (\d+)/.exec(readFileSync(zoneFile, 'utf8').slice(0, 4096))[1]);
  const bump = () => {
    const text = readFileSync(zoneFile, 'utf8');
    const next = serial + 1;
    writeFileSync(`${zoneFile}.tmp`, text.replace(` ${serial} `, ` ${next} `));
    // As docs/operations.md says: write a temporary file, then rename it.
    writeFileSync(zoneFile, readFileSync(`${zoneFile}.tmp`));
    serial = next;
  };
  const rows = [];
  const contenders = [
    ['port53d', () => startPort53d({ zonesDir: join(dir, 'zones'), origin: BIG_ORIGIN, readyMs: 300_000 })],
    ['NSD', () => startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-reload'), origin: BIG_ORIGIN, zoneFile, readyMs: 300_000 })],
  ];
  for (const [name, startServer] of contenders) {
    const server = await startServer();
    try {
      bump();
      const r = await streamDuring(server, windowMs, () => process.kill(server.pid ?? server.child.pid, 'SIGHUP'));
      print(`  reload ${name}: ${fmt(r.sent)} sent, ${fmt(r.lost)} lost, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms`);
      rows.push([name, r]);
    } finally {
      await server.stop();
    }
  }
  const nsd = rows.find(([n]) => n === 'NSD')?.[1];
  const t = new Table(`Query latency during a SIGHUP reload of ${fmt(records)} records, ${RATE} q/s over ${windowMs / 1000} s`, ['server', 'sent', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'p99 ×NSD']);
  for (const [name, r] of rows) t.add([name, fmt(r.sent), fmt(r.lost), r.p50.toFixed(2), r.p99.toFixed(2), r.max.toFixed(1), fmtRatio(ratio(r.p99, nsd?.p99))]);
  return [t];
}

/** Queries at RATE per second for windowMs, `trigger` called after the first 200 ms; latencies of the replies. */
async function streamDuring(server, windowMs, trigger) {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const sent = new Map();
  const delays = [];
  socket.on('message', (msg) => {
    const id = msg.readUInt16BE(0);
    const at = sent.get(id);
    if (at === undefined) return;
    sent.delete(id);
    delays.push(performance.now() - at);
  });
  const started = performance.now();
  let n = 0;
  let triggered = false;
  while (performance.now() - started < windowMs) {
    if (!triggered && performance.now() - started > 200) {
      triggered = true;
      trigger();
    }
    const id = n & 0xffff;
    sent.set(id, performance.now());
    socket.send(buildQuery({ id, name: `h${(n * 7919) % 40_000}.${BIG_ORIGIN}`, type: 'A' }), server.port, '127.0.0.1');
    n++;
    await new Promise((r) => setTimeout(r, Math.max(0, started + (n * 1000) / RATE - performance.now())));
  }
  await new Promise((r) => setTimeout(r, 2000));
  socket.close();
  const sorted = [...delays].sort((a, b) => a - b);
  return { sent: n, lost: n - delays.length, p50: median(sorted), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}
