import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { decode, encode, Rcode, type Message, type MessageInit, type ResourceRecord } from '@port53/wire';

export type Transport = 'udp' | 'tcp';

/** What a handler sends back: messages (or raw bytes), each possibly after a delay. */
export type Reply = MessageInit | Uint8Array | { delayMs: number; message: MessageInit | Uint8Array };

export interface HandlerContext {
  transport: Transport;
  /** 1-based count of queries this server has received over any transport. */
  count: number;
  /** Sends bytes to the client from a different port of this host (a forger on the path). */
  sendFromOtherPort(bytes: Uint8Array): void;
}

export type Handler = (query: Message, ctx: HandlerContext) => Reply[] | undefined;

export interface FakeServer {
  address: string;
  port: number;
  /** 'address:port', ready for Resolver's servers. */
  server: string;
  /** Every query decoded, with the transport it came over and (UDP) the client's source port. */
  queries: { message: Message; transport: Transport; sourcePort?: number }[];
  close(): Promise<void>;
}

/** A DNS server on 127.0.0.1 (UDP and TCP on the same port 0-chosen number) run by `handler`. */
export interface FakeServerOptions {
  /** Also listen on TCP (default true); 'close': accept TCP connections and close them at once. */
  tcp?: boolean | 'close';
  /** Loopback address to use (default 127.0.0.1). */
  address?: '127.0.0.1' | '::1';
  /** Port to bind (default 0: any); a restarted server takes its old port. */
  port?: number;
}

export async function startFakeServer(handler: Handler, opts: FakeServerOptions = {}): Promise<FakeServer> {
  // UDP takes a port 0-chosen number; TCP may find that number taken, so try a few times (bounded).
  for (let i = 0; ; i++) {
    try {
      return await startOnce(handler, opts);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i >= 10) throw err;
    }
  }
}

async function startOnce(handler: Handler, opts: FakeServerOptions): Promise<FakeServer> {
  const address = opts.address ?? '127.0.0.1';
  const type = address === '::1' ? 'udp6' : 'udp4';
  const udp = createSocket(type);
  const forger = createSocket(type);
  await new Promise<void>((resolve, reject) => {
    udp.once('error', (err) => {
      udp.close();
      forger.close();
      reject(err);
    });
    udp.bind(opts.port ?? 0, address, () => {
      udp.removeAllListeners('error');
      resolve();
    });
  });
  await new Promise<void>((resolve) => forger.bind(0, address, resolve));
  const port = (udp.address() as { port: number }).port;
  const queries: FakeServer['queries'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const connections = new Set<TcpSocket>();
  let closed = false;

  const dispatch = (bytes: Uint8Array, transport: Transport, send: (b: Uint8Array) => void, rinfo?: RemoteInfo) => {
    let query: Message;
    try {
      query = decode(bytes);
    } catch {
      return;
    }
    // A response is no query (another test's forged replies can reach a reused port): ignored.
    if (query.flags.qr) return;
    queries.push({ message: query, transport, ...(rinfo ? { sourcePort: rinfo.port } : {}) });
    const ctx: HandlerContext = {
      transport,
      count: queries.length,
      sendFromOtherPort: (b) => rinfo && forger.send(b, rinfo.port, rinfo.address),
    };
    for (const reply of handler(query, ctx) ?? []) {
      const delayed = isDelayed(reply) ? reply : { delayMs: 0, message: reply };
      const bytesOut = delayed.message instanceof Uint8Array ? delayed.message : encode(delayed.message);
      if (delayed.delayMs === 0) send(bytesOut);
      else {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!closed) send(bytesOut);
        }, delayed.delayMs);
        timers.add(t);
      }
    }
  };

  udp.on('message', (msg, rinfo) => dispatch(msg, 'udp', (b) => udp.send(b, rinfo.port, rinfo.address), rinfo));

  let tcp: Server | undefined;
  if (opts.tcp !== false) {
    tcp = createServer((conn) => {
      if (opts.tcp === 'close') {
        conn.on('error', () => {});
        conn.destroy();
        return;
      }
      connections.add(conn);
      conn.on('close', () => connections.delete(conn));
      conn.on('error', () => {});
      let buf = Buffer.alloc(0);
      conn.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const frame = buf.subarray(2, 2 + len);
          buf = buf.subarray(2 + len);
          dispatch(frame, 'tcp', (b) => {
            if (conn.destroyed) return;
            const out = Buffer.alloc(2 + b.length);
            out.writeUInt16BE(b.length, 0);
            out.set(b, 2);
            conn.write(out);
          });
        }
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        tcp!.once('error', reject);
        tcp!.listen(port, address, () => resolve());
      });
    } catch (err) {
      udp.close();
      forger.close();
      throw err;
    }
  }

  return {
    address,
    port,
    server: address === '::1' ? `[::1]:${port}` : `${address}:${port}`,
    queries,
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const c of connections) c.destroy();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => forger.close(() => resolve()));
      if (tcp) await new Promise<void>((resolve) => tcp!.close(() => resolve()));
    },
  };
}

function isDelayed(r: Reply): r is { delayMs: number; message: MessageInit | Uint8Array } {
  return !(r instanceof Uint8Array) && 'delayMs' in r;
}

/** The response to `query`: its ID and question echoed, QR and AA set, EDNS answered in kind. */
export function respond(query: Message, init: Partial<MessageInit> = {}): MessageInit {
  return {
    id: query.id,
    opcode: query.opcode,
    rcode: Rcode.NOERROR,
    questions: query.questions,
    answers: [],
    authorities: [],
    additionals: [],
    ...(query.edns ? { edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [] } } : {}),
    ...init,
    flags: { qr: true, aa: true, rd: query.flags.rd, ...init.flags },
  };
}

/** A small zone as a function: records by lower-case owner; NXDOMAIN for unknown names. */
export function zoneAnswer(records: ResourceRecord[]): (query: Message) => MessageInit {
  return (query) => {
    const q = query.questions[0];
    const owner = q.name.toLowerCase();
    const atName = records.filter((r) => r.name.toLowerCase() === owner);
    if (atName.length === 0) return respond(query, { rcode: Rcode.NXDOMAIN });
    const cname = atName.filter((r) => r.type === 'CNAME');
    const answers = [...cname, ...atName.filter((r) => r.type === q.type || q.type === 'ANY')];
    // Follow one CNAME inside the zone, as an authoritative server does (RFC 1034 §4.3.2).
    for (const c of cname) {
      if (c.type === 'CNAME') answers.push(...records.filter((r) => r.name.toLowerCase() === c.data.toLowerCase() && r.type === q.type));
    }
    return respond(query, { answers: [...new Set(answers)] });
  };
}

/** A UDP socket that reads and never answers. */
export async function startBlackhole(): Promise<{ server: string; received: (name?: string) => number; close(): Promise<void> }> {
  const s: Socket = createSocket('udp4');
  let received = 0;
  const byName = new Map<string, number>();
  s.on('message', (msg) => {
    received += 1;
    try {
      const name = decode(msg).questions[0]?.name.toLowerCase();
      if (name !== undefined) byName.set(name, (byName.get(name) ?? 0) + 1);
    } catch {
      // not a query: counted above only
    }
  });
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  return {
    server: `127.0.0.1:${port}`,
    /** Datagrams received; with `name`, only queries for that name (a port reused by another process's client is no matter). */
    received: (name?: string) => (name === undefined ? received : (byName.get(name.toLowerCase()) ?? 0)),
    close: () => new Promise<void>((resolve) => s.close(() => resolve())),
  };
}

/** A port with nothing bound to it (bound once, then released). */
export async function closedPort(): Promise<string> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
