import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { formatIPv4, formatIPv6 } from '@port53/wire';
import { toBindError } from './bind-error.js';
import type { Listener, SyncQueryHandler, UdpOptions } from './udp.js';

/** The addon built by scripts/build-native.mjs from native/udp_batch.c. */
interface UdpBatchAddon {
  /** Datagrams per recvmmsg, octets per slot, int32 words of metadata per slot. */
  readonly batchSize: number;
  readonly slotSize: number;
  readonly metaWords: number;
  open(address: string, port: number, family: 4 | 6): { handle: object; address: string; port: number };
  /** answer(first, count) answers slots first..first+count-1; the buffers hold batchSize slots each. */
  start(handle: object, answer: (first: number, count: number) => void, onError: ((message: string) => void) | undefined, receive: ArrayBuffer, send: ArrayBuffer, meta: ArrayBuffer, chunk: number): void;
  close(handle: object, done: () => void): void;
  counters(handle: object): { received: number; sent: number; sendDropped: number; callbackErrors: number; recvErrors: number };
  /** Tests only: every receive on this socket fails with this errno (0 ends it). */
  injectReceiveError(handle: object, errno: number): void;
  /** Replies outside a batch, packed as frames.ts's FrameWriter.reply() writes them, with sendmmsg; returns how many the kernel took. */
  sendMany(handle: object, frame: Uint8Array, length: number): number;
  /** Before start(): the handle's socket becomes a duplicate of `fd` (another thread's, from fd()). */
  share(handle: object, fd: number): void;
  /** Stops reading the socket (true) or starts again (false). */
  hold(handle: object, on: boolean): void;
  fd(handle: object): number;
}

// The metadata words of a slot (native/udp_batch.c's M_*).
const M_LENGTH = 0;
const M_FAMILY = 1;
const M_PORT = 2;
const M_REPLY = 3;
const M_ADDRESS = 4;

/**
 * Datagrams per JS call and sendmmsg: the replies to a chunk leave before the next chunk is
 * answered, so the first query of a full batch of 64 waits for 16 answers rather than 64.
 * PORT53_UDP_CHUNK (1-64) overrides it, for measuring.
 */
const DEFAULT_CHUNK = 16;

/** The client of the datagram being answered; `address` is made into text only when asked for. */
export class SlotPeer {
  /** The slot being answered (set by the listener). */
  slot = 0;
  constructor(
    private readonly meta: Int32Array,
    private readonly octets: Uint8Array,
    private readonly words: number,
  ) {}

  get port(): number {
    return this.meta[this.slot * this.words + M_PORT];
  }

  get family(): 4 | 6 {
    return this.meta[this.slot * this.words + M_FAMILY] === 6 ? 6 : 4;
  }

  /** The address as text, as node:dgram gives it (RFC 5952 for IPv6). */
  get address(): string {
    const at = (this.slot * this.words + M_ADDRESS) * 4;
    return this.family === 6 ? formatIPv6(this.octets, at) : formatIPv4(this.octets, at);
  }
}

/**
 * Answers one datagram, `query[0..length)`, from `peer`, writing the reply into `out` from octet
 * 0: returns the reply's length, 0 for no reply. `query`, `out` and `peer` are reused for later
 * datagrams: copy what must outlive the call. Should not throw (a throw counts a handler error).
 */
export type SlotHandler = (query: Uint8Array, length: number, peer: SlotPeer, out: Uint8Array) => number;

