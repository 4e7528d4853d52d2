import { classFromString, typeFromString } from '@port53/wire';

export interface QueryFields {
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

const HEADER = 12;
const OPT_LENGTH = 11;

/**
 * The query message written straight into one buffer (RFC 1035 §4.1; OPT per RFC 6891 §6.1.2),
 * the same octets as wire's encode() gives for one question. The profile showed the general
 * encoder at 4 % of a lookup. Returns undefined for names with escapes (`\.`, `\DDD`): those go
 * through encode(). A normalized name without a backslash is printable ASCII, one octet a char.
 */
export function encodeQuery(q: QueryFields): Uint8Array | undefined {
  const { name } = q;
  if (name.includes('\\')) return undefined;
  const type = typeFromString(q.type);
  const cls = classFromString(q.class);
  if (type === undefined || cls === undefined) return undefined;
  const nameLength = name === '.' ? 1 : name.length + 2;
  const out = Buffer.allocUnsafe(HEADER + nameLength + 4 + (q.ednsPayload === undefined ? 0 : OPT_LENGTH));
  out[0] = q.id >> 8;
  out[1] = q.id & 0xff;
  out[2] = q.rd ? 0x01 : 0; // QR=0, opcode QUERY, AA=0, TC=0
  out[3] = q.cd ? 0x10 : 0; // RA=0, Z=0, AD=0, RCODE=0
  out.writeUInt32BE(0x0001_0000, 4); // QDCOUNT 1, ANCOUNT 0
  out.writeUInt32BE(q.ednsPayload === undefined ? 0 : 1, 8); // NSCOUNT 0, ARCOUNT
  let pos = HEADER;
  if (name !== '.') {
    let start = 0;
    while (start <= name.length) {
      let end = name.indexOf('.', start);
      if (end < 0) end = name.length;
      const length = end - start;
      if (length === 0 || length > 63) return undefined; // not normalized; let encode() say why
      out[pos++] = length;
      for (let i = start; i < end; i++) out[pos++] = name.charCodeAt(i);
      start = end + 1;
    }
    if (pos - HEADER + 1 > 255) return undefined;
  }
  out[pos++] = 0;
  out.writeUInt16BE(type, pos);
  out.writeUInt16BE(cls, pos + 2);
  pos += 4;
  if (q.ednsPayload !== undefined) {
    out[pos] = 0; // root owner
    out.writeUInt16BE(41, pos + 1); // TYPE OPT
    out.writeUInt16BE(q.ednsPayload, pos + 3); // CLASS: payload size
    out.writeUInt32BE(q.dnssecOk ? 0x8000 : 0, pos + 5); // extended RCODE 0, version 0, DO
    out.writeUInt16BE(0, pos + 9); // no options
  }
  return out;
}
