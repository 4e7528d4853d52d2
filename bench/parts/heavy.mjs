/**
 * Issue 12 §5: what the heaviest query a client can send costs port53d's answering path, as a
 * ratio to a plain one. The heavy query is a normal question followed by 65 KB of additional
 * records, each owner a label and a pointer to the previous one, on 127-step chains: a decoder
 * that followed those names would pay 127 hops per record. Both go through respond() (the pure
 * answer function the transports call), interleaved, median of each; target: at most 10×.
 */
import { buildCatalog, loadZone, respond } from '@port53/server';
import { encode } from '@port53/wire';
import { join } from 'node:path';
import { REPO } from '../servers.mjs';
import { fmt, fmtRatio, median, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = [];

const question = (id) => encode({ id, flags: { rd: false }, questions: [{ name: 'host1.example.test', type: 'A', class: 'IN' }] });

function heavyQuery() {
  const head = Buffer.from(question(1));
  const parts = [head];
  let at = head.length;
  let previous = -1;
  let count = 0;
  while (at + 4 + 10 + 4 <= 65_000) {
    const owner = previous < 0 || count % 127 === 0 ? Buffer.from([1, 0x61, 0]) : Buffer.from([1, 0x61, 0xc0 | (previous >> 8), previous & 0xff]);
    parts.push(owner, Buffer.from([0, 1, 0, 1, 0, 0, 0, 0, 0, 4]), Buffer.alloc(4, 7));
    previous = at;
    at += owner.length + 14;
    count++;
  }
  const out = Buffer.concat(parts);
  out.writeUInt16BE(count, 10); // ARCOUNT
  return { bytes: out, records: count };
}

/** Median µs of respond() on `bytes`, `n` times. */
function cost(catalog, bytes, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    respond(bytes, catalog, 'tcp');
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return median(times);
}

export async function heavyPart(ctx) {
  const { opts, print } = ctx;
  const catalog = buildCatalog([await loadZone({ file: join(REPO, 'zones', 'example.test.zone') })]);
  const heavy = heavyQuery();
  const plain = question(2);
  const rounds = opts.quick ? 3 : 7;
  const plainUs = [];
  const heavyUs = [];
  cost(catalog, plain, 5000); // warm the JIT on both shapes
  cost(catalog, heavy.bytes, 200);
  for (let r = 0; r < rounds; r++) {
    plainUs.push(cost(catalog, plain, 5000));
    heavyUs.push(cost(catalog, heavy.bytes, 300));
  }
  const p = median(plainUs);
  const h = median(heavyUs);
  const t = new Table(`a ${heavy.bytes.length}-octet query (${heavy.records} additional records on 127-step pointer chains) vs a plain one, respond() only, ${rounds} interleaved rounds`, ['', 'median µs', '×plain']);
  t.add(['plain query (host1.example.test A)', fmt(p, 1), '1.00×']);
  t.add(['heavy query (same question)', fmt(h, 1), fmtRatio(ratio(h, p))]);
  t.note('Target (issue 12 §5): at most 10×. The additional records are stepped over by their lengths, their names never followed.');
  print(`  heavy: plain ${fmt(p, 1)} µs, heavy ${fmt(h, 1)} µs (${fmtRatio(ratio(h, p))})`);
  return [t];
}
