/**
 * Replies made from another message's octets without decoding it: the SERVFAIL a server sends
 * when its own answer code failed, and the truncated "slip" reply of response rate limiting.
 */
import { OPT_TYPE } from './edns.js';
import { HEADER_LENGTH, TC_BIT } from './header.js';
import { MAX_LABEL_LENGTH } from './name.js';
import { Rcode } from './constants.js';

/** Octets of an OPT record without options: root owner, TYPE, CLASS, TTL, RDLENGTH 0 (RFC 6891 §6.1.2). */
const EMPTY_OPT_LENGTH = 11;

/**
 * A bare SERVFAIL for a query (RFC 8906 §3.1: always answer): its ID, opcode and RD, QR set, AA
 * and TC clear, no sections. Undefined for a message too short to have an ID, or one that is a
 * response (QR set: answering could start a loop, RFC 1035 §7.3).
 */
export function servfailReply(query: Uint8Array): Uint8Array | undefined {
  if (query.length < HEADER_LENGTH || query[2] & 0x80) return undefined;
  const reply = new Uint8Array(HEADER_LENGTH);
  reply[0] = query[0];
  reply[1] = query[1];
  reply[2] = 0x80 | (query[2] & 0x79); // QR; opcode and RD copied; AA and TC clear
  reply[3] = Rcode.SERVFAIL;
  return reply;
}

/**
 * The reply cut to its header and question with TC set and no records, so that a client asks
 * again over TCP (RFC 1035 §4.2.1). An OPT without options written last (as encodeMessage writes
 * ours) is kept, so the client still sees EDNS. Undefined when the reply has no header, more
 * than one question, or a compressed or overrunning question name.
 */
export function truncatedReply(reply: Uint8Array): Uint8Array | undefined {
  if (reply.length < HEADER_LENGTH) return undefined;
  const qdcount = (reply[4] << 8) | reply[5];
  let end = HEADER_LENGTH;
  if (qdcount === 1) {
    // The question's name comes first in the message, so it is never compressed.
    while (end < reply.length && reply[end] !== 0) {
      if (reply[end] > MAX_LABEL_LENGTH) return undefined;
      end += reply[end] + 1;
    }
    end += 1 + 4;
    if (end > reply.length) return undefined;
  } else if (qdcount !== 0) {
    return undefined;
  }
  const optStart = reply.length - EMPTY_OPT_LENGTH;
  const arcount = (reply[10] << 8) | reply[11];
  const hasOpt =
    arcount > 0 &&
    optStart >= end &&
    reply[optStart] === 0 &&
    ((reply[optStart + 1] << 8) | reply[optStart + 2]) === OPT_TYPE &&
    reply[reply.length - 2] === 0 &&
    reply[reply.length - 1] === 0;
  const out = new Uint8Array(end + (hasOpt ? EMPTY_OPT_LENGTH : 0));
  out.set(reply.subarray(0, end));
  if (hasOpt) out.set(reply.subarray(optStart), end);
  out[2] |= TC_BIT;
  out.fill(0, 6, 11); // ANCOUNT, NSCOUNT, ARCOUNT's high octet
  out[11] = hasOpt ? 1 : 0;
  return out;
}
