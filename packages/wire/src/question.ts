/**
 * The hot-path reading of a query: header, question and OPT, without building a Message. It
 * accepts only the plain shape (one question, a name of uncompressed labels, nothing but an OPT
 * in additional) and says false for anything else, so the caller falls back to decode(); what it
 * accepts, decode() accepts too and reads the same way.
 */
import { readName, WireReader } from './compress.js';
import { OPT_TYPE } from './edns.js';
import { HEADER_LENGTH } from './header.js';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './name.js';
import type { Name } from './types.js';

/** What scanQuestion read; one object can be reused for every query. */
export interface QuestionScan {
  /** End of the question's name: the name is octets 12 to nameEnd, type and class follow. */
  nameEnd: number;
  qtype: number;
  qclass: number;
  /** An OPT record was present (RFC 6891). The fields below are meaningful only then. */
  edns: boolean;
  ednsVersion: number;
  /** OPT's CLASS: the requestor's UDP payload size (RFC 6891 §6.2.3). */
  udpPayloadSize: number;
  /** The DO bit (RFC 3225 §3). */
  do: boolean;
  /** Octets of options in the OPT (0: none): a reply may depend on them (NSID, COOKIE). */
  optionsLength: number;
}

export function questionScan(): QuestionScan {
  return { nameEnd: 0, qtype: 0, qclass: 0, edns: false, ednsVersion: 0, udpPayloadSize: 0, do: false, optionsLength: 0 };
}

/**
 * Reads a message of the plain query shape into `out`: QDCOUNT 1, ANCOUNT and NSCOUNT 0, ARCOUNT
 * 0 or 1 with that record an OPT owned by the root whose options are well framed. Header flags
 * and opcode are not checked. False (and `out` partly written) for every other message. The
 * message is the first `total` octets of `bytes` (a receive buffer may be larger).
 */
export function scanQuestion(bytes: Uint8Array, out: QuestionScan, total = bytes.length): boolean {
  if (total < HEADER_LENGTH) return false;
  // QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 0 or 1.
  if (bytes[4] !== 0 || bytes[5] !== 1 || bytes[6] !== 0 || bytes[7] !== 0 || bytes[8] !== 0 || bytes[9] !== 0 || bytes[10] !== 0 || bytes[11] > 1) return false;
  let pos = HEADER_LENGTH;
  let wire = 1;
  for (;;) {
    if (pos >= total) return false;
    const len = bytes[pos];
    if (len === 0) break;
    // Pointers and the retired label types take decode()'s path (RFC 1035 §4.1.4, RFC 6891 §5).
    if (len > MAX_LABEL_LENGTH) return false;
    wire += len + 1;
    pos += len + 1;
  }
  if (wire > MAX_NAME_LENGTH) return false;
  pos += 1;
  if (pos + 4 > total) return false;
  out.nameEnd = pos;
  out.qtype = (bytes[pos] << 8) | bytes[pos + 1];
  out.qclass = (bytes[pos + 2] << 8) | bytes[pos + 3];
  pos += 4;
  out.edns = bytes[11] === 1;
  if (!out.edns) return true;
  // The OPT: root owner (one zero octet), TYPE, CLASS, TTL, RDLENGTH (RFC 6891 §6.1.2).
  if (pos + 11 > total || bytes[pos] !== 0 || bytes[pos + 1] !== 0 || bytes[pos + 2] !== OPT_TYPE) return false;
  out.udpPayloadSize = (bytes[pos + 3] << 8) | bytes[pos + 4];
  out.ednsVersion = bytes[pos + 6];
  out.do = (bytes[pos + 7] & 0x80) !== 0;
  out.optionsLength = (bytes[pos + 9] << 8) | bytes[pos + 10];
  const end = pos + 11 + out.optionsLength;
  if (end > total) return false;
  // Options are dropped from the reply, but their framing must hold as decodeOpt checks it.
  for (let p = pos + 11; p < end; ) {
    if (p + 4 > end) return false;
    p += 4 + ((bytes[p + 2] << 8) | bytes[p + 3]);
    if (p > end) return false;
  }
  return true;
}

/** The question's name in presentation form, case as received, for a message scanQuestion accepted. */
export function questionName(bytes: Uint8Array): Name {
  const r = new WireReader(bytes);
  r.pos = HEADER_LENGTH;
  return readName(r, bytes.length, false);
}
