import dgram from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { toBindError, type Transport } from './bind-error.js';

/** Where a query came from. */
export interface Client {
  address: string;
  port: number;
  transport: Transport;
}

/** Answers one query; undefined means no reply (dropped). Must not throw. */
export type QueryHandler = (query: Uint8Array, client: Client) => Uint8Array | undefined;

export interface Listener {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  readonly transport: Transport;
  close(): Promise<void>;
}

export interface UdpOptions {
  address: string;
  port: number;
  handler: QueryHandler;
  /** Called for socket errors after binding (the socket stays open). */
  onError: (err: Error) => void;
}

/** One UDP socket: every datagram is one query, every reply one datagram (RFC 1035 §4.2.1). */
export function listenUdp(options: UdpOptions): Promise<Listener> {
  const { address, port, handler, onError } = options;
  const v6 = isIPv6(address);
  // ipv6Only: '::' must not also take the IPv4 port, which 0.0.0.0 may want to bind.
  const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, reuseAddr: false, lookup: literalLookup });

  return new Promise<Listener>((resolve, reject) => {
    const onBindError = (err: Error) => {
      socket.close();
      reject(toBindError(err, address, port, 'udp'));
    };
    socket.once('error', onBindError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onBindError);
      socket.on('error', onError);
      const onSent = (err: Error | null) => {
        if (err) onError(err);
      };
      socket.on('message', (msg, rinfo) => {
        const reply = handler(msg, { address: rinfo.address, port: rinfo.port, transport: 'udp' });
        if (!reply) return;
        try {
          socket.send(reply, rinfo.port, rinfo.address, onSent);
        } catch (err) {
          onError(err as Error); // the socket was closed between receive and send
        }
      });
      const bound = socket.address();
      let closed: Promise<void> | undefined;
      resolve({
        address: bound.address,
        port: bound.port,
        family: v6 ? 'IPv6' : 'IPv4',
        transport: 'udp',
        close: () =>
          (closed ??= new Promise<void>((done) => {
            try {
              socket.close(() => done());
            } catch {
              done(); // already closed
            }
          })),
      });
    });
  });
}

/**
 * node:dgram resolves the address of every send with dns.lookup, which answers an IP literal on
 * the next tick; the client's address always is one, so answer at once and send without the wait.
 */
function literalLookup(address: string, options: LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = isIP(address);
  if (family !== 0) callback(null, address, family);
  else dnsLookup(address, typeof options === 'number' ? { family: options } : options, callback);
}
