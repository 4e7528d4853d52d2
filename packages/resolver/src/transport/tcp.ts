import { createConnection, type Socket } from 'node:net';
import type { ServerAddress } from '../config/server-address.js';
import type { Ending, SendOptions, Waiting } from './outcome.js';

/**
 * One query over TCP with the two-octet length prefix (RFC 1035 §4.2.2, RFC 7766 §8). Frames that
 * `accept` turns down are skipped; the connection is closed once a reply is accepted or the caller
 * closes the wait. A connection that closes before a reply is an error with `closed` set.
 */
export function sendTcp<T>(server: ServerAddress, opts: SendOptions<T>): Waiting {
  let done = false;
  let buffered: Buffer = Buffer.alloc(0);

  const stop = () => {
    done = true;
    socket.removeAllListeners('data');
    socket.on('error', () => {});
    socket.destroy();
  };
  const finish = (outcome: Ending<T>) => {
    if (done) return;
    stop();
    opts.done(outcome);
  };

  const socket: Socket = createConnection({ host: server.address, port: server.port, noDelay: true, localAddress: server.localAddress });
  socket.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'error', code: err.code ?? 'EIO' }));
  socket.on('close', () => finish({ kind: 'error', code: 'ECONNRESET', closed: true }));
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (!done && buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const frame = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      const reply = opts.accept(frame);
      if (reply !== undefined) finish({ kind: 'reply', reply, size: length });
    }
  });
  const frame = Buffer.alloc(2 + opts.query.length);
  frame.writeUInt16BE(opts.query.length, 0);
  frame.set(opts.query, 2);
  socket.write(frame);
  return {
    close: () => {
      if (!done) stop();
    },
  };
}
