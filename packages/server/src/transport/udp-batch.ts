import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { toBindError } from './bind-error.js';
import type { Listener, SyncQueryHandler, UdpOptions } from './udp.js';

/** The addon built by scripts/build-native.mjs from native/udp_batch.c. */
interface UdpBatchAddon {
  open(address: string, port: number, family: 4 | 6, reusePort?: boolean): { handle: object; address: string; port: number };
  start(handle: object, callback: (query: Buffer, address: string, port: number) => Uint8Array | undefined, onError?: (message: string) => void): void;
  close(handle: object, done: () => void): void;
  counters(handle: object): { received: number; sent: number; sendDropped: number; callbackErrors: number; recvErrors: number };
  /** Tests only: every receive on this socket fails with this errno (0 ends it). */
  injectReceiveError(handle: object, errno: number): void;
  /** One datagram outside a batch; false when the kernel would not take it (counted as a dropped send). */
  sendTo(handle: object, reply: Uint8Array, address: string, port: number): boolean;
}

/** What the addon counted on its sockets (server.stats.udpBatch, and the metrics). */
export interface UdpBatchCounters {
  received: number;
  sent: number;
  /** Replies the kernel would not take (EAGAIN: a full socket buffer), dropped, not queued. */
  droppedSends: number;
  receiveErrors: number;
  /** Datagrams the handler threw on or returned something unsendable for, or the addon could not hand to JS. */
  handlerErrors: number;
}

// dist/transport/udp-batch.js, the bundle dist/port53d.bundle.mjs, the CommonJS chunks in
// dist/cjs/chunks/, and src/transport/ under vitest.
const CANDIDATES = ['../native/udp_batch.node', './native/udp_batch.node', '../../native/udp_batch.node', '../../dist/native/udp_batch.node'];

let addon: UdpBatchAddon | undefined | null = null;
let missing = '';

/** The native batching addon, or undefined when it was not built or does not load here (udpBatchUnavailable() says why). */
export function udpBatchAddon(): UdpBatchAddon | undefined {
  if (addon !== null) return addon;
  addon = undefined;
  missing = 'native addon absent (not built: no C compiler at install, or install scripts not run)';
  try {
    const require = createRequire(import.meta.url);
    for (const candidate of CANDIDATES) {
      const file = fileURLToPath(new URL(candidate, import.meta.url)); // decoded: paths may hold spaces
      if (existsSync(file)) {
        addon = require(file) as UdpBatchAddon;
        break;
      }
    }
  } catch (err) {
    // Built for another Node ABI or platform: node:dgram serves.
    addon = undefined;
    missing = `native addon failed to load: ${(err as Error).message.split('\n')[0]}`;
  }
  return addon;
}

/** Why udpBatchAddon() is undefined: absent, or failed to load (and the loader's reason). */
export function udpBatchMissing(): string {
  return missing;
}

/**
 * listenUdp with recvmmsg/sendmmsg: up to 64 datagrams per readiness, the handler called for each
 * and one sendmmsg for the replies. Replies the kernel refuses (EAGAIN) are dropped, not queued.
 */
/**
 * A port nobody holds on `address`, from a plain bind to port 0 released at once. Port 0 with
 * SO_REUSEPORT set would let Linux pick a port that another process's SO_REUSEPORT sockets
 * (same user) already use, and the two servers would share its datagrams. A race for the port
 * in between fails with EADDRINUSE, which bindAll retries.
 */
function unsharedPort(native: UdpBatchAddon, address: string, v6: boolean): number {
  const probe = native.open(address, 0, v6 ? 6 : 4, false);
  native.close(probe.handle, () => undefined);
  return probe.port;
}

/** A batched UDP listener; injectReceiveError is for tests of the addon's error handling. */
export interface BatchListener extends Listener {
  injectReceiveError(errno: number): void;
  /** Sends one reply from this socket (port53d --workers: an answer to a query another thread received on the same address and port). */
  send(reply: Uint8Array, address: string, port: number): boolean;
}

/** reusePort: SO_REUSEPORT, so that each of port53d's --workers binds its own socket on the port. */
export function listenUdpBatch(options: Omit<UdpOptions, 'handler'> & { handler: SyncQueryHandler; reusePort?: boolean }): Promise<BatchListener> {
  const native = udpBatchAddon();
  if (!native) return Promise.reject(new Error('native UDP batching is not available'));
  const { address, port, handler, onError } = options;
  const v6 = isIPv6(address);
  let opened: ReturnType<UdpBatchAddon['open']>;
  try {
    opened = native.open(address, options.reusePort && port === 0 ? unsharedPort(native, address, v6) : port, v6 ? 6 : 4, options.reusePort === true);
  } catch (err) {
    return Promise.reject(toBindError(err, address, port, 'udp'));
  }
  const { handle } = opened;
  // A persistent socket error stops the addon's poll (no spinning); the server logs which one.
  native.start(
    handle,
    (query, from, fromPort) => handler(query, { address: from, port: fromPort, transport: 'udp' }),
    (message) => onError(Object.assign(new Error(`UDP ${address}:${opened.port}: ${message}`), { code: 'EUDPBATCH' })),
  );
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    address: opened.address,
    port: opened.port,
    family: v6 ? 'IPv6' : 'IPv4',
    transport: 'udp',
    close: () => (closed ??= new Promise<void>((done) => native.close(handle, done))),
    injectReceiveError: (errno: number) => native.injectReceiveError(handle, errno),
    send: (reply, to, toPort) => !closed && native.sendTo(handle, reply, to, toPort),
    counters: () => {
      if (closed) return { received: 0, sent: 0, droppedSends: 0, receiveErrors: 0, handlerErrors: 0 };
      const c = native.counters(handle);
      return { received: c.received, sent: c.sent, droppedSends: c.sendDropped, receiveErrors: c.recvErrors, handlerErrors: c.callbackErrors };
    },
  });
}
