import { formatIPv4, formatIPv6, parseIPv6 } from '../address.js';
import type { WireWriter } from '../compress.js';
import { WireError } from '../errors.js';
import type { RdataCodec } from './codec.js';

/** A (RFC 1035 §3.4.1): exactly 4 octets. */
export const aCodec: RdataCodec<string> = {
  decode(r, end) {
    if (end - r.pos !== 4) throw new WireError('BAD_RDATA', r.pos, `A rdata of ${end - r.pos} octets, expected 4`);
    const text = formatIPv4(r.bytes, r.pos);
    r.pos = end;
    return text;
  },
  encode(w, data) {
    if (!writeIPv4(w, data)) throw new WireError('BAD_RDATA', w.pos, `"${data}" is not an IPv4 address`);
  },
};

/**
 * Writes a dotted quad without allocating (parseIPv4 showed up first in the encode profile).
 * Same grammar as parseIPv4: four decimals 0..255 without leading zeros. False if invalid.
 */
function writeIPv4(w: WireWriter, text: string): boolean {
  const at = w.pos;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return false;
      w.buf[at + part] = value;
      part += 1;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + (c - 0x30);
      if (value > 255) return false;
      digits += 1;
    } else {
      return false;
    }
  }
  if (part !== 4) return false;
  w.pos = at + 4;
  return true;
}

/** AAAA (RFC 3596 §2.2): exactly 16 octets; decoded to RFC 5952 text. */
export const aaaaCodec: RdataCodec<string> = {
  decode(r, end) {
    if (end - r.pos !== 16) throw new WireError('BAD_RDATA', r.pos, `AAAA rdata of ${end - r.pos} octets, expected 16`);
    const text = formatIPv6(r.bytes, r.pos);
    r.pos = end;
    return text;
  },
  encode(w, data) {
    const octets = parseIPv6(data);
    if (!octets) throw new WireError('BAD_RDATA', w.pos, `"${data}" is not an IPv6 address`);
    w.bytes(octets);
  },
};
