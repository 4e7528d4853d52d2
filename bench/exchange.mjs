/** One UDP exchange with a server on 127.0.0.1, and a free-port probe. */
import { createSocket } from 'node:dgram';
import { createServer as createTcpServer } from 'node:net';
import { buildQuery, readHeader } from './dns-message.mjs';

/** Sends `query` to 127.0.0.1:port; resolves the reply, or null after timeoutMs. */
export function udpExchange(port, query, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const finish = (v) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    s.on('error', () => finish(null));
    s.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0)) finish(msg);
    });
    s.connect(port, '127.0.0.1', () => s.send(query));
  });
}

/** True when 127.0.0.1:port answers the zone's SOA with NOERROR and an answer (the zone is loaded). */
export async function answersSoa(port, origin, timeoutMs = 200) {
  const id = 1 + Math.floor(Math.random() * 65000);
  const reply = await udpExchange(port, buildQuery({ id, name: origin, type: 'SOA' }), timeoutMs);
  const h = reply && readHeader(reply);
  return Boolean(h && h.qr && h.rcode === 'NOERROR' && h.ancount > 0);
}

/** Polls every intervalMs until the server answers the SOA; rejects on the child's exit or after ms. */
export async function waitUntilServing(port, origin, child, ms = 30_000, intervalMs = 20) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}): ${child.output.trim().slice(-2000)}`);
    if (await answersSoa(port, origin)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`not answering ${origin} SOA on 127.0.0.1:${port} after ${ms} ms: ${child.output.trim().slice(-2000)}`);
}

/** A port free for UDP and TCP on 127.0.0.1 (probed, then released). */
export async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    const port = await new Promise((ok, fail) => {
      udp.once('error', fail);
      udp.bind(0, '127.0.0.1', () => ok(udp.address().port));
    });
    const tcpFree = await new Promise((ok) => {
      const srv = createTcpServer();
      srv.once('error', () => ok(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
    });
    udp.close();
    if (tcpFree) return port;
  }
  throw new Error('no free port on 127.0.0.1');
}
