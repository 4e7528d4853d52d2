/**
 * NSD and Knot (and any server told its port) started on 127.0.0.1 on a free port for the
 * interop tests and the bench: configuration, optional CPU pin, waiting until it answers, stop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, stop } from './child-processes.mjs';
import { buildQuery, readHeader } from './dns-message.mjs';
import { freePort, udpExchange } from './loopback.mjs';

/** @typedef {{ origin: string, file: string }} ZoneSpec */

/**
 * @typedef {object} ServingOptions
 * @property {string} [dir] where the server's files go (emptied first); default a new temp dir. Removed by stop().
 * @property {number} [cpu] run under `taskset -c CPU`
 * @property {'reply' | 'zone'} [waitFor] ready at any reply to the first zone's SOA query
 *   (default), or only at NOERROR with an answer (the zone is loaded)
 * @property {number} [readyMs] give up starting after this long (default 10,000)
 * @property {string[]} [serverLines] more lines for the `server:` section (indented as it is)
 * @property {string[]} [templateLines] Knot only: more lines for the default template
 */

/**
 * @typedef {object} ReferenceServer
 * @property {string} name
 * @property {number} port
 * @property {number} pid
 * @property {import('./child-processes.mjs').StartedChild} child
 * @property {number} readyMs how long it took to answer as `waitFor` asks
 * @property {(graceMs?: number) => Promise<void>} stop SIGTERM (SIGKILL after graceMs, default 3000); removes dir
 */

/**
 * NSD in the foreground (-d), one server process, rate limiting off, no database file.
 * @param {string} nsd the nsd executable
 * @param {ZoneSpec[]} zones
 * @param {ServingOptions & { provideXfr?: boolean }} [options] provideXfr: AXFR to 127.0.0.1 without a key
 * @returns {Promise<ReferenceServer>}
 */
export async function startNsd(nsd, zones, options = {}) {
  const dir = workDir('nsd', options.dir);
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
    ...(options.serverLines ?? []),
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap((z) => [
      'zone:', `  name: "${z.origin}"`, `  zonefile: "${resolve(z.file)}"`, ...(options.provideXfr ? ['  provide-xfr: 127.0.0.1 NOKEY'] : []),
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'nsd.conf'), `${conf}\n`);
  return startServing('NSD', nsd, ['-d', '-c', join(dir, 'nsd.conf')], { ...options, port, origin: zones[0].origin, dir });
}

/**
 * Knot in the foreground, zone files loaded whole and never written back, journal off.
 * @param {string} knotd the knotd executable
 * @param {ZoneSpec[]} zones
 * @param {ServingOptions & { workers?: number }} [options] workers: UDP, TCP and background
 *   workers each (default Knot's own, one per CPU)
 * @returns {Promise<ReferenceServer>}
 */
export async function startKnot(knotd, zones, options = {}) {
  const dir = workDir('knot', options.dir);
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  const workers = options.workers === undefined ? [] : ['udp', 'tcp', 'background'].map((w) => `  ${w}-workers: ${options.workers}`);
  const conf = [
    'server:',
    `  listen: 127.0.0.1@${port}`,
    `  rundir: "${dir}/run"`,
    ...workers,
    ...(options.serverLines ?? []),
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
    ...(options.templateLines ?? []),
    'zone:',
    ...zones.flatMap((z) => [`  - domain: "${z.origin}"`, `    file: "${resolve(z.file)}"`]),
  ].join('\n');
  writeFileSync(join(dir, 'knot.conf'), `${conf}\n`);
  return startServing('Knot', knotd, ['-c', join(dir, 'knot.conf')], { ...options, port, origin: zones[0].origin, dir });
}

/**
 * Starts `command args` (already told to listen on 127.0.0.1:port) and resolves once it answers
 * the SOA query for `origin` as `waitFor` asks; stops it and rejects, with its output, if it
 * exits or does not answer within readyMs.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {ServingOptions & { port: number, origin: string }} options
 * @returns {Promise<ReferenceServer>}
 */
export async function startServing(name, command, args, { port, origin, dir, cpu, waitFor = 'reply', readyMs = 10_000 }) {
  const started = process.hrtime.bigint();
  // taskset execs the command: the pid is the server's.
  const child = cpu === undefined ? start(command, args) : start('taskset', ['-c', String(cpu), command, ...args]);
  const server = {
    name,
    port,
    pid: child.pid ?? 0,
    child,
    readyMs: 0,
    /** @param {number} [graceMs] */
    async stop(graceMs) {
      await stop(child, graceMs);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilServing(port, origin, child, waitFor, readyMs);
  } catch (err) {
    await server.stop();
    throw new Error(`${name} did not start: ${/** @type {Error} */ (err).message}`);
  }
  server.readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  return server;
}

/**
 * @param {string} kind
 * @param {string | undefined} dir
 * @returns {string}
 */
function workDir(kind, dir) {
  if (dir === undefined) return mkdtempSync(join(tmpdir(), `port53-${kind}-`));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Polls every 20 ms until the server answers the SOA query; rejects on the child's exit or after ms.
 * @param {number} port
 * @param {string} origin
 * @param {import('./child-processes.mjs').StartedChild} child
 * @param {'reply' | 'zone'} waitFor
 * @param {number} ms
 */
async function waitUntilServing(port, origin, child, waitFor, ms) {
  const until = Date.now() + ms;
  const tail = () => child.output.trim().slice(-2000);
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}): ${tail()}`);
    const id = 1 + Math.floor(Math.random() * 65000);
    const reply = await udpExchange(port, buildQuery({ id, name: origin, type: 'SOA' }), { timeoutMs: 200, sameId: true });
    const h = reply && readHeader(reply);
    if (h && (waitFor === 'reply' || (h.qr && h.rcode === 'NOERROR' && h.ancount > 0))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not answering ${origin} SOA on 127.0.0.1:${port} after ${ms} ms: ${tail()}`);
}
