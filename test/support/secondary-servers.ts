/**
 * NSD and Knot started on loopback as secondaries of a primary (port53d in the transfer tests):
 * zones requested by AXFR/IXFR with a TSIG key, NOTIFY accepted from the primary with that key.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, stop, type StartedChild } from './child-processes.mjs';

export interface TsigKeySpec {
  name: string;
  algorithm: string;
  secret: string;
}

export interface Secondary {
  name: 'NSD' | 'Knot';
  port: number;
  dir: string;
  child: StartedChild;
  /** What the server logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** NSD with `request-xfr` and `allow-notify` for each zone; its log at verbosity 2 names each transfer. */
export function startNsdSecondary(nsd: string, port: number, primaryPort: number, zones: string[], key: TsigKeySpec): Secondary {
  const dir = mkdtempSync(join(tmpdir(), 'port53-nsd2-'));
  const conf = [
    'server:',
    `  ip-address: 127.0.0.1@${port}`,
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    `  xfrdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${dir}/nsd.pid"`,
    `  xfrdfile: "${dir}/xfrd.state"`,
    `  zonelistfile: "${dir}/zone.list"`,
    '  server-count: 1',
    '  verbosity: 2',
    '  rrl-ratelimit: 0',
    'remote-control:',
    '  control-enable: no',
    'key:',
    `  name: "${key.name}"`,
    `  algorithm: ${key.algorithm}`,
    `  secret: "${key.secret}"`,
    ...zones.flatMap((z) => [
      'zone:',
      `  name: "${z}"`,
      `  zonefile: "${dir}/${z}.zone"`,
      `  request-xfr: 127.0.0.1@${primaryPort} ${key.name}`,
      `  allow-notify: 127.0.0.1 ${key.name}`,
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'nsd.conf'), `${conf}\n`);
  return started('NSD', start(nsd, ['-d', '-c', join(dir, 'nsd.conf')]), port, dir);
}

/**
 * Knot with the primary as `master` and an ACL that takes its NOTIFY; info-level log on stderr.
 * With `catalog`, that zone is interpreted as a catalog (RFC 9432) whose members are secondaries
 * of the same primary.
 */
export function startKnotSecondary(knotd: string, port: number, primaryPort: number, zones: string[], key: TsigKeySpec, catalog?: string): Secondary {
  const dir = mkdtempSync(join(tmpdir(), 'port53-knot2-'));
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'db'));
  const conf = [
    'server:',
    `  listen: 127.0.0.1@${port}`,
    `  rundir: "${dir}/run"`,
    '  background-workers: 1',
    'database:',
    `  storage: "${dir}/db"`,
    'log:',
    '  - target: stderr',
    '    any: info',
    'key:',
    `  - id: ${key.name}`,
    `    algorithm: ${key.algorithm}`,
    `    secret: ${key.secret}`,
    'remote:',
    '  - id: primary',
    `    address: 127.0.0.1@${primaryPort}`,
    `    key: ${key.name}`,
    'acl:',
    '  - id: notify-from-primary',
    '    address: 127.0.0.1',
    `    key: ${key.name}`,
    '    action: notify',
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    zonefile-sync: -1',
    '    zonefile-load: none',
    '    journal-content: changes',
    '  - id: member',
    `    storage: "${dir}"`,
    '    zonefile-sync: -1',
    '    zonefile-load: none',
    '    journal-content: changes',
    '    master: primary',
    '    acl: notify-from-primary',
    'zone:',
    ...zones.flatMap((z) => [`  - domain: "${z}"`, '    master: primary', '    acl: notify-from-primary']),
    ...(catalog ? [`  - domain: "${catalog}"`, '    master: primary', '    acl: notify-from-primary', '    catalog-role: interpret', '    catalog-template: member'] : []),
  ].join('\n');
  writeFileSync(join(dir, 'knot.conf'), `${conf}\n`);
  return started('Knot', start(knotd, ['-c', join(dir, 'knot.conf')]), port, dir);
}

function started(name: 'NSD' | 'Knot', child: StartedChild, port: number, dir: string): Secondary {
  return {
    name,
    port,
    dir,
    child,
    log: () => child.output,
    stop: () => stop(child, 3000),
  };
}
