/**
 * The attacker of the spoofing test, in its own process: floods every client port of the local
 * ephemeral range on 127.0.0.1 (servers' ports are skipped, see serverPorts) with forged
 * responses (random IDs, questions the resolver is really asking,
 * a forged address) from its own port, until told to stop or a bound is reached. Plain JS, so the
 * test can fork it without a TypeScript loader. argv[2]: JSON { names, low, high, maxDatagrams, maxMs, forged }, the
 * questions being h0.spoof.test ... h<names - 1>.spoof.test.
 * Prints nothing; tells the parent { swept } after each sweep of the range and { sent } when done.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(process.argv[2]);
const socket = createSocket('udp4');
socket.on('error', () => {}); // ICMP port unreachable for closed ports comes back as errors

/** A response: header (QR AA RD RA), the question, one A record with the forged address. */
function forgedResponse(id, name) {
  const labels = name.split('.').flatMap((l) => [l.length, ...Buffer.from(l, 'ascii')]);
  const qname = Buffer.from([...labels, 0]);
  const header = Buffer.from([id >> 8, id & 0xff, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  const tail = Buffer.from([0, 1, 0, 1]); // A IN
  const address = spec.forged.split('.').map(Number);
  const answer = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, ...address]);
  return Buffer.concat([header, qname, tail, answer]);
}

/**
 * Ports of unconnected UDP sockets (servers: this test's, and whatever else runs on the machine,
 * NSD, port53d, other tests' fakes), read from /proc at the start of each sweep and skipped: the
 * attack is on clients, whose sockets are connected, and must not disturb anything else.
 */
function serverPorts() {
  const ports = new Set();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, remote] = line.trim().split(/\s+/);
      if (!local || !remote) continue;
      if (remote.endsWith(':0000')) ports.add(parseInt(local.split(':')[1], 16));
    }
  }
  return ports;
}

let skip = serverPorts();
let sent = 0;
let sweeps = 0;
let stopped = false;
const started = Date.now();
process.on('message', (m) => {
  if (m === 'stop') stopped = true;
});

function finish() {
  socket.close();
  process.send({ sent }, () => process.exit(0));
}

let port = spec.low;
function burst() {
  if (stopped || sent >= spec.maxDatagrams || Date.now() - started > spec.maxMs) return finish();
  const random = randomBytes(4 * 256);
  for (let i = 0; i < 256; i++) {
    const id = random.readUInt16BE(4 * i);
    const name = `h${random.readUInt16BE(4 * i + 2) % spec.names}.spoof.test`;
    if (!skip.has(port)) {
      socket.send(forgedResponse(id, name), port, '127.0.0.1');
      sent += 1;
    }
    if (port >= spec.high) {
      port = spec.low;
      skip = serverPorts();
      process.send({ swept: ++sweeps });
    } else {
      port += 1;
    }
  }
  setImmediate(burst);
}
socket.bind(0, '127.0.0.1', burst);
