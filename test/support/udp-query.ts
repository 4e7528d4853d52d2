import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Sends one datagram to host:port and resolves the first reply, or null after timeoutMs. */
export function udpQuery(port: number, query: Uint8Array, host = '127.0.0.1', timeoutMs = 2000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    const finish = (reply: Buffer | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('error', () => finish(null));
    socket.on('message', (msg) => finish(msg));
    socket.send(query, port, host);
  });
}
