/**
 * The three servers under test, each on 127.0.0.1 on a free port, optionally pinned to one CPU:
 * port53d (the built CLI), NSD (one server process, rate limiting off) and Knot (one UDP, TCP
 * and background worker). Each counts as started once it answers the zone's SOA (zone loaded).
 * Files live in a directory of the bench's output.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/loopback.mjs';
import * as reference from '../test/support/reference-servers.mjs';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const PORT53D = join(REPO, 'packages/server/bin/port53d.js');

/** port53d --zones zonesDir; `nodeArgs` go to node (e.g. --cpu-prof), `extraArgs` to port53d. */
export async function startPort53d({ zonesDir, origin, cpu, nodeArgs = [], readyMs = 30_000, workers, extraArgs = [] }) {
  const port = await freePort();
  // With --workers, ready means every thread serves: the main thread answers first, so the 'workers' log line (info) is awaited too.
  const more = workers === undefined ? ['--log-level', 'warn'] : ['--workers', String(workers), '--log-level', 'info'];
  const args = [...nodeArgs, PORT53D, '--zones', zonesDir, '--port', String(port), '--address', '127.0.0.1', ...more, ...extraArgs];
  const server = await reference.startServing(workers === undefined ? 'port53d' : `port53d --workers ${workers}`, process.execPath, args, { port, origin, cpu, waitFor: 'zone', readyMs });
  if (workers !== undefined && workers > 1) {
    const until = Date.now() + readyMs;
    while (!server.child.output.includes('"event":"workers"')) {
      if (Date.now() > until || server.child.exitCode !== null) {
        await server.stop();
        throw new Error(`port53d --workers ${workers}: threads not ready: ${server.child.output.slice(-1500)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    server.readyMs = 0; // not comparable: measured before the workers were up
  }
  return server;
}

/** NSD serving `zoneFile` for `origin`, its files in `dir`. */
export function startNsd({ nsd, dir, origin, zoneFile, cpu, readyMs = 30_000, serverCount }) {
  // A later server-count line overrides the reference configuration's 'server-count: 1'.
  const serverLines = serverCount === undefined ? [] : [`  server-count: ${serverCount}`];
  return reference.startNsd(nsd, [{ origin, file: zoneFile }], { dir, cpu, waitFor: 'zone', readyMs, serverLines });
}

/** Knot serving `zoneFile` for `origin` with one worker of each kind, its files in `dir`. */
export function startKnot({ knotd, dir, origin, zoneFile, cpu, readyMs = 30_000 }) {
  return reference.startKnot(knotd, [{ origin, file: zoneFile }], { dir, cpu, workers: 1, waitFor: 'zone', readyMs });
}