/** A per-datagram handler over slots: the query copied out, the reply copied in. */
export function slotHandlerOf(handler: SyncQueryHandler): SlotHandler {
  return (query, length, peer, out) => {
    const copy = Buffer.allocUnsafe(length);
    copy.set(query.subarray(0, length));
    const reply = handler(copy, { address: peer.address, port: peer.port, transport: 'udp' });
    if (reply === undefined) return 0;
    if (!(reply instanceof Uint8Array) || reply.length > out.length) return -1; // cannot be sent: a handler error
    out.set(reply);
    return reply.length;
  };
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

/** A batched UDP listener; injectReceiveError is for tests of the addon's error handling. */
export interface BatchListener extends Listener {
  injectReceiveError(errno: number): void;
  /** Sends replies from this socket, packed as records [port u16][address length u8][address text][reply length u16][reply] (port53d --workers: answers to queries another thread read). */
  sendMany(frame: Uint8Array, length: number): number;
  /** The socket's descriptor, for another thread's listenUdpBatch({ shareFd }). */
  readonly fd: number;
  /** Stops reading (true) or reads again (false): another thread reading the shared socket takes the datagrams meanwhile. */
  hold(on: boolean): void;
}

/**
 * listenUdp with recvmmsg/sendmmsg: up to 64 datagrams per readiness, answered in chunks of 8,
 * each chunk's replies sent with one sendmmsg. Replies the kernel refuses (EAGAIN) are dropped,
 * not queued. `slotHandler` answers straight into the send buffer; `handler` (one datagram in,
 * one reply out, as listenUdp's) is adapted onto it with a copy each way.
 * shareFd: read the socket another thread of this process bound (BatchListener.fd) instead of
 * binding one: port53d's --workers all read the main thread's sockets; `address` and `port` are
 * then that socket's.
 */
export function listenUdpBatch(options: Omit<UdpOptions, 'handler'> & ({ handler: SyncQueryHandler } | { slotHandler: SlotHandler }) & { shareFd?: number }): Promise<BatchListener> {
  const native = udpBatchAddon();
  if (!native) return Promise.reject(new Error('native UDP batching is not available'));
  const { address, port, onError } = options;
  const handler = 'slotHandler' in options ? options.slotHandler : slotHandlerOf(options.handler);
  const v6 = isIPv6(address);
  let opened: ReturnType<UdpBatchAddon['open']>;
  try {
    if (options.shareFd !== undefined) {
      // A socket of the same family on a passing port, then the shared one in its place.
      opened = native.open(address, 0, v6 ? 6 : 4);
      try {
        native.share(opened.handle, options.shareFd);
      } catch (err) {
        native.close(opened.handle, () => undefined);
        throw err;
      }
      opened = { ...opened, port };
    } else opened = native.open(address, port, v6 ? 6 : 4);
  } catch (err) {
    return Promise.reject(toBindError(err, address, port, 'udp'));
  }
  const { handle } = opened;
  const { batchSize, slotSize, metaWords } = native;
  // Allocated once per socket; zero pages cost no memory until a datagram that large arrives.
  const receive = new ArrayBuffer(batchSize * slotSize);
  const send = new ArrayBuffer(batchSize * slotSize);
  const meta = new Int32Array(batchSize * metaWords);
  const queries = Array.from({ length: batchSize }, (_, i) => new Uint8Array(receive, i * slotSize, slotSize));
  const replies = Array.from({ length: batchSize }, (_, i) => new Uint8Array(send, i * slotSize, slotSize));
  const peer = new SlotPeer(meta, new Uint8Array(meta.buffer), metaWords);
  const answer = (first: number, count: number) => {
    for (let i = first; i < first + count; i++) {
      const m = i * metaWords;
      peer.slot = i;
      let length;
      try {
        length = handler(queries[i], meta[m + M_LENGTH], peer, replies[i]);
      } catch {
        length = -1; // counted by the addon as a handler error
      }
      meta[m + M_REPLY] = length;
    }
  };
  const chunk = Number(process.env.PORT53_UDP_CHUNK) || DEFAULT_CHUNK;
  // A persistent socket error stops the addon's poll (no spinning); the server logs which one.
  native.start(
    handle,
    answer,
    (message) => onError(Object.assign(new Error(`UDP ${address}:${opened.port}: ${message}`), { code: 'EUDPBATCH' })),
    receive,
    send,
    meta.buffer,
    chunk,
  );
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    address: opened.address,
    port: opened.port,
    family: v6 ? 'IPv6' : 'IPv4',
    transport: 'udp',
    close: () => (closed ??= new Promise<void>((done) => native.close(handle, done))),
    injectReceiveError: (errno: number) => native.injectReceiveError(handle, errno),
    sendMany: (frame, length) => (closed ? 0 : native.sendMany(handle, frame, length)),
    fd: native.fd(handle),
    hold: (on) => {
      if (!closed) native.hold(handle, on);
    },
    counters: () => {
      if (closed) return { received: 0, sent: 0, droppedSends: 0, receiveErrors: 0, handlerErrors: 0 };
      const c = native.counters(handle);
      return { received: c.received, sent: c.sent, droppedSends: c.sendDropped, receiveErrors: c.recvErrors, handlerErrors: c.callbackErrors };
    },
  });
}
