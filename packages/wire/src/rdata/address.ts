import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../address.js';
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
    const octets = parseIPv4(data);
    if (!octets) throw new WireError('BAD_RDATA', w.pos, `"${data}" is not an IPv4 address`);
    w.bytes(octets);
  },
};

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
