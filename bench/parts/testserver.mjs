/**
 * `@port53/server/testing` as a test suite pays for it: createTestServer (the example
 * zone, from memory) + one dns.lookup + close, in this process, against starting NSD on the same
 * zone until it answers the zone's SOA. Rounds interleaved; median and p99 of each.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestServer } from '@port53/server/testing';
import { startNsd } from '../servers.mjs';
import { fmt, fmtRatio, median, percentile, ratio } from '../stats.mjs';
import { Table } from '../table.mjs';

export const needs = ['nsd'];

const ORIGIN = 'myapp.test';
const ZONE = { www: { A: ['192.0.2.1'] }, '@': { MX: ['10 mail.myapp.test.'] }, mail: { A: '192.0.2.25' } };

export async function testserverPart(ctx) {
  const { tools, opts, out, print } = ctx;
  const rounds = opts.quick ? 20 : 200;
  // NSD serves exactly the text the test server serves (its made-up SOA and NS included).
  const first = await createTestServer({ zones: { [ORIGIN]: ZONE } });
  const dir = join(out, 'nsd-testserver'); // NSD's own files (made afresh at each start)
  mkdirSync(join(out, 'testserver'), { recursive: true });
  const zoneFile = join(out, 'testserver', `${ORIGIN}.zone`);
  writeFileSync(zoneFile, first.zoneText(ORIGIN));
  await first.close();

  const ours = [];
  const sets = [];
  const nsd = [];
  for (let round = 0; round < rounds + 1; round++) {
    const t0 = process.hrtime.bigint();
    const dns = await createTestServer({ zones: { [ORIGIN]: ZONE } });
    const { address } = await promisify(dns.lookup)('www.myapp.test', { family: 4 });
    await dns.close();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // A record changed mid-test, timed apart (outside the round above): one set() on a running server.
    const changed = await createTestServer({ zones: { [ORIGIN]: ZONE } });
    const t1 = process.hrtime.bigint();
    await changed.set('www.myapp.test', 'A', `192.0.2.${2 + (round % 200)}`);
    const setMs = Number(process.hrtime.bigint() - t1) / 1e6;
    await changed.close();
    if (address !== '192.0.2.1') throw new Error(`lookup gave ${address}`);
    const server = await startNsd({ nsd: tools.nsd, dir, origin: ORIGIN, zoneFile });
    await server.stop();
    if (round === 0) continue; // the first of each warms caches and the JIT
    ours.push(ms);
    sets.push(setMs);
    nsd.push(server.readyMs);
  }
  const t = new Table(`createTestServer + one lookup + close vs NSD start → SOA answered, ${rounds} interleaved rounds`, ['', 'median ms', 'p99 ms', 'median ×NSD']);
  t.add(['createTestServer + lookup + close', fmt(median(ours), 2), fmt(percentile(ours, 99), 2), fmtRatio(ratio(median(ours), median(nsd)))]);
  t.add(['set() of one RRset (serial bumped, swapped in)', fmt(median(sets), 2), fmt(percentile(sets, 99), 2), fmtRatio(ratio(median(sets), median(nsd)))]);
  t.add(['NSD start → SOA answered', fmt(median(nsd), 2), fmt(percentile(nsd, 99), 2), '1.00×']);
  t.note('createTestServer in this process (zone from memory, UDP+TCP bound, made-up SOA/NS), the lookup through dns.lookup (A and AAAA asked), then close(); NSD: spawn until it answers the SOA (polled), then stopped.');
  print(`  testserver: ${fmt(median(ours), 2)} ms median (p99 ${fmt(percentile(ours, 99), 2)}), set() ${fmt(median(sets), 2)} ms, NSD ${fmt(median(nsd), 2)} ms`);
  return [t];
}
