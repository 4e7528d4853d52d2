import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { messageId } from '@port53/wire';
import type { ServerAddress } from '../config/server-address.js';
import type { Ending, SendOptions, Waiting } from './outcome.js';

export interface UdpPoolOptions {
  /** Queries a socket carries before its port is replaced (1: a fresh port per query). */
  maxQueriesPerSocket: number;
  /** ms an unused socket stays open for the next query before it is closed. */
  idleMs: number;
  /** A datagram arrived that no query on its socket was waiting for (wrong ID, or after its lookup ended). */
  onStray(): void;
  /** A datagram from another address or port than the server's (see Channel.onMessage). */
  onWrongSource(): void;
  /** Sockets opened (+1) and closed (-1). */
  onSockets(delta: number): void;
}

/**
 * UDP queries over connected sockets, a few per server. A socket takes at most
 * `maxQueriesPerSocket` queries, then retires: it takes no new one and closes once the last one
 * it carries has ended, so the source port changes at least every N queries (RFC 5452 §9.2, §10).
 * Connected: the kernel drops datagrams from any other address or port, and a closed port comes
 * back as ECONNREFUSED (ICMP port unreachable), which ends every query in flight on that socket,
 * all of them to that same server. Replies go to the waiting query by ID and its `accept` checks
 * the rest; anything else is counted and dropped. An idle socket is unref'd: it never keeps the
 * process alive, and closes after `idleMs`. A socket is bound and connected inside open() (its
 * lookup answers at once), and the query handed to it is sent with the others of the same turn.
 */
export class UdpPool {
  /** The socket taking new queries, per server (the Resolver's ServerAddress objects, which setServers replaces). */
  private readonly current = new Map<ServerAddress, Channel>();
  /** Every open socket, retiring ones included. */
  private readonly open = new Set<Channel>();
  /** Queries to send at the end of this turn of the event loop (enqueue()). */
  private outbox: PendingQuery<unknown>[] = [];
  private flushing = false;

  constructor(readonly options: UdpPoolOptions) {}

  /**
   * Sends `opts.query` (whose first two octets are its ID); `opts.done` hears a reply or a socket
   * error. `alone`: on a socket of its own, which carries no other query and closes after it.
   */
  send<T>(server: ServerAddress, opts: SendOptions<T>, alone = false): Waiting {
    const id = messageId(opts.query)!;
    let channel: Channel;
    if (alone) {
      channel = this.openChannel(server, true);
    } else {
      channel = this.channelFor(server);
      // IDs are unique among queries in flight (transaction-id.ts) unless 64 draws collided.
      if (channel.waiting.has(id)) {
        this.retire(channel);
        channel = this.channelFor(server);
      }
    }
    const query = new PendingQuery<T>(channel, id, opts);
    channel.add(query as PendingQuery<unknown>);
    if (!alone && channel.carried >= this.options.maxQueriesPerSocket) this.retire(channel);
    return query;
  }

  /** Closes every socket that carries no query now (after cancel()). */
  closeIdle(): void {
    for (const channel of this.open) if (channel.waiting.size === 0) channel.close();
  }

  /** Ends every query in flight as cancelled and closes every socket. */
  close(): void {
    for (const channel of [...this.open]) channel.fail({ kind: 'cancelled' });
  }

  get sockets(): number {
    return this.open.size;
  }

  private channelFor(server: ServerAddress): Channel {
    let channel = this.current.get(server);
    if (channel === undefined) {
      channel = this.openChannel(server);
      this.current.set(server, channel);
    }
    return channel;
  }

  private openChannel(server: ServerAddress, alone = false): Channel {
    const channel = new Channel(this, server, alone);
    this.open.add(channel);
    this.options.onSockets(1);
    channel.open();
    return channel;
  }

  /** Takes a socket out of service for new queries; it closes when its last query ends. */
  retire(channel: Channel): void {
    if (this.current.get(channel.server) === channel) this.current.delete(channel.server);
    channel.retired = true;
    if (channel.waiting.size === 0) channel.close();
  }

  /**
   * Queries go out together at the end of this turn of the event loop (setImmediate): the replies
   * read in one turn each start a new query, and sent back to back those find the server still
   * awake, where sent one at a time between the replies' processing, each paid for waking it up
   * again (the kernel's wake-up of the server's thread is charged to the sender: ~10 µs a query
   * with a port per query, in `perf` of the bench client).
   */
  enqueue(query: PendingQuery<unknown>): void {
    this.outbox.push(query);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(flushOutbox, this);
    }
  }

  /** Sends everything enqueued (its sockets open and connected by now), in order. */
  flush(): void {
    const queries = this.outbox;
    this.outbox = [];
    this.flushing = false;
    for (const query of queries) query.channel.transmit(query);
  }

  /** Called once per socket, by Channel.close(). */
  closed(channel: Channel): void {
    if (this.current.get(channel.server) === channel) this.current.delete(channel.server);
    if (this.open.delete(channel)) this.options.onSockets(-1);
  }
}

/** One connected socket and the queries waiting on it, by ID. */
class Channel {
  readonly socket: Socket;
  readonly waiting = new Map<number, PendingQuery<unknown>>();
  /** Queries handed to this socket so far. */
  carried = 0;
  retired = false;
  private connected = false;
  /** The server's address as the socket reports it (the same text as a datagram's source). */
  private remote: { address: string; port: number } | undefined;
  private isClosed = false;
  /** Queries given before connect() completed. */
  private backlog: PendingQuery<unknown>[] = [];
  /** Keeps the process alive: while a query waits on it (a socket is opened for a query, so ref'd from the start). */
  private refd = true;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Inside open(): an 'error' then is kept for the next tick. */
  private opening = false;
  private openError: Ending<unknown> | undefined;

