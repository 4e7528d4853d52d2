import type { WireReader, WireWriter } from '../compress.js';
import { WireError } from '../errors.js';
import type { CharacterString, HinfoData } from '../types.js';
import type { RdataCodec } from './codec.js';

const MAX_STRING = 255;
const MAX_RDATA = 0xffff;

/** One <character-string> (RFC 1035 §3.3): a length octet and that many octets. */
function readString(r: WireReader, end: number, type: string): CharacterString {
  const len = r.bytes[r.pos];
  if (r.pos + 1 + len > end) throw new WireError('BAD_RDATA', r.pos, `${type} character-string runs past its rdata`);
  const s = new Uint8Array(r.bytes.subarray(r.pos + 1, r.pos + 1 + len)); // a copy: a Buffer's slice would share memory
  r.pos += 1 + len;
  return s;
}

function writeString(w: WireWriter, s: CharacterString, type: string): void {
  if (!(s instanceof Uint8Array)) throw new WireError('BAD_RDATA', w.pos, `${type} character-string must be a Uint8Array`);
  if (s.length > MAX_STRING) {
    throw new WireError('BAD_RDATA', w.pos, `${type} character-string of ${s.length} octets (max ${MAX_STRING})`);
  }
  w.u8(s.length);
  w.bytes(s);
}

/** TXT (RFC 1035 §3.3.14): character-strings filling the rdata exactly. */
export const txtCodec: RdataCodec<CharacterString[]> = {
  decode(r, end) {
    const strings: CharacterString[] = [];
    while (r.pos < end) strings.push(readString(r, end, 'TXT'));
    return strings;
  },
  encode(w, data) {
    const start = w.pos;
    for (const s of data) {
      writeString(w, s, 'TXT');
      // Checked as it grows so the scratch buffer never overflows (see CAPACITY in compress.ts).
      if (w.pos - start > MAX_RDATA) throw new WireError('BAD_RDATA', start, `TXT rdata over ${MAX_RDATA} octets`);
    }
  },
};

/** HINFO (RFC 1035 §3.3.2): CPU and OS character-strings. */
export const hinfoCodec: RdataCodec<HinfoData> = {
  decode(r, end) {
    if (r.pos >= end) throw new WireError('BAD_RDATA', r.pos, 'HINFO rdata is empty');
    const cpu = readString(r, end, 'HINFO');
    if (r.pos >= end) throw new WireError('BAD_RDATA', r.pos, 'HINFO rdata lacks the OS string');
    const os = readString(r, end, 'HINFO');
    if (r.pos !== end) throw new WireError('BAD_RDATA', r.pos, `${end - r.pos} octets left over in HINFO rdata`);
    return { cpu, os };
  },
  encode(w, data) {
    writeString(w, data.cpu, 'HINFO');
    writeString(w, data.os, 'HINFO');
  },
};
