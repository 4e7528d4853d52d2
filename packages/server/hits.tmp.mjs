import { readFileSync } from 'node:fs';
import { encodeMessage } from '@port53/wire';
import { AnswerCache } from './dist/answer/cache.js';
import { buildCatalog } from './dist/store/catalog.js';
import { loadZone } from './dist/zonefile/index.js';
const cat = buildCatalog([await loadZone({ file: '/work/wt/fastpath/.bench-out/zones/bench.example.zone' })]);
const lines = readFileSync('/work/wt/fastpath/.bench-out/queries.txt', 'utf8').trim().split('\n').slice(0, Number(process.env.N ?? 20000));
const cache = new AnswerCache(cat, process.env.SMALL ? { bytes: 3 << 20, entries: 16384 } : {});
const qs = lines.map((l, i) => { const [n, t] = l.split(/\s+/); return encodeMessage({ id: i, flags: {}, questions: [{ name: n, type: t, class: 'IN' }] }).bytes; });
for (const q of qs) cache.respond(q, 'udp');
const slot = new Uint8Array(65536), out = new Uint8Array(65536);
let sum = 0;
for (let round = 0; round < 5; round++) {
  const t = process.hrtime.bigint();
  for (let k = 0; k < 10; k++) for (const q of qs) { slot.set(q); sum += cache.answerInto(slot, q.length, 'udp', out); }
  console.log(`${(Number(process.hrtime.bigint() - t) / (10 * qs.length)).toFixed(0)} ns/hit (incl. slot.set)`);
}
console.log(cache.counters, sum > 0);
