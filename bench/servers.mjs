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

/** port53d --zones zonesDir; `nodeArgs` go to node (e.g. --cpu-prof). */
export async function startPort53d({ zonesDir, origin, cpu, nodeArgs = [], readyMs = 30_000 }) {
  const port = await freePort();
  const args = [...nodeArgs, PORT53D, '--zones', zonesDir, '--port', String(port), '--address', '127.0.0.1', '--log-level', 'warn'];
  return reference.startServing('port53d', process.execPath, args, { port, origin, cpu, waitFor: 'zone', readyMs });
}

/** NSD serving `zoneFile` for `origin`, its files in `dir`. */
export function startNsd({ nsd, dir, origin, zoneFile, cpu, readyMs = 30_000 }) {
  return reference.startNsd(nsd, [{ origin, file: zoneFile }], { dir, cpu, waitFor: 'zone', readyMs });
}

/** Knot serving `zoneFile` for `origin` with one worker of each kind, its files in `dir`. */
export function startKnot({ knotd, dir, origin, zoneFile, cpu, readyMs = 30_000 }) {
  return reference.startKnot(knotd, [{ origin, file: zoneFile }], { dir, cpu, workers: 1, waitFor: 'zone', readyMs });
}
