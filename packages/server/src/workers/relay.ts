/**
 * The main thread answering queries its --workers passed on: each with the server's full handler
 * (TSIG, cookies, RRL, NOTIFY, transfers, DNSSEC: only this thread ever computes an answer), sent
 * from this thread's socket on the address and port the client asked, so the reply's source is
 * the one it expects. Replies a worker may keep go back to it in one frame.
 */
import type { Client } from '../transport/udp.js';
import { FrameWriter, readQueries } from './frames.js';
import type { Relay } from './pool.js';

/** What the server gives the relay. */
export interface RelayTarget {
  /** The server's UDP handler; `keep`: the reply's RCODE when it came from the zones and is the same for anyone who asks the same question, else -1. */
  answer(query: Uint8Array, client: Client): { reply: Uint8Array | undefined; keep: number };
  /** Sends FrameWriter.reply() records from the main thread's UDP socket number `socket` (the workers' order). */
  sendMany(socket: number, frame: Uint8Array): void;
}

export function relay(target: RelayTarget): Relay {
  const fills = new FrameWriter();
  /** The replies to send, per socket, sent together once the frame is answered (one sendmmsg, not a sendto each). */
  const replies: FrameWriter[] = [];
  return (frame) => {
    let count = 0;
    readQueries(frame, (q) => {
      count++;
      const { reply, keep } = target.answer(q.query, { address: q.address, port: q.port, transport: 'udp' });
      if (!reply) return;
      (replies[q.socket] ??= new FrameWriter()).reply(q.address, q.port, reply);
      if (keep >= 0 && q.cacheable) fills.fill(q.query, reply, keep);
    });
    for (const [socket, w] of replies.entries()) {
      if (!w || w.length === 0) continue;
      target.sendMany(socket, w.view());
      w.reset();
    }
    return { count, fill: fills.length > 0 ? fills.take() : undefined };
  };
}
