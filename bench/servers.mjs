/**
 * The three servers under test, each on 127.0.0.1 on a free port, optionally pinned to one CPU:
 * port53d (the built CLI), NSD (one server process, rate limiting off) and Knot (one UDP, TCP
 * and background worker). Files live in a directory of the bench's output.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/loopback.mjs';
import { waitUntilServing } from './exchange.mjs';
import { start, stop } from './processes.mjs';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const PORT53D = join(REPO, 'packages/server/bin/port53d.js');

/** `taskset -c CPU command args` when a CPU is given (taskset execs: the pid is the server's). */
function pinned(cpu, command, args) {
  return cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
}

async function launch(name, cpu, command, args, port, origin, readyMs, dir) {
  const started = process.hrtime.bigint();
  const child = start(...pinned(cpu, command, args));
  try {
    await waitUntilServing(port, origin, child, readyMs);
  } catch (err) {
    await stop(child);
    throw new Error(`${name} did not start: ${err.message}`);
  }
  const readyMsMeasured = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    name,
    port,
    pid: child.pid,
    child,
    readyMs: readyMsMeasured,
    async stop(graceMs) {
      await stop(child, graceMs);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** port53d --zones zonesDir; `nodeArgs` go to node (e.g. --cpu-prof). */
export async function startPort53d({ zonesDir, origin, cpu, nodeArgs = [], readyMs = 30_000 }) {
  const port = await freePort();
  const args = [...nodeArgs, PORT53D, '--zones', zonesDir, '--port', String(port), '--address', '127.0.0.1', '--log-level', 'warn'];
  return launch('port53d', cpu, process.execPath, args, port, origin, readyMs);
}

/** NSD in the foreground (-d), server-count 1, rrl off, no database file. */
export async function startNsd({ nsd, dir, origin, zoneFile, cpu, readyMs = 30_000 }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const conf = [
    'server:',
    `  ip-address: 127.0.0.1@${port}`,
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${dir}/nsd.pid"`,
    `  xfrdfile: "${dir}/xfrd.state"`,
    `  zonelistfile: "${dir}/zone.list"`,
    `  logfile: "${dir}/nsd.log"`,
    '  server-count: 1',
    '  verbosity: 0',
    '  rrl-ratelimit: 0',
    'remote-control:',
    '  control-enable: no',
    'zone:',
    `  name: "${origin}"`,
    `  zonefile: "${resolve(zoneFile)}"`,
  ].join('\n');
  writeFileSync(join(dir, 'nsd.conf'), `${conf}\n`);
  return launch('NSD', cpu, nsd, ['-d', '-c', join(dir, 'nsd.conf')], port, origin, readyMs, dir);
}

/** Knot in the foreground: 1 UDP, 1 TCP and 1 background worker, zone file loaded whole, no journal. */
export async function startKnot({ knotd, dir, origin, zoneFile, cpu, readyMs = 30_000 }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  mkdirSync(join(dir, 'db'), { recursive: true });
  const port = await freePort();
  const conf = [
    'server:',
    `  listen: 127.0.0.1@${port}`,
    `  rundir: "${dir}/run"`,
    '  udp-workers: 1',
    '  tcp-workers: 1',
    '  background-workers: 1',
    'database:',
    `  storage: "${dir}/db"`,
    'log:',
    '  - target: stderr',
    '    any: error',
    'template:',
    '  - id: default',
    '    zonefile-sync: -1',
    '    zonefile-load: whole',
    '    journal-content: none',
    'zone:',
    `  - domain: "${origin}"`,
    `    file: "${resolve(zoneFile)}"`,
  ].join('\n');
  writeFileSync(join(dir, 'knot.conf'), `${conf}\n`);
  return launch('Knot', cpu, knotd, ['-c', join(dir, 'knot.conf')], port, origin, readyMs, dir);
}
