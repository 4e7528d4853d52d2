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
export type SyncQueryHandler = (query: Uint8Array, client: Client) => Uint8Array | undefined;

/** A reply to send later (from a query hook); 'close' closes a TCP connection unanswered. */
export type LateReply = Promise<Uint8Array | undefined | 'close'>;

/** What to send for one query: octets, nothing, 'close' (TCP), or any of these later. */
export type Reply = Uint8Array | undefined | 'close' | LateReply;

/** Answers one query; see Reply. Must not throw (and a LateReply must not reject). */
export type QueryHandler = (query: Uint8Array, client: Client) => Reply;

export interface Listener {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  readonly transport: Transport;
  close(): Promise<void>;
  /** The batching addon's counters (its sockets only). */
  counters?(): { received: number; sent: number; droppedSends: number; receiveErrors: number; handlerErrors: number };
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
      let open = true;
      const send = (reply: Uint8Array, port: number, to: string) => {
        try {
          socket.send(reply, port, to, onSent);
        } catch (err) {
          onError(err as Error); // the socket was closed between receive and send
        }
      };
      socket.on('message', (msg, rinfo) => {
        const reply = handler(msg, { address: rinfo.address, port: rinfo.port, transport: 'udp' });
        if (reply === undefined) return;
        if (reply instanceof Uint8Array) send(reply, rinfo.port, rinfo.address);
        else if (reply !== 'close') {
          // A hook's late reply: sent if the socket is still open; 'close' means nothing over UDP.
          void reply.then((late) => {
            if (open && late instanceof Uint8Array) send(late, rinfo.port, rinfo.address);
          });
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
            open = false;
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
