import { createServer, type Server } from '@port53/server';
import { startKnot, startNsd, type ReferenceServer, type ZoneSpec } from './reference-servers.mjs';

/** port53d, NSD and Knot serving the same zones on loopback, for the differential tests. */
export interface ThreeServers {
  ours: Server;
  nsd: ReferenceServer;
  knot: ReferenceServer;
  stop(): Promise<void>;
}

export async function startThreeServers(tools: Record<string, string>, specs: ZoneSpec[]): Promise<ThreeServers> {
  const [nsd, knot, ours] = await Promise.all([
    startNsd(tools.nsd, specs),
    startKnot(tools.knotd, specs),
    createServer({ zones: specs, addresses: ['127.0.0.1'], port: 0 }),
  ]);
  return { ours, nsd, knot, stop: async () => void (await Promise.all([nsd.stop(), knot.stop(), ours.close()])) };
}
