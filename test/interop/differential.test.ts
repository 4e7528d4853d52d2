// Issue 5 §2: the same battery of queries to port53d, NSD and Knot serving the same zone files.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadZone } from '../../packages/server/src/zonefile/index.js';
import { buildBattery, type Probe } from '../support/battery.js';
import { reportBattery, runBattery } from '../support/differential.js';
import { servedZoneSpecs } from '../support/served-zones.js';
import { startThreeServers, type ThreeServers } from '../support/three-servers.js';
import { describeWithTools } from '../support/tools.js';

describeWithTools('differential: port53d vs NSD vs Knot', ['nsd', 'knotd'], (tools) => {
  let servers: ThreeServers | undefined;
  let probes: Probe[] = [];

  beforeAll(async () => {
    const specs = servedZoneSpecs();
    const zones = await Promise.all(specs.map((s) => loadZone({ file: s.file, origin: s.origin })));
    probes = buildBattery(zones);
    servers = await startThreeServers(tools, specs);
  }, 60_000);

  afterAll(async () => {
    await servers?.stop();
  });

  test('port53d agrees with NSD or Knot on every query of the battery', async () => {
    expect(probes.length).toBeGreaterThanOrEqual(200);
    const result = await runBattery(probes, { ours: servers!.ours.port, nsd: servers!.nsd.port, knot: servers!.knot.port });
    reportBattery('differential', result);
    expect(result.failures).toEqual([]);
  }, 120_000);
});
