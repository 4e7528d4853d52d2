/**
 * port53's zone loading in a process of its own: read, parse and check the zone file
 * (loadZone), then build the served tree (buildCatalog), both kept alive as port53d keeps them.
 * Prints one JSON line: wall ms from before loadZone to after buildCatalog, and peak RSS.
 * Usage: node zoneload-port53.mjs FILE ORIGIN
 */
import { performance } from 'node:perf_hooks';

const [file, origin] = process.argv.slice(2);
// Internal modules of the built server: the entry point exports createServer only.
const { loadZone } = await import('../packages/server/dist/zonefile/index.js');
const { buildCatalog } = await import('../packages/server/dist/store/catalog.js');

const t0 = performance.now();
const zone = await loadZone({ file, origin });
const loaded = performance.now();
const catalog = buildCatalog([zone]);
const t1 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    records: zone.records.length,
    zones: catalog.size,
    loadMs: loaded - t0,
    catalogMs: t1 - loaded,
    ms: t1 - t0,
    maxRssKiB: process.resourceUsage().maxRSS,
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
  })}\n`,
);
