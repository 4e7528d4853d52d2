/**
 * Query latency during a reload of the zoneload part's big zone (1,000,000 records; --quick
 * 100,000): UDP queries at 500/s for a fixed window, first with nothing else happening (idle),
 * then again from a SIGHUP on, the zone file rewritten with a higher serial first, against
 * port53d (worker-thread reload) and NSD (forked reload). A query without a reply within 2 s
 * counts as lost. Every 50th query asks for the SOA: the first reply with the new serial says
 * when the reloaded zone was served. One round each; the chart plots the slowest reply per
 * 100 ms of both windows. Each server is left alone for SETTLE_MS after it serves the zone.
 */
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildQuery, soaSerialOf } from '../../test/support/dns-message.mjs';
import { lineChart } from '../charts.mjs';
import { BIG_ORIGIN, writeBigZone } from '../generate.mjs';
import { startNsd, startPort53d } from '../servers.mjs';
import { fmt, fmtRatio, median, percentile, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['nsd'];

const RATE = 500;
const TRIGGER_MS = 200;
const BUCKET_MS = 100;
const TARGET = 3;
const SETTLE_MS = 3000;

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
    return next;
  };
  const rows = [];
  const contenders = [
    ['port53d', () => startPort53d({ zonesDir: join(dir, 'zones'), origin: BIG_ORIGIN, readyMs: 300_000 })],
    ['NSD', () => startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-reload'), origin: BIG_ORIGIN, zoneFile, readyMs: 300_000 })],
  ];
  for (const [name, startServer] of contenders) {
    const server = await startServer();
    try {
      // Settled first: the collector's work after a large load belongs to neither window.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const idle = await streamDuring(server, windowMs);
      print(`  idle ${name}: ${fmt(idle.sent)} sent, ${fmt(idle.lost)} lost, p50 ${idle.p50.toFixed(2)} ms, p99 ${idle.p99.toFixed(2)} ms, max ${idle.max.toFixed(1)} ms`);
      const next = bump();
      const r = await streamDuring(server, windowMs, () => process.kill(server.pid ?? server.child.pid, 'SIGHUP'), next);
      const served = r.servedAt === undefined ? 'never within the window' : `${fmt(r.servedAt - TRIGGER_MS)} ms after the SIGHUP`;
      print(`  reload ${name}: ${fmt(r.sent)} sent, ${fmt(r.lost)} lost, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms; new serial served ${served}`);
      rows.push([name, idle, r]);
    } finally {
      await server.stop();
    }
  }
  const nsd = rows.find(([n]) => n === 'NSD')?.[2];
  const t = new Table(`Query latency during a SIGHUP reload of ${fmt(records)} records, ${RATE} q/s over ${windowMs / 1000} s, against the same stream idle`, [
    'server',
    'sent',
    'lost',
    'idle p50 ms',
    'idle p99 ms',
    'p50 ms',
    'p99 ms',
    'max ms',
    'p99 ÷ idle p99',
    'p99 ×NSD',
    'reload ms',
  ]);
  for (const [name, idle, r] of rows) {
    t.add([name, fmt(r.sent), fmt(r.lost), idle.p50.toFixed(2), idle.p99.toFixed(2), r.p50.toFixed(2), r.p99.toFixed(2), r.max.toFixed(1), fmtRatio(ratio(r.p99, idle.p99)), fmtRatio(ratio(r.p99, nsd?.p99)), r.servedAt === undefined ? '—' : fmt(r.servedAt - TRIGGER_MS)]);
  }
  const p = rows.find(([n]) => n === 'port53d');
  if (p) {
    const x = ratio(p[2].p99, p[1].p99);
    t.note(`target p99 during the reload ≤ ${TARGET}× idle p99 (port53d): ${x <= TARGET ? 'met' : 'NOT met'} (${fmtRatio(x)})`);
  }
  t.note(`idle: the same stream with no reload, just before it; reload ms: from the SIGHUP to the first SOA reply with the new serial (an SOA query every ${(50 * 1000) / RATE} ms).`);
  t.charts = [
    {
      file: 'reload-latency.svg',
      svg: lineChart({
        title: `Query latency during a reload of ${fmt(records)} records (${RATE} q/s)`,
        subtitle: `slowest reply per ${BUCKET_MS} ms; SIGHUP at ${TRIGGER_MS / 1000} s; dotted: each server's idle p99 (same stream, no reload); lower is better`,
        xUnit: 'seconds into the window',
        yUnit: 'milliseconds (log scale)',
        logY: true,
        series: rows.map(([name, , r]) => ({ name: `${name} during reload`, points: r.buckets })),
        marks: [
          { x: TRIGGER_MS / 1000, label: 'SIGHUP' },
          ...rows.filter(([, , r]) => r.servedAt !== undefined).map(([name, , r]) => ({ x: r.servedAt / 1000, label: `${name} serves the new serial` })),
        ],
        levels: rows.map(([name, idle], i) => ({ y: idle.p99, label: `${name} idle p99 ${idle.p99.toFixed(2)} ms`, series: i })),
      }),
    },
  ];
  return [t];
}

/**
 * Queries at RATE per second for windowMs, `trigger` (if any) called after the first
 * TRIGGER_MS; latencies of the replies, and when an SOA reply first carried `serial`.
 */
async function streamDuring(server, windowMs, trigger, serial) {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const sent = new Map();
  const delays = [];
  const slowest = new Float64Array(Math.ceil(windowMs / BUCKET_MS) + 1);
  let servedAt;
  const started = performance.now();
  socket.on('message', (msg) => {
    const id = msg.readUInt16BE(0);
    const at = sent.get(id);
    if (at === undefined) return;
    sent.delete(id);
    const ms = performance.now() - at;
    delays.push(ms);
    const b = Math.min(slowest.length - 1, Math.floor((at - started) / BUCKET_MS));
    slowest[b] = Math.max(slowest[b], ms);
    if (serial !== undefined && servedAt === undefined && soaSerialOf(msg) === serial) servedAt = at - started;
  });
  let n = 0;
  let triggered = false;
  while (performance.now() - started < windowMs) {
    if (trigger && !triggered && performance.now() - started > TRIGGER_MS) {
      triggered = true;
      trigger();
    }
    const id = n & 0xffff;
    sent.set(id, performance.now());
    const q = n % 50 === 0 ? { id, name: BIG_ORIGIN, type: 'SOA' } : { id, name: `h${(n * 7919) % 40_000}.${BIG_ORIGIN}`, type: 'A' };
    socket.send(buildQuery(q), server.port, '127.0.0.1');
    n++;
    await new Promise((r) => setTimeout(r, Math.max(0, started + (n * 1000) / RATE - performance.now())));
  }
  await new Promise((r) => setTimeout(r, 2000));
  socket.close();
  const sorted = [...delays].sort((a, b) => a - b);
  const buckets = [...slowest].map((ms, i) => [(i * BUCKET_MS) / 1000, ms]).filter(([, ms]) => ms > 0);
  return { sent: n, lost: n - delays.length, p50: median(sorted), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, servedAt, buckets };
}
