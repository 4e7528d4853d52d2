/**
 * Response sizes over the query mix. dnsperf's own query octets are captured (by pointing it at
 * a socket here that echoes each query back as a reply) and replayed to port53d, NSD and Knot;
 * a second pass sends the same questions with EDNS (OPT, 1232 octets) as dig and resolvers do.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildQuery, questionOf, readHeader, TYPES } from '../../test/support/dns-message.mjs';
import { BENCH_ORIGIN, queryLine } from '../generate.mjs';
import { run } from '../processes.mjs';
import { startKnot, startNsd, startPort53d } from '../servers.mjs';
import { fmt } from '../stats.mjs';
import { Table } from '../table.mjs';
import { udpExchange } from '../../test/support/loopback.mjs';

export const needs = ['dnsperf', 'nsd', 'knotd'];

const SAMPLE = 500;

export async function sizesPart(ctx) {
  const { tools, inputs, out, print } = ctx;
  const sample = inputs.queries.slice(0, SAMPLE);
  const byQuestion = await captureDnsperfQueries(tools.dnsperf, sample, join(out, 'sizes-sample.txt'));
  const captured = sample.map((q) => byQuestion.get(`${q.name} ${TYPES[q.type]}`));
  const lacking = sample.filter((_, i) => !captured[i]);
  if (lacking.length > 0) throw new Error(`dnsperf's query octets not captured for ${lacking.length} of ${sample.length}, e.g. ${queryLine(lacking[0])}`);
  const servers = [];
  try {
    servers.push(await startPort53d({ zonesDir: inputs.zonesDir, origin: BENCH_ORIGIN }));
    servers.push(await startNsd({ nsd: tools.nsd, dir: join(out, 'nsd-sizes'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile }));
    servers.push(await startKnot({ knotd: tools.knotd, dir: join(out, 'knot-sizes'), origin: BENCH_ORIGIN, zoneFile: inputs.zoneFile }));
    const t = new Table(`Response sizes: ${sample.length} queries of the mix, same query octets to each server`, [
      'queries',
      'port53d bytes',
      'NSD bytes',
      'Knot bytes',
      'port53d ×Knot',
      'port53d > Knot',
      'rcode/count differs from Knot',
    ]);
    const ednsQueries = sample.map((q, i) => buildQuery({ id: (i + 1) & 0xffff, name: q.name, type: q.type, rd: true, edns: { payload: 1232 } }));
    for (const [label, queries] of [
      ['as dnsperf sends them (no EDNS)', captured],
      ['with EDNS (OPT 1232)', ednsQueries],
    ]) {
      const totals = { port53d: 0, NSD: 0, Knot: 0 };
      const larger = [];
      const differs = [];
      for (let i = 0; i < queries.length; i++) {
        const replies = {};
        for (const s of servers) {
          const reply = await udpExchange(s.port, queries[i], { timeoutMs: 2000, sameId: true });
          replies[s.name] = reply;
          totals[s.name] += reply ? reply.length : 0;
        }
        const mine = replies.port53d;
        const knot = replies.Knot;
        if (!mine || !knot) {
          differs.push(`${queryLine(sample[i])}: no reply from ${!mine ? 'port53d' : 'Knot'}`);
          continue;
        }
        if (mine.length > knot.length) larger.push(`${queryLine(sample[i])}: ${mine.length} > ${knot.length}`);
        const a = readHeader(mine);
        const b = readHeader(knot);
        const shape = (h) => `${h.rcode} ${h.ancount}/${h.nscount}/${h.arcount}`;
        if (shape(a) !== shape(b)) differs.push(`${queryLine(sample[i])}: port53d ${shape(a)}, Knot ${shape(b)}`);
      }
      t.add([label, fmt(totals.port53d), fmt(totals.NSD), fmt(totals.Knot), (totals.port53d / totals.Knot).toFixed(3) + '×', String(larger.length), String(differs.length)]);
      if (larger.length > 0) t.note(`${label}: port53d larger than Knot, e.g. ${larger.slice(0, 5).join('; ')}`);
      if (differs.length > 0) t.note(`${label}: rcode or section counts (an/ns/ar) differ from Knot, e.g. ${differs.slice(0, 5).join('; ')}`);
      print(`  sizes ${label}: port53d ${totals.port53d}, NSD ${totals.NSD}, Knot ${totals.Knot}; larger than Knot: ${larger.length}`);
    }
    t.note('target: no response larger than Knot’s for the same query (count 0).');
    return [t];
  } finally {
    for (const s of servers) await s.stop();
  }
}

/**
 * Runs dnsperf once over the sample against a local socket that answers each query with itself
 * (QR set); returns its query octets keyed by "name typecode".
 */
async function captureDnsperfQueries(dnsperfPath, sample, file) {
  writeFileSync(file, `${sample.map(queryLine).join('\n')}\n`);
  const sock = createSocket('udp4');
  const captured = new Map();
  sock.on('message', (msg, rinfo) => {
    const q = questionOf(msg);
    if (q) captured.set(`${q.name} ${q.type}`, Buffer.from(msg));
    const reply = Buffer.from(msg);
    reply[2] |= 0x80;
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise((ok) => sock.bind(0, '127.0.0.1', ok));
  try {
    const args = ['-c', '1', '-T', '1', '-n', '1', '-l', '30', '-t', '2', '-s', '127.0.0.1', '-p', String(sock.address().port), '-d', file];
    const { code, output } = await run(dnsperfPath, args, { timeoutMs: 40_000 });
    if (code !== 0) throw new Error(`dnsperf capture failed: ${output.slice(-500)}`);
  } finally {
    sock.close();
  }
  return captured;
}
