/**
 * What a stub resolver reads and writes straight from the octets, without a whole Message: the
 * query in one pass, the ID that routes a reply to its query, the header and question of a reply
 * whose later sections do not decode, NAPTR rdata for node:dns's shape.
 */
import { readName, WireReader } from './compress.js';
import { classFromString, classToString, typeFromString, typeToString } from './constants.js';
import { OPT_TYPE } from './edns.js';
import { WireError } from './errors.js';
import { decodeHeader, HEADER_LENGTH, type Header } from './header.js';
import { formatLabels, MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './name.js';
import type { ClassName, Question, TypeName } from './types.js';

export interface StubQuery {
  id: number;
  /** A normalized name (wire's Name form: no final dot, the root is "."). */
  name: string;
  type: string;
  class: string;
  rd: boolean;
  cd: boolean;
  /** UDP payload size for the OPT record, or undefined for none. */
  ednsPayload: number | undefined;
  dnssecOk: boolean;
}

/** Root owner, TYPE, CLASS, TTL, RDLENGTH (RFC 6891 §6.1.2). */
const OPT_LENGTH = 11;

/**
 * The query message written straight into one buffer (RFC 1035 §4.1; OPT per RFC 6891 §6.1.2),
 * the same octets as encode() gives for one question: the general encoder was 4 % of a lookup
 * in the resolver's profile. Undefined for names with escapes (`\.`, `\DDD`) and anything not
 * normalized: those go through encode(), which says why. A normalized name without a backslash
 * is printable ASCII, one octet a char.
 */
export function encodeStubQuery(q: StubQuery): Uint8Array | undefined {
  const { name } = q;
  if (name.includes('\\')) return undefined;
  const type = typeFromString(q.type);
  const cls = classFromString(q.class);
  if (type === undefined || cls === undefined) return undefined;
  const nameLength = name === '.' ? 1 : name.length + 2;
  const out = Buffer.allocUnsafe(HEADER_LENGTH + nameLength + 4 + (q.ednsPayload === undefined ? 0 : OPT_LENGTH));
  out[0] = q.id >> 8;
  out[1] = q.id & 0xff;
  out[2] = q.rd ? 0x01 : 0; // QR=0, opcode QUERY, AA=0, TC=0
  out[3] = q.cd ? 0x10 : 0; // RA=0, Z=0, AD=0, RCODE=0
  out.writeUInt32BE(0x0001_0000, 4); // QDCOUNT 1, ANCOUNT 0
  out.writeUInt32BE(q.ednsPayload === undefined ? 0 : 1, 8); // NSCOUNT 0, ARCOUNT
  let pos = HEADER_LENGTH;
  if (name !== '.') {
    let start = 0;
    while (start <= name.length) {
      let end = name.indexOf('.', start);
      if (end < 0) end = name.length;
      const length = end - start;
      if (length === 0 || length > MAX_LABEL_LENGTH) return undefined;
      out[pos++] = length;
      for (let i = start; i < end; i++) out[pos++] = name.charCodeAt(i);
      start = end + 1;
    }
    if (pos - HEADER_LENGTH + 1 > MAX_NAME_LENGTH) return undefined;
  }
  out[pos++] = 0;
  out.writeUInt16BE(type, pos);
  out.writeUInt16BE(cls, pos + 2);
  pos += 4;
  if (q.ednsPayload !== undefined) {
    out[pos] = 0; // root owner
    out.writeUInt16BE(OPT_TYPE, pos + 1);
    out.writeUInt16BE(q.ednsPayload, pos + 3); // CLASS: payload size
    out.writeUInt32BE(q.dnssecOk ? 0x8000 : 0, pos + 5); // extended RCODE 0, version 0, DO
    out.writeUInt16BE(0, pos + 9); // no options
  }
  return out;
}

/** The message's ID (RFC 1035 §4.1.1), or undefined when fewer than two octets came. */
export function messageId(bytes: Uint8Array): number | undefined {
  return bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : undefined;
}

/**
 * The header and question section alone (RFC 1035 §4.1.1, §4.1.2), for a reply whose later
 * sections do not decode: is it the reply to our query, malformed, or someone else's? Throws
 * WireError when even these do not decode.
 */
export function decodeHeadAndQuestions(bytes: Uint8Array): { header: Header; questions: Question[] } {
  const header = decodeHeader(bytes);
  const r = new WireReader(bytes);
  r.pos = HEADER_LENGTH;
  const questions: Question[] = [];
  for (let i = 0; i < header.qdcount; i++) {
    const name = readName(r, bytes.length, false);
    if (r.pos + 4 > bytes.length) throw new WireError('TRUNCATED', r.pos, 'question type and class run past the end');
    const type = typeToString((bytes[r.pos] << 8) | bytes[r.pos + 1]) as TypeName;
    const cls = classToString((bytes[r.pos + 2] << 8) | bytes[r.pos + 3]) as ClassName;
    r.pos += 4;
    questions.push({ name, type, class: cls });
  }
  return { header, questions };
}

/** NAPTR rdata (RFC 3403 §4.1), with the character-strings as latin1 text as node:dns gives them. */
export interface NaptrData {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  /** The replacement name; "." for none. */
  replacement: string;
}

const latin1 = new TextDecoder('latin1');

/**
 * NAPTR rdata kept as octets by the codec: ORDER, PREFERENCE, three character-strings,
 * REPLACEMENT (never compressed, RFC 3597 §4). Undefined when malformed.
 */
export function decodeNaptrRdata(b: Uint8Array): NaptrData | undefined {
  if (b.length < 4) return undefined;
  let pos = 4;
  const strings: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (pos >= b.length || pos + 1 + b[pos] > b.length) return undefined;
    strings.push(latin1.decode(b.subarray(pos + 1, pos + 1 + b[pos])));
    pos += 1 + b[pos];
  }
  const labels: Uint8Array[] = [];
  let wire = 1;
  for (;;) {
    if (pos >= b.length) return undefined;
    const len = b[pos];
    if (len === 0) break;
    wire += len + 1;
    if (len > MAX_LABEL_LENGTH || pos + 1 + len > b.length || wire > MAX_NAME_LENGTH) return undefined;
    labels.push(b.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  if (pos + 1 !== b.length) return undefined;
  return {
    order: (b[0] << 8) | b[1],
    preference: (b[2] << 8) | b[3],
    flags: strings[0],
    service: strings[1],
    regexp: strings[2],
    replacement: formatLabels(labels),
  };
}
