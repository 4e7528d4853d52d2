import { createSocket, type Socket } from 'node:dgram';
import type { ServerAddress } from '../server-address.js';
import type { Ending, ExchangeOutcome, SendOptions } from './outcome.js';

/**
 * One query over UDP from a fresh, OS-chosen ephemeral port on a socket connected to the server:
 * the kernel drops datagrams from any other address or port (RFC 5452 §9.2, §10), and a closed
 * port comes back at once as ECONNREFUSED (ICMP port unreachable). The socket is closed when the
 * wait ends, whatever ended it.
 */
export function sendUdp<T>(server: ServerAddress, opts: SendOptions<T>): Promise<ExchangeOutcome<T>> {
  return new Promise((resolve) => {
    let ignored = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = createSocket({ type: server.family === 6 ? 'udp6' : 'udp4' });

    const finish = (outcome: Ending<T>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      socket.on('error', () => {}); // late ICMP errors after close must not crash the process
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve({ ...outcome, ignored });
    };
    const onAbort = () => finish({ kind: 'cancelled' });

    if (opts.signal?.aborted) {
      finish({ kind: 'cancelled' });
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => finish({ kind: 'timeout' }), opts.timeoutMs);

    socket.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'error', code: err.code ?? 'EIO' }));
    socket.on('message', (packet: Buffer) => {
      if (done) return;
      const reply = opts.accept(packet);
      if (reply === undefined) ignored += 1;
      else finish({ kind: 'reply', reply, size: packet.length });
    });
    socket.connect(server.port, server.address, () => {
      if (done) return;
      socket.send(opts.query, (err) => {
        if (err) finish({ kind: 'error', code: (err as NodeJS.ErrnoException).code ?? 'EIO' });
      });
    });
  });
}
