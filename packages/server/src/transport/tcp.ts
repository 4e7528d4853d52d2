import net from 'node:net';
import { HEADER_LENGTH } from '@port53/wire';
import { toBindError } from './bind-error.js';
import { clientNetwork } from './client-network.js';
import type { Client, LateReply, Listener } from './udp.js';

/** Several replies to one query (a zone transfer, RFC 5936 §2.2), pulled one at a time as the socket drains. */
export interface ReplyStream {
  readonly messages: Iterator<Uint8Array>;
}

/**
 * Answers one TCP query: one reply, a stream of replies, or nothing; from a query hook also
 * 'close' (close unanswered) or a reply later. Must not throw (and a LateReply must not reject).
 */
export type TcpQueryHandler = (query: Uint8Array, client: Client) => Uint8Array | ReplyStream | undefined | 'close' | LateReply;

/** The TCP counters a server exposes in its stats. */
export interface TcpCounters {
  /** Connections accepted. */
  accepted: number;
  /** Connections closed at once because a connection cap was reached. */
  refused: number;
  /** Connections open now. */
  active: number;
  /** Connections closed after the idle timeout. */
  idleClosed: number;
  /** Connections closed because a length prefix could not start a DNS message (0..11). */
  badFrames: number;
  /** Connections closed because they buffered more input than allowed. */
  overflows: number;
  /** Connections closed because one message took longer than the message timeout to arrive. */
  slowClosed: number;
}

export function tcpCounters(): TcpCounters {
  return { accepted: 0, refused: 0, active: 0, idleClosed: 0, badFrames: 0, overflows: 0, slowClosed: 0 };
}

export interface TcpLimits {
  /** Idle timeout while the table is at most half full; shorter past that (see ConnectionTable.idleTimeoutMs). */
  idleTimeoutMs: number;
  messageTimeoutMs: number;
  maxConnections: number;
  /** Per client network: addresses in one IPv4 /clientPrefixV4 or IPv6 /clientPrefixV6 count as one client. */
  maxConnectionsPerClient: number;
  clientPrefixV4: number;
  clientPrefixV6: number;
  maxPipelined: number;
  maxBufferedBytes: number;
  writeHighWaterBytes: number;
}

/** Open connections across every TCP listener of one server, so the caps are server-wide. */
export class ConnectionTable {
  readonly sockets = new Set<net.Socket>();
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly limits: TcpLimits,
    readonly counters: TcpCounters,
  ) {}

  /** The network a client address counts under (its /24 or /56 by default). */
  clientOf(address: string): string {
    return clientNetwork(address, this.limits.clientPrefixV4, this.limits.clientPrefixV6);
  }

  /**
   * The idle timeout for the table as full as it is now. Up to half full, the configured one;
   * past that it shrinks in proportion to the room left, down to MIN_BUSY_IDLE_MS when full
   * (NSD drops to 200 ms once more than half its TCP slots are taken), so connections held open
   * by a few clients trickling queries give way to new ones.
   */
  idleTimeoutMs(): number {
    const { idleTimeoutMs, maxConnections } = this.limits;
    const half = maxConnections / 2;
    if (this.sockets.size <= half) return idleTimeoutMs;
    const room = (maxConnections - this.sockets.size) / half;
    return Math.max(Math.min(MIN_BUSY_IDLE_MS, idleTimeoutMs), Math.round(idleTimeoutMs * room));
  }

  admit(socket: net.Socket, client: string): boolean {
    const fromClient = this.perClient.get(client) ?? 0;
    if (this.sockets.size >= this.limits.maxConnections || fromClient >= this.limits.maxConnectionsPerClient) {
      this.counters.refused++;
      return false;
    }
    this.sockets.add(socket);
    this.perClient.set(client, fromClient + 1);
    this.counters.accepted++;
    this.counters.active = this.sockets.size;
    // Past half full, every open connection's idle timer restarts at the shorter timeout.
    if (this.sockets.size > this.limits.maxConnections / 2) {
      const ms = this.idleTimeoutMs();
      for (const s of this.sockets) s.setTimeout(ms);
    }
    return true;
  }

  release(socket: net.Socket, client: string): void {
    if (!this.sockets.delete(socket)) return;
    const left = (this.perClient.get(client) ?? 1) - 1;
    if (left > 0) this.perClient.set(client, left);
    else this.perClient.delete(client);
    this.counters.active = this.sockets.size;
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}

export interface TcpOptions {
  address: string;
  port: number;
  handler: TcpQueryHandler;
  limits: TcpLimits;
  table: ConnectionTable;
  onError: (err: Error) => void;
}

const MAX_MESSAGE = 0xffff;
/** The idle timeout of a full table (NSD's, when more than half its TCP slots are taken). */
export const MIN_BUSY_IDLE_MS = 200;

/** One TCP listener (RFC 7766): 2-byte length framing, pipelined queries answered in order. */
export function listenTcp(options: TcpOptions): Promise<Listener> {
  const { address, port, table } = options;
  const v6 = net.isIPv6(address);
  // allowHalfOpen: a client may send its queries and shut down its side before reading the replies.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => serveConnection(socket, options));

  return new Promise<Listener>((resolve, reject) => {
    const onBindError = (err: Error) => reject(toBindError(err, address, port, 'tcp'));
    server.once('error', onBindError);
    server.listen({ host: address, port, exclusive: true, ipv6Only: v6 }, () => {
      server.off('error', onBindError);
      server.on('error', options.onError);
      const bound = server.address() as net.AddressInfo;
      let closed: Promise<void> | undefined;
      resolve({
        address: bound.address,
        port: bound.port,
        family: v6 ? 'IPv6' : 'IPv4',
        transport: 'tcp',
        close: () =>
          (closed ??= new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of table.sockets) if (socket.localPort === bound.port && socket.localAddress === bound.address) socket.destroy();
          })),
      });
    });
  });
}

