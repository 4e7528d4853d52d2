/**
 * One DNS exchange with a server on 127.0.0.1 over UDP or TCP, and a port probe: the raw octets
 * the tests, the fuzz harness and the bench send and read, with no decoding in between.
 */
import { createSocket } from 'node:dgram';
import { connect, createServer as createTcpServer } from 'node:net';

/**
 * Sends `query` from a fresh socket connected to 127.0.0.1:port (so only that address can
 * answer); resolves the first reply, or null on timeout or an ICMP error.
 * @param {number} port
 * @param {Uint8Array} query
 * @param {{ timeoutMs?: number, sameId?: boolean }} [options] timeoutMs: default 2000;
 *   sameId: ignore datagrams whose ID differs from the query's (default false: the first one counts)
 * @returns {Promise<Buffer | null>}
 */
export function udpExchange(port, query, { timeoutMs = 2000, sameId = false } = {}) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    /** @param {Buffer | null} v */
    const finish = (v) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    s.on('error', () => finish(null));
    s.on('message', (msg) => {
      if (!sameId || (msg.length >= 2 && query.length >= 2 && msg.readUInt16BE(0) === ((query[0] << 8) | query[1]))) finish(msg);
    });
    s.connect(port, '127.0.0.1', () => s.send(query));
  });
}

/**
 * Sends `query` with its two-octet length (RFC 1035 §4.2.2) on a new TCP connection to
 * 127.0.0.1:port; resolves the first whole reply, or null on timeout, error or close.
 * @param {number} port
 * @param {Uint8Array} query
 * @param {{ timeoutMs?: number }} [options] timeoutMs: default 2000
 * @returns {Promise<Buffer | null>}
 */
export function tcpExchange(port, query, { timeoutMs = 2000 } = {}) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    /** @param {Buffer | null} v */
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    sock.on('error', () => finish(null));
    sock.on('connect', () => sock.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => finish(null));
  });
}

/**
 * A port free for both UDP and TCP on 127.0.0.1 (probed, then released), for servers that
 * cannot be told to bind port 0 and report it (NSD, Knot, the bench's port53d).
 * @returns {Promise<number>}
 */
export async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    /** @type {number} */
    const port = await new Promise((ok, fail) => {
      udp.once('error', fail);
      udp.bind(0, '127.0.0.1', () => ok(udp.address().port));
    });
    /** @type {boolean} */
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
