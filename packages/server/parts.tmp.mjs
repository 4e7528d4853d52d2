import { readFileSync } from 'node:fs';
import { encodeMessage, scanQuestion, questionScan, questionHash } from '@port53/wire';
const lines = readFileSync('/work/wt/fastpath/.bench-out/queries.txt', 'utf8').trim().split('\n').slice(0, Number(process.env.N ?? 20000));
const qs = lines.map((l, i) => { const [n, t] = l.split(/\s+/); return encodeMessage({ id: i, flags: {}, questions: [{ name: n, type: t, class: 'IN' }] }).bytes; });
const slot = new Uint8Array(65536); const scan = questionScan(); let sum = 0;
for (let round = 0; round < 4; round++) {
  let t = process.hrtime.bigint();
  for (let k = 0; k < 10; k++) for (const q of qs) { slot.set(q); }
  const tSet = Number(process.hrtime.bigint() - t) / (10 * qs.length);
  t = process.hrtime.bigint();
  for (let k = 0; k < 10; k++) for (const q of qs) { slot.set(q); scanQuestion(slot, scan, q.length); sum += questionHash(slot, scan.nameEnd, 1, scan.qtype, 0); }
  console.log(`set ${tSet.toFixed(0)} ns; set+scan+hash ${(Number(process.hrtime.bigint() - t) / (10 * qs.length)).toFixed(0)} ns`);
}
