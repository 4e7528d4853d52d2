/**
 * Runs inside `unshare -rmn` (a user, mount and network namespace of our own, no root needed):
 * brings up lo, mounts a resolv.conf naming 127.0.0.1 over /etc/resolv.conf (so getaddrinfo, i.e.
 * dns.lookup, asks our server), binds port 53 there — port53d serving `zonesDir`, or a socket that
 * never answers — and runs each client spec in turn, printing 'RESULT <label> <json>' lines.
 * Usage: node lookup-netns.mjs '{"resolvConf":"...","zonesDir":"..."|null,"runs":[{"label":"...","spec":{...}}]}'
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { run, start, stop } from './processes.mjs';
import { PORT53D } from './servers.mjs';

const job = JSON.parse(process.argv[2]);
const CLIENT = fileURLToPath(new URL('./lookup-client.mjs', import.meta.url));

execFileSync('ip', ['link', 'set', 'lo', 'up']);
const conf = join(tmpdir(), `port53-bench-resolv-${process.pid}.conf`);
writeFileSync(conf, job.resolvConf);
execFileSync('mount', ['--bind', conf, '/etc/resolv.conf']);

let server;
let hole;
if (job.zonesDir) {
  server = start(process.execPath, [PORT53D, '--zones', job.zonesDir, '--port', '53', '--address', '127.0.0.1', '--log-level', 'warn']);
  await waitForAnswer();
} else {
  hole = createSocket('udp4');
  hole.on('message', () => {}); // read and never answer
  await new Promise((resolve) => hole.bind(53, '127.0.0.1', resolve));
}

for (const { label, spec } of job.runs) {
  const { code, output } = await run(process.execPath, [CLIENT, JSON.stringify(spec)], { timeoutMs: (spec.capMs ?? 120_000) + 30_000 });
  const line = output.split('\n').find((l) => l.startsWith('{'));
  process.stdout.write(`RESULT ${label} ${code === 0 && line ? line : JSON.stringify({ failed: `exit ${code}: ${output.slice(-400)}` })}\n`);
}
if (server) await stop(server);
hole?.close();
process.exit(0);

async function waitForAnswer() {
  const { createLookup } = await import('../packages/resolver/dist/node-dns/index.js');
  const { promises, source } = createLookup({ resolver: { servers: ['127.0.0.1'], timeout: 200, tries: 1, resolvConf: false }, hostsFile: false });
  for (let i = 0; i < 150; i++) {
    if (await promises.lookup('ready.lookup.test').then(() => true, () => false)) return source.resolver.close();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('port53d did not answer within 15 s');
}
