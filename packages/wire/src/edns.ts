import type { WireWriter } from './compress.js';
import { WireError } from './errors.js';
import type { Edns, EdnsOptionData } from './types.js';

/** The OPT pseudo-record's TYPE (RFC 6891 §6.1.2). */
export const OPT_TYPE = 41;
const DO_BIT = 0x8000;

/**
 * OPT's fields (RFC 6891 §6.1.3): CLASS is the UDP payload size; TTL holds the extended RCODE
 * (its upper 8 bits), the version, the DO bit and 15 other flag bits; rdata is {code, length, data}*.
 */
export function decodeOpt(
  bytes: Uint8Array,
  start: number,
  end: number,
  cls: number,
  ttl: number,
): { edns: Edns; extendedRcode: number } {
  const options: EdnsOptionData[] = [];
  let pos = start;
  while (pos < end) {
    if (pos + 4 > end) throw new WireError('BAD_OPT', pos, 'EDNS option header runs past the OPT rdata');
    const code = (bytes[pos] << 8) | bytes[pos + 1];
    const len = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (pos + 4 + len > end) throw new WireError('BAD_OPT', pos, `EDNS option ${code} runs past the OPT rdata`);
    options.push({ code, data: new Uint8Array(bytes.subarray(pos + 4, pos + 4 + len)) });
    pos += 4 + len;
  }
  const edns: Edns = {
    version: (ttl >>> 16) & 0xff,
    udpPayloadSize: cls,
    do: (ttl & DO_BIT) !== 0,
    flags: ttl & 0x7fff,
    options,
  };
  return { edns, extendedRcode: ttl >>> 24 };
}

/** Octets the OPT record takes: root owner (1), fixed fields (10), options. */
export function optLength(edns: Edns): number {
  let n = 11;
  for (const o of edns.options ?? []) n += 4 + o.data.length;
  return n;
}

/** Throws WireError BAD_OPT for fields that do not fit their bits. */
export function checkEdns(edns: Edns, extendedRcode: number, at: number): void {
  const bad = (what: string) => new WireError('BAD_OPT', at, what);
  if (!isInt(edns.version ?? 0, 0xff)) throw bad(`EDNS version ${edns.version} is not 0..255`);
  if (!isInt(edns.udpPayloadSize, 0xffff)) throw bad(`EDNS payload size ${edns.udpPayloadSize} is not 0..65535`);
  if (!isInt(edns.flags ?? 0, 0x7fff)) throw bad(`EDNS flags ${edns.flags} do not fit 15 bits (DO is separate)`);
  if (!isInt(extendedRcode, 0xff)) throw bad(`extended RCODE ${extendedRcode} is not 0..255`);
  for (const o of edns.options ?? []) {
    if (!isInt(o.code, 0xffff)) throw bad(`EDNS option code ${o.code} is not 0..65535`);
  }
  if (optLength(edns) - 11 > 0xffff) throw bad('OPT rdata over 65535 octets');
}

export function writeOpt(w: WireWriter, edns: Edns, extendedRcode: number): void {
  w.u8(0); // owner: the root (RFC 6891 §6.1.2)
  w.u16(OPT_TYPE);
  w.u16(edns.udpPayloadSize);
  w.u32(((extendedRcode << 24) | ((edns.version ?? 0) << 16) | (edns.do ? DO_BIT : 0) | (edns.flags ?? 0)) >>> 0);
  w.u16(optLength(edns) - 11);
  for (const o of edns.options ?? []) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
}

function isInt(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}
