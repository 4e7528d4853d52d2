/**
 * A reply encoded once and reused for later queries with the same question (the server's answer
 * cache). Such a reply differs from a fresh one only in the ID, the RD bit and the case of the
 * question's name (RFC 4343 §4.1 asks us to echo it), which these functions patch in.
 * `nameEnd` is QuestionScan's: the question's name is octets 12 to nameEnd in query and reply.
 */
import { OPT_TYPE } from './edns.js';
import { HEADER_LENGTH } from './header.js';
import { typeHasNames } from './rdata/table.js';

/** True when a message's header says QUERY (QR clear, opcode 0, RFC 1035 §4.1.1). */
export function isStandardQuery(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_LENGTH && (bytes[2] & 0xf8) === 0;
}

/** Writes the question's name lower-cased (ASCII only, RFC 4343 §3) into `out` from 0; returns the octets written. */
export function foldQuestionName(query: Uint8Array, nameEnd: number, out: Uint8Array): number {
  let n = 0;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) {
    const c = query[i];
    out[n++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return n;
}

/** True when both messages spell the question's name with the same octets (the same case). */
export function sameQuestionName(a: Uint8Array, b: Uint8Array, nameEnd: number): boolean {
  for (let i = HEADER_LENGTH; i < nameEnd; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A copy of `template` for `query`: the query's ID and RD (RFC 1035 §4.1.1) and CD (RFC 4035
 * §3.1.6), QR, opcode, AA, TC and RCODE as encoded; with `echoName`, the query's case of the
 * question's name as well.
 */
export function replyFromTemplate(template: Uint8Array, query: Uint8Array, nameEnd: number, echoName: boolean): Uint8Array {
  const reply = Buffer.allocUnsafe(template.length);
  reply.set(template);
  reply[0] = query[0];
  reply[1] = query[1];
  reply[2] = (template[2] & 0xfe) | (query[2] & 0x01);
  reply[3] = (template[3] & 0xef) | (query[3] & 0x10);
  if (echoName) reply.set(query.subarray(HEADER_LENGTH, nameEnd), HEADER_LENGTH);
  return reply;
}

/** A record's fixed part after a 2-octet pointer owner: pointer, TYPE, CLASS, TTL, RDLENGTH. */
const POINTER_RECORD_HEAD = 2 + 2 + 2 + 4 + 2;
/** An OPT's fixed part: root owner, TYPE, CLASS, TTL, RDLENGTH (RFC 6891 §6.1.2). */
const OPT_HEAD = 1 + 2 + 2 + 4 + 2;

/**
 * True when every record is owned by a pointer to the question's name (0xC00C) and its type's
 * rdata holds no name,
 * and the authority section is empty: then the encoder makes the same octets for any case of the
 * question. Otherwise a zone name may share a suffix with the question only in one case of it.
 */
export function isCaseNeutralReply(reply: Uint8Array, nameEnd: number): boolean {
  const ancount = (reply[6] << 8) | reply[7];
  const nscount = (reply[8] << 8) | reply[9];
  const arcount = (reply[10] << 8) | reply[11];
  if (nscount !== 0) return false;
  let pos = nameEnd + 4;
  for (let i = 0; i < ancount + arcount; i++) {
    if (pos + OPT_HEAD > reply.length) return false;
    if (reply[pos] === 0 && ((reply[pos + 1] << 8) | reply[pos + 2]) === OPT_TYPE) {
      pos += OPT_HEAD + ((reply[pos + 9] << 8) | reply[pos + 10]);
      continue;
    }
    if (pos + POINTER_RECORD_HEAD > reply.length) return false;
    if (reply[pos] !== 0xc0 || reply[pos + 1] !== HEADER_LENGTH) return false;
    // A name in rdata may be compressed onto the question's case (the type table says which hold names).
    if (typeHasNames((reply[pos + 2] << 8) | reply[pos + 3])) return false;
    pos += POINTER_RECORD_HEAD + ((reply[pos + 10] << 8) | reply[pos + 11]);
  }
  return true;
}
