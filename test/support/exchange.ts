import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** Sends raw query octets to 127.0.0.1:port over UDP or TCP; resolves the raw reply or null on timeout. */
export function rawExchange(port: number, query: Uint8Array, tcp: boolean, timeoutMs = 2000): Promise<Buffer | null> {
  return tcp ? tcpExchange(port, query, timeoutMs) : udpExchange(port, query, timeoutMs);
}

function udpExchange(port: number, query: Uint8Array, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const finish = (v: Buffer | null) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    s.on('error', () => finish(null));
    s.on('message', (msg) => finish(msg));
    s.connect(port, '127.0.0.1', () => s.send(query));
  });
}

function tcpExchange(port: number, query: Uint8Array, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (v: Buffer | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    sock.on('error', () => finish(null));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => finish(null));
  });
}