function serveConnection(socket: net.Socket, options: TcpOptions): void {
  const { handler, limits, table } = options;
  const counters = table.counters;
  const clientAddress = socket.remoteAddress ?? '';
  const network = table.clientOf(clientAddress);
  if (!table.admit(socket, network)) {
    socket.destroy();
    return;
  }
  const client: Client = { address: clientAddress, port: socket.remotePort ?? 0, transport: 'tcp' };
  let input: Buffer = Buffer.alloc(0);
  let inFlight = 0;
  /** Late replies (from a query hook) not yet settled: the connection stays open for them. */
  let late = 0;
  let paused = false;
  let ended = false;
  // A transfer being sent: later queries wait until its last message is queued.
  let streaming: Iterator<Uint8Array> | undefined;
  // A message whose first octet has arrived must be complete within messageTimeoutMs, so a client
  // trickling octets (never idle) cannot hold a connection slot for ever (Knot's tcp-io-timeout).
  let messageTimer: NodeJS.Timeout | undefined;

  socket.setNoDelay(true);
  socket.setTimeout(table.idleTimeoutMs());
  socket.on('timeout', () => {
    counters.idleClosed++;
    socket.destroy();
  });
  socket.on('data', (chunk: Buffer) => {
    // The timeout for the table as full as it is now (activity itself restarts the timer).
    socket.setTimeout(table.idleTimeoutMs());
    input = input.length === 0 ? chunk : Buffer.concat([input, chunk]);
    if (input.length > limits.maxBufferedBytes) {
      counters.overflows++;
      socket.destroy();
      return;
    }
    processFrames();
  });
  socket.on('end', () => {
    ended = true;
    finishIfDone();
  });
  socket.on('drain', resumeIfRoom);
  // Resets and timeouts from clients are routine; the socket is closed either way.
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    clearMessageTimer();
    table.release(socket, network);
  });

  function processFrames(): void {
    while (!socket.destroyed) {
      if (streaming && !pump()) return;
      // RFC 7766 §6.2.1.1: pipelined queries are fine, but a client that does not read its replies stops being read.
      if (inFlight >= limits.maxPipelined || socket.writableLength >= limits.writeHighWaterBytes) {
        if (!paused) {
          paused = true;
          socket.pause();
        }
        clearMessageTimer();
        return;
      }
      if (input.length < 2) break;
      const length = input.readUInt16BE(0);
      if (length < HEADER_LENGTH) {
        counters.badFrames++;
        socket.destroy();
        return;
      }
      if (input.length < 2 + length) break;
      const query = input.subarray(2, 2 + length);
      input = input.subarray(2 + length);
      clearMessageTimer();
      const reply = handler(query, client);
      if (reply === undefined) continue;
      if (reply instanceof Uint8Array) send(reply);
      else if (reply === 'close') socket.destroy();
      else if (reply instanceof Promise) sendLater(reply);
      else streaming = reply.messages;
    }
    if (input.length > 0 && !socket.destroyed) armMessageTimer();
    finishIfDone();
  }

  /** Queues a stream's messages until the write buffer is full (false) or the stream ends (true). */
  function pump(): boolean {
    while (streaming && !socket.destroyed) {
      if (socket.writableLength >= limits.writeHighWaterBytes) {
        if (!paused) {
          paused = true;
          socket.pause();
        }
        return false;
      }
      let next: IteratorResult<Uint8Array>;
      try {
        next = streaming.next();
      } catch (err) {
        // A message that cannot be built: end the connection so the client sees an incomplete transfer.
        options.onError(err instanceof Error ? err : new Error(String(err)));
        socket.destroy();
        return false;
      }
      if (next.done) streaming = undefined;
      else send(next.value);
    }
    return !socket.destroyed;
  }

  function armMessageTimer(): void {
    messageTimer ??= setTimeout(() => {
      counters.slowClosed++;
      socket.destroy();
    }, limits.messageTimeoutMs);
  }

  function clearMessageTimer(): void {
    if (messageTimer) clearTimeout(messageTimer);
    messageTimer = undefined;
  }

  function sendLater(reply: LateReply): void {
    late++;
    void reply.then((r) => {
      late--;
      if (socket.destroyed) return;
      if (r === 'close') socket.destroy();
      else if (r) send(r);
      finishIfDone();
    });
  }

  function send(reply: Uint8Array): void {
    if (reply.length > MAX_MESSAGE) {
      options.onError(new RangeError(`reply of ${reply.length} octets does not fit a TCP frame`));
      return;
    }
    const frame = Buffer.allocUnsafe(2 + reply.length);
    frame.writeUInt16BE(reply.length, 0);
    frame.set(reply, 2);
    inFlight++;
    socket.write(frame, () => {
      inFlight--;
      resumeIfRoom();
    });
  }

  function resumeIfRoom(): void {
    if (!paused || socket.destroyed) return;
    if ((!streaming && inFlight >= limits.maxPipelined) || socket.writableLength >= limits.writeHighWaterBytes) return;
    paused = false;
    socket.resume();
    processFrames();
  }

  function finishIfDone(): void {
    // The client has shut down its side and every complete query is answered: end ours (queued replies still go out).
    if (ended && !paused && !streaming && late === 0 && !socket.destroyed && socket.writable) socket.end();
  }
}
