import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runFuzz } from '../../../test/fuzz/fuzz.mjs';

// The short form of `pnpm fuzz`: the same harness against the built port53d (pnpm test builds first).
describe('fuzzing port53d (short run)', () => {
  test('20,000 random and mutated UDP packets and TCP garbage: no crash, every probe answered, memory flat', async () => {
    const report = await runFuzz({ packets: 20_000, seconds: 15, rate: 10_000, seed: 53 });
    expect(report.failures).toEqual([]);
    expect(report.packets).toBeGreaterThanOrEqual(20_000);
    expect(report.probes).toBeGreaterThanOrEqual(3); // after 10,000, 20,000 and at the end
    expect(report.tcp.connections).toBeGreaterThan(20);
    // FORMERR, NOTIMP and REFUSED all came back, and no UDP reply exceeded the EDNS payload size.
    expect(Object.keys(report.replies.byRcode)).toEqual(expect.arrayContaining(['0', '1', '3', '4', '5']));
    expect(report.replies.largest).toBeLessThanOrEqual(1232);
  }, 30_000);

  test('the harness notices a wrong probe answer (here: a zone whose host1 has other addresses)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'port53-fuzz-'));
    try {
      const zones = fileURLToPath(new URL('../../../zones/', import.meta.url));
      await cp(zones, dir, { recursive: true });
      const file = path.join(dir, 'example.test.zone');
      await writeFile(file, (await readFile(file, 'utf8')).replace('192.0.2.12', '192.0.2.13'));
      const report = await runFuzz({ packets: 2_000, seconds: 5, probeEvery: 1_000, zonesDir: dir });
      expect(report.failures.length).toBeGreaterThan(0);
      expect(report.failures[0]).toMatch(/^probe 1 over UDP: wrong answer/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
