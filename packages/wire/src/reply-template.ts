/**
 * A reply encoded once and reused for later queries with the same question (the server's answer
 * cache). Such a reply differs from a fresh one only in the ID, the RD bit and the case of the
 * question's name (RFC 4343 §4.1 asks us to echo it), which these functions patch in.
 * `nameEnd` is QuestionScan's: the question's name is octets 12 to nameEnd in query and reply.
 */
import { OPT_TYPE } from './edns.js';
import { HEADER_LENGTH } from './header.js';
import { typeHasNames } from './rdata/table.js';

/** True when a message's header says QUERY (QR clear, opcode 0, RFC 1035 §4.1.1); `length` octets of `bytes` are the message. */
export function isStandardQuery(bytes: Uint8Array, length = bytes.length): boolean {
  return length >= HEADER_LENGTH && (bytes[2] & 0xf8) === 0;
}

/** Writes the question's name lower-cased (ASCII only, RFC 4343 §3) into `out` from `at`; returns the octets written. */
export function foldQuestionName(query: Uint8Array, nameEnd: number, out: Uint8Array, at = 0): number {
  let n = at;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) {
    const c = query[i];
    out[n++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return n - at;
}

/**
 * A 32-bit hash of the question's name lower-cased (RFC 4343 §3: every case of a name hashes
 * alike) and two more words the caller chooses (type, class, reply shape), from `seed`: FNV-1a
 * over the octets, then murmur3's finalizer so that the low bits, which index a table, mix well.
 */
export function questionHash(query: Uint8Array, nameEnd: number, seed: number, a: number, b: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) {
    const c = query[i];
    h = Math.imul(h ^ (c >= 0x41 && c <= 0x5a ? c | 0x20 : c), 0x01000193);
  }
  h = Math.imul(h ^ a, 0x01000193);
  h = Math.imul(h ^ b, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** True when `key` from `at` holds the question's name as foldQuestionName writes it (same length assumed). */
export function isFoldedQuestionName(query: Uint8Array, nameEnd: number, key: Uint8Array, at: number): boolean {
  for (let i = HEADER_LENGTH, k = at; i < nameEnd; i++, k++) {
    const c = query[i];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== key[k]) return false;
  }
  return true;
}

/** True when both messages spell the question's name with the same octets (the same case); `b`'s message starts at `bAt`. */
export function sameQuestionName(a: Uint8Array, b: Uint8Array, nameEnd: number, bAt = 0): boolean {
  for (let i = HEADER_LENGTH; i < nameEnd; i++) if (a[i] !== b[bAt + i]) return false;
  return true;
}

/**
 * A copy of `template` for `query`: the query's ID and RD (RFC 1035 §4.1.1) and CD (RFC 4035
 * §3.1.6), QR, opcode, AA, TC and RCODE as encoded; with `echoName`, the query's case of the
 * question's name as well.
 */
export function replyFromTemplate(template: Uint8Array, query: Uint8Array, nameEnd: number, echoName: boolean): Uint8Array {
  const reply = Buffer.allocUnsafe(template.length);
  writeReplyFromTemplate(reply, template, 0, template.length, query, nameEnd, echoName);
  return reply;
}

/**
 * replyFromTemplate written into `out` from octet 0 (a send buffer), the template being
 * `length` octets of `source` from `at`: nothing is allocated. Returns `length`.
 */
export function writeReplyFromTemplate(out: Uint8Array, source: Uint8Array, at: number, length: number, query: Uint8Array, nameEnd: number, echoName: boolean): number {
  // A plain loop: for a reply of a few hundred octets it beats set() over a fresh subarray view.
  for (let i = 4; i < length; i++) out[i] = source[at + i];
  out[0] = query[0];
  out[1] = query[1];
  out[2] = (source[at + 2] & 0xfe) | (query[2] & 0x01);
  out[3] = (source[at + 3] & 0xef) | (query[3] & 0x10);
  if (echoName) for (let i = HEADER_LENGTH; i < nameEnd; i++) out[i] = query[i];
  return length;
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
