import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRecord, type ResourceRecord } from '@port53/wire';
import { describe, expect, test } from 'vitest';
import { loadZone, parseZoneText } from '../src/zonefile/index.js';
import { findTool } from '../../../test/support/find-tool.mjs';

// Differential test: NSD reads the same files; its printed zone, read back by us, must hold the same records.
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/zones/', import.meta.url));
// Found in /usr/sbin too, which is not on a non-root user's PATH.
const nsdCheckzone = findTool('nsd-checkzone');
const haveNsd = nsdCheckzone !== undefined;
if (!haveNsd) {
  if (process.env.PORT53_REQUIRE_TOOLS === '1') throw new Error('nsd-checkzone is required (PORT53_REQUIRE_TOOLS=1) but not installed');
  console.log('skipping zone-nsd tests: nsd-checkzone is not installed (apt-get install nsd)');
}

function normal(records: ResourceRecord[]): string[] {
  return records.map((r) => formatRecord({ ...r, name: r.name.toLowerCase() } as ResourceRecord)).sort();
}

describe.skipIf(!haveNsd)('zone files read like NSD reads them', () => {
  test.each([
    ['example.test', path.join(repo, 'zones', 'example.test.zone')],
    ['2.0.192.in-addr.arpa', path.join(repo, 'zones', '2.0.192.in-addr.arpa.zone')],
    ['syntax.test', path.join(fixtures, 'syntax.test.zone')],
    ['loops.test', path.join(fixtures, 'loops.test.zone')],
  ])('%s', async (origin, file) => {
    const ours = await loadZone({ file, origin });
    const run = spawnSync(nsdCheckzone!, ['-p', origin, path.basename(file)], { cwd: path.dirname(file), encoding: 'utf8', timeout: 10_000 });
    expect(run.status, run.stderr).toBe(0);
    const theirs = parseZoneText(run.stdout, { file: 'nsd-checkzone output', origin });
    expect(theirs.errors.map((e) => e.message)).toEqual([]);
    expect(normal(ours.records)).toEqual(normal(theirs.records));
  });
});
