import { WireError } from '../errors.js';
import type { CaaData } from '../types.js';
import type { RdataCodec } from './codec.js';

const MAX_RDATA = 0xffff;

/** RFC 8659 §4.1: the tag is 1..255 ASCII letters and digits. */
function isTag(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const c of bytes) {
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum) return false;
  }
  return true;
}

/** CAA (RFC 8659 §4.1): flags, tag length, tag, value (the rest of the rdata). */
export const caaCodec: RdataCodec<CaaData> = {
  decode(r, end) {
    const b = r.bytes;
    if (end - r.pos < 2) throw new WireError('BAD_RDATA', r.pos, 'CAA rdata too short');
    const flags = b[r.pos];
    const tagLength = b[r.pos + 1];
    const tagStart = r.pos + 2;
    if (tagStart + tagLength > end) throw new WireError('BAD_RDATA', r.pos + 1, 'CAA tag runs past its rdata');
    const tagBytes = b.subarray(tagStart, tagStart + tagLength);
    if (!isTag(tagBytes)) throw new WireError('BAD_RDATA', tagStart, 'CAA tag must be 1..255 letters and digits');
    const tag = String.fromCharCode(...tagBytes);
    const value = new Uint8Array(b.subarray(tagStart + tagLength, end));
    r.pos = end;
    return { flags, tag, value };
  },
  encode(w, data) {
    if (!Number.isInteger(data.flags) || data.flags < 0 || data.flags > 0xff) {
      throw new WireError('BAD_RDATA', w.pos, `CAA flags ${data.flags} is not 0..255`);
    }
    const tag = Buffer.from(data.tag, 'latin1');
    if (tag.length > 255 || !isTag(tag) || tag.toString('latin1') !== data.tag) {
      throw new WireError('BAD_RDATA', w.pos, `CAA tag "${data.tag}" must be 1..255 letters and digits`);
    }
    if (2 + tag.length + data.value.length > MAX_RDATA) {
      throw new WireError('BAD_RDATA', w.pos, `CAA rdata over ${MAX_RDATA} octets`);
    }
    w.u8(data.flags);
    w.u8(tag.length);
    w.bytes(tag);
    w.bytes(data.value);
  },
};