  constructor(
    private readonly pool: UdpPool,
    readonly server: ServerAddress,
    /** Carries one query and closes after it. */
    alone: boolean,
  ) {
    this.retired = alone;
    // The lookup answers at once (the address is a literal already): bind and connect then happen
    // inside connect(), and the first query goes out without waiting a turn of the event loop.
    this.socket = createSocket({ type: server.family === 6 ? 'udp6' : 'udp4', lookup: literalAddress });
    this.socket.on('message', (packet: Buffer, from: RemoteInfo) => this.onMessage(packet, from));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
  }

  /**
   * Binds (the source address, if any) and connects. An error while doing so (EADDRNOTAVAIL for a
   * bad source address) fails the socket on the next tick, as an error from the kernel later would:
   * the query handed to it first still hears of it.
   */
  open(): void {
    const { server, socket } = this;
    this.opening = true;
    try {
      if (server.localAddress !== undefined) socket.bind({ port: 0, address: server.localAddress, exclusive: true });
      if (this.openError === undefined) socket.connect(server.port, server.address);
      if (this.openError === undefined) {
        try {
          this.remote = socket.remoteAddress();
          this.connected = true;
        } catch {
          // Not connected yet (a lookup that answers later): wait for it.
          socket.once('connect', () => this.onConnect());
        }
      }
    } finally {
      this.opening = false;
    }
    if (this.openError !== undefined) process.nextTick(failChannel, this, this.openError);
  }

  private onError(err: NodeJS.ErrnoException): void {
    const ending: Ending<unknown> = { kind: 'error', code: err.code ?? 'EIO' };
    if (this.opening) this.openError ??= ending;
    else this.fail(ending);
  }

  add(query: PendingQuery<unknown>): void {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (!this.refd) {
      this.refd = true;
      this.socket.ref();
    }
    this.waiting.set(query.id, query);
    this.carried += 1;
    if (this.connected) this.pool.enqueue(query);
    else this.backlog.push(query);
  }

  /** Puts a query's octets on the wire, unless this socket closed in the meantime. */
  transmit(query: PendingQuery<unknown>): void {
    if (!this.isClosed) this.socket.send(query.bytes, this.onSent);
  }

  /** A query ended (reply, timeout, abort): forget it; close or idle the socket when it was the last. */
  remove(query: PendingQuery<unknown>): void {
    if (this.waiting.get(query.id) === query) this.waiting.delete(query.id);
    if (this.waiting.size > 0 || this.isClosed) return;
    if (this.retired) return this.close();
    this.refd = false;
    this.socket.unref();
    this.idleTimer = setTimeout(closeChannel, this.pool.options.idleMs, this).unref();
  }

  /** Ends every query on this socket the same way (a socket error, or the pool closing) and closes it. */
  fail(ending: Ending<unknown>): void {
    this.retired = true;
    for (const query of [...this.waiting.values()]) query.finish(ending);
    this.close();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.retired = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.socket.removeAllListeners('message');
    try {
      this.socket.close();
    } catch {
      // already closed
    }
    this.pool.closed(this);
  }

  private onConnect(): void {
    if (this.isClosed) return;
    this.connected = true;
    this.remote = this.socket.remoteAddress();
    for (const query of this.backlog) this.pool.enqueue(query);
    this.backlog = [];
  }

  private readonly onSent = (err: Error | null): void => {
    if (err) this.fail({ kind: 'error', code: (err as NodeJS.ErrnoException).code ?? 'EIO' });
  };

  /**
   * The kernel drops datagrams from other sources once the socket is connected, but connect()
   * follows the implicit bind: a datagram that reached the port in between stays queued. So the
   * source is checked here too (RFC 5452 §9.1).
   */
  private onMessage(packet: Buffer, from: RemoteInfo): void {
    if (from.port !== this.remote?.port || from.address !== this.remote.address) {
      this.pool.options.onWrongSource();
      return;
    }
    const id = messageId(packet);
    const query = id === undefined ? undefined : this.waiting.get(id);
    if (query === undefined) this.pool.options.onStray();
    else query.deliver(packet);
  }
}

/** The `lookup` of every socket: server and source addresses are IP literals (parseServer), so no DNS and no waiting. */
function literalAddress(address: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, family === 6 ? 6 : 4);
}

function flushOutbox(pool: UdpPool): void {
  pool.flush();
}

function failChannel(channel: Channel, ending: Ending<unknown>): void {
  channel.fail(ending);
}

function closeChannel(channel: Channel): void {
  if (channel.waiting.size === 0) channel.close();
}

/** One query waiting on a Channel; a plain object with methods, so no closures per query. */
class PendingQuery<T> implements Waiting {
  private done = false;

  constructor(
    readonly channel: Channel,
    readonly id: number,
    private readonly opts: SendOptions<T>,
  ) {}

  get bytes(): Uint8Array {
    return this.opts.query;
  }

  /** A datagram with our ID: `accept` takes it (and the wait is over) or turns it down. */
  deliver(packet: Buffer): void {
    const reply = this.opts.accept(packet);
    if (reply !== undefined) this.finish({ kind: 'reply', reply, size: packet.length });
  }

  /** Ends the wait and tells the query how. */
  finish(ending: Ending<T>): void {
    if (this.done) return;
    this.close();
    this.opts.done(ending);
  }

  /** Ends the wait silently (the lookup is over). */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.channel.remove(this as PendingQuery<unknown>);
  }
}
