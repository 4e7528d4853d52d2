/**
 * What --workers threads pass each other about queries, packed into one ArrayBuffer per message
 * (transferred, not copied): a worker's queries for the main thread to answer, and the main
 * thread's replies a worker may keep. One message per batch the socket delivered, not one per query.
 */

/** A query a worker passes on: which of its sockets took it (same order as the main thread's), from whom. */
export interface ForwardedQuery {
  socket: number;
  address: string;
  port: number;
  /** The worker keeps replies (it does unless every query must reach the main thread): the main thread says whether it may keep this one. */
  cacheable: boolean;
  query: Uint8Array;
}

/** Appends records to one growing buffer; take() hands over what was written and starts afresh. */
export class FrameWriter {
  private buf = new Uint8Array(4096);
  private n = 0;

  get length(): number {
    return this.n;
  }

  private room(more: number): void {
    if (this.n + more <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + more));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  private u16(v: number): void {
    this.buf[this.n++] = v >> 8;
    this.buf[this.n++] = v & 0xff;
  }

  private octets(v: Uint8Array): void {
    this.u16(v.length);
    this.buf.set(v, this.n);
    this.n += v.length;
  }

  /** [socket u8][flags u8][port u16][address length u8][address latin1][query length u16][query] */
  query(q: ForwardedQuery): void {
    this.room(7 + q.address.length + q.query.length);
    this.buf[this.n++] = q.socket;
    this.buf[this.n++] = q.cacheable ? 1 : 0;
    this.u16(q.port);
    this.buf[this.n++] = q.address.length;
    for (let i = 0; i < q.address.length; i++) this.buf[this.n++] = q.address.charCodeAt(i);
    this.octets(q.query);
  }

  /** [port u16][address length u8][address latin1][reply length u16][reply]: what the addon's sendMany() sends. */
  reply(address: string, port: number, reply: Uint8Array): void {
    this.room(5 + address.length + reply.length);
    this.u16(port);
    this.buf[this.n++] = address.length;
    for (let i = 0; i < address.length; i++) this.buf[this.n++] = address.charCodeAt(i);
    this.octets(reply);
  }

  /** The records written, in place (valid until the next write), then reset() to start afresh. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }

  reset(): void {
    this.n = 0;
  }

  /** [RCODE u16][query length u16][query][reply length u16][reply] */
  fill(query: Uint8Array, reply: Uint8Array, rcode: number): void {
    this.room(6 + query.length + reply.length);
    this.u16(rcode);
    this.octets(query);
    this.octets(reply);
  }

  /** The records written (a copy of exactly that length, to transfer), and an empty writer. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.n);
    this.n = 0;
    return out;
  }
}

export function readQueries(frame: Uint8Array, each: (q: ForwardedQuery) => void): void {
  for (let p = 0; p < frame.length; ) {
    const socket = frame[p];
    const cacheable = frame[p + 1] === 1;
    const port = (frame[p + 2] << 8) | frame[p + 3];
    const alen = frame[p + 4];
    p += 5;
    const address = String.fromCharCode(...frame.subarray(p, p + alen));
    p += alen;
    const qlen = (frame[p] << 8) | frame[p + 1];
    p += 2;
    each({ socket, address, port, cacheable, query: frame.subarray(p, p + qlen) });
    p += qlen;
  }
}

export function readFills(frame: Uint8Array, each: (query: Uint8Array, reply: Uint8Array, rcode: number) => void): void {
  for (let p = 0; p < frame.length; ) {
    const rcode = (frame[p] << 8) | frame[p + 1];
    p += 2;
    const qlen = (frame[p] << 8) | frame[p + 1];
    const query = frame.subarray(p + 2, p + 2 + qlen);
    p += 2 + qlen;
    const rlen = (frame[p] << 8) | frame[p + 1];
    each(query, frame.subarray(p + 2, p + 2 + rlen), rcode);
    p += 2 + rlen;
  }
}
