/**
 * The records of a zone transfer packed into DNS messages (RFC 5936 §2.2): as many records per
 * message as fit a target size, every message a complete DNS message with the request's ID, the
 * question in the first one only. Messages are encoded one at a time, as the transport asks for
 * them, so a large zone is never held encoded in full.
 */
import { encodeMessage, Rcode } from '@port53/wire';
import type { Edns, Question, ResourceRecord } from '@port53/wire';
import { TCP_MAX_SIZE } from '../answer/defaults.js';

/** What each message of a transfer copies from the request. */
export interface TransferRequest {
  id: number;
  question: Question;
  edns?: Edns;
}

/** Octets we aim for per message: large enough to amortise headers, far from the 64 KiB cap. */
const TARGET_SIZE = 16 * 1024;

/**
 * Yields encoded messages holding `records` in order. `reserve` octets are left free in each for
 * a TSIG record. `maxSize` caps a message (65535 over TCP; a UDP IXFR passes the client's limit).
 */
export function* packMessages(records: readonly ResourceRecord[], request: TransferRequest, reserve: number, maxSize = TCP_MAX_SIZE, firstBatch = 64): Generator<Uint8Array> {
  const limit = maxSize - reserve;
  const edns = request.edns && { version: 0, udpPayloadSize: 1232, do: request.edns.do, flags: 0, options: [] };
  let at = 0;
  let batch = firstBatch;
  let first = true;
  while (at < records.length || first) {
    let count = Math.max(1, Math.min(batch, records.length - at));
    for (;;) {
      const encoded = encodeMessage(
        {
          id: request.id,
          flags: { qr: true, aa: true },
          rcode: Rcode.NOERROR,
          questions: first ? [request.question] : [],
          answers: records.slice(at, at + count),
          edns,
        },
        { maxSize: limit },
      );
      if (!encoded.truncated && encoded.dropped === 0) {
        yield encoded.bytes;
        // Aim the next batch at the target size from what this one weighed per record.
        const perRecord = Math.max(1, encoded.bytes.length / Math.max(1, count));
        batch = Math.max(1, Math.floor(TARGET_SIZE / perRecord));
        break;
      }
      // One record that does not fit on its own cannot be sent at all (the encoder's error says why).
      if (count === 1) throw new RangeError(`record ${records[at].name} ${records[at].type} does not fit in a ${limit}-octet message`);
      count = Math.max(1, Math.floor(count / 2));
    }
    at += count;
    first = false;
  }
}
