import { WireError } from './errors.js';
import type { Flags } from './types.js';

/** The fixed 12-octet message header (RFC 1035 §4.1.1). */
export interface Header {
  id: number;
  opcode: number;
  flags: Flags;
  /** The header's 4-bit RCODE only; decode() combines it with OPT's extended bits. */
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export const HEADER_LENGTH = 12;

/** Reads the header alone, so a server can answer FORMERR to a query whose body is undecodable. */
export function decodeHeader(bytes: Uint8Array): Header {
  if (bytes.length < HEADER_LENGTH) {
    throw new WireError('TRUNCATED', 0, `header needs ${HEADER_LENGTH} octets, got ${bytes.length}`);
  }
  const b2 = bytes[2];
  const b3 = bytes[3];
  return {
    id: (bytes[0] << 8) | bytes[1],
    opcode: (b2 >> 3) & 0x0f,
    flags: {
      qr: (b2 & 0x80) !== 0,
      aa: (b2 & 0x04) !== 0,
      tc: (b2 & 0x02) !== 0,
      rd: (b2 & 0x01) !== 0,
      ra: (b3 & 0x80) !== 0,
      z: (b3 & 0x40) !== 0,
      ad: (b3 & 0x20) !== 0,
      cd: (b3 & 0x10) !== 0,
    },
    rcode: b3 & 0x0f,
    qdcount: (bytes[4] << 8) | bytes[5],
    ancount: (bytes[6] << 8) | bytes[7],
    nscount: (bytes[8] << 8) | bytes[9],
    arcount: (bytes[10] << 8) | bytes[11],
  };
}

/** Octets 2 and 3 of the header: QR, opcode, AA, TC, RD / RA, Z, AD, CD, low RCODE bits. */
export function flagOctets(flags: Partial<Flags>, opcode: number, rcode: number): [number, number] {
  const b2 =
    (flags.qr ? 0x80 : 0) | ((opcode & 0x0f) << 3) | (flags.aa ? 0x04 : 0) | (flags.tc ? 0x02 : 0) | (flags.rd ? 0x01 : 0);
  const b3 = (flags.ra ? 0x80 : 0) | (flags.z ? 0x40 : 0) | (flags.ad ? 0x20 : 0) | (flags.cd ? 0x10 : 0) | (rcode & 0x0f);
  return [b2, b3];
}

export const TC_BIT = 0x02; // in octet 2
