import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode, encode } from '@port53/wire';
import { freePort } from './loopback.mjs';

/** A reference server (NSD or Knot) started by a test on 127.0.0.1 with the given zones. */
export interface ReferenceServer {
  name: 'nsd' | 'knot';
  port: number;
  stop(): Promise<void>;
}

export interface ZoneSpec {
  origin: string;
  file: string;
}

/** Resolves once `port` answers an SOA query for `origin` over UDP, or rejects after `ms`. */
async function waitUntilServing(port: number, origin: string, child: ChildProcess, ms = 10_000): Promise<void> {
  const query = encode({ id: 4242, questions: [{ name: origin, type: 'SOA', class: 'IN' }] });
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((done) => {
      const s = createSocket('udp4');
      const timer = setTimeout(() => {
        s.close();
        done(false);
      }, 200);
      s.on('error', () => {
        clearTimeout(timer);
        s.close();
        done(false);
      });
      s.on('message', (msg) => {
        clearTimeout(timer);
        s.close();
        try {
          done(decode(msg).id === 4242);
        } catch {
          done(false);
        }
      });
      s.send(query, port, '127.0.0.1');
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not answering on 127.0.0.1:${port} after ${ms} ms`);
}

async function launch(
  name: 'nsd' | 'knot',
  command: string,
  args: string[],
  port: number,
  dir: string,
  zones: ZoneSpec[],
): Promise<ReferenceServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(port, zones[0].origin, child);
  } catch (err) {
    await stop();
    throw new Error(`${name} did not start: ${(err as Error).message}\n${output}`);
  }
  return { name, port, stop };
}

/** NSD in the foreground (-d), one server process, rate limiting off, all files in a temp dir. */
export async function startNsd(nsd: string, zones: ZoneSpec[]): Promise<ReferenceServer> {
  const dir = mkdtempSync(join(tmpdir(), 'port53-nsd-'));
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
    ...zones.flatMap((z) => ['zone:', `  name: "${z.origin}"`, `  zonefile: "${resolve(z.file)}"`]),
  ].join('\n');
  writeFileSync(join(dir, 'nsd.conf'), `${conf}\n`);
  return launch('nsd', nsd, ['-d', '-c', join(dir, 'nsd.conf')], port, dir, zones);
}

/** Knot in the foreground, zone files loaded whole and never written back, journal off. */
export async function startKnot(knotd: string, zones: ZoneSpec[]): Promise<ReferenceServer> {
  const dir = mkdtempSync(join(tmpdir(), 'port53-knot-'));
  const port = await freePort();
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'db'));
  const conf = [
    'server:',
    `  listen: 127.0.0.1@${port}`,
    `  rundir: "${dir}/run"`,
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
    ...zones.flatMap((z) => [`  - domain: "${z.origin}"`, `    file: "${resolve(z.file)}"`]),
  ].join('\n');
  writeFileSync(join(dir, 'knot.conf'), `${conf}\n`);
  return launch('knot', knotd, ['-c', join(dir, 'knot.conf')], port, dir, zones);
}
