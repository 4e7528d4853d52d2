import { readName } from '../compress.js';
import { WireError } from '../errors.js';
import type { MxData, Name, SoaData, SrvData } from '../types.js';
import type { RdataCodec } from './codec.js';
import type { WireReader } from '../compress.js';

/** Throws unless the rdata was consumed exactly (a name ending early leaves junk behind). */
function expectEnd(r: WireReader, end: number, type: string): void {
  if (r.pos !== end) throw new WireError('BAD_RDATA', r.pos, `${end - r.pos} octets left over in ${type} rdata`);
}

function need(r: WireReader, end: number, n: number, type: string): void {
  if (r.pos + n > end) throw new WireError('BAD_RDATA', r.pos, `${type} rdata too short`);
}

function u16(r: WireReader): number {
  const v = (r.bytes[r.pos] << 8) | r.bytes[r.pos + 1];
  r.pos += 2;
  return v;
}

function u32(r: WireReader): number {
  const b = r.bytes;
  const v = ((b[r.pos] << 24) | (b[r.pos + 1] << 16) | (b[r.pos + 2] << 8) | b[r.pos + 3]) >>> 0;
  r.pos += 4;
  return v;
}

/** NS, CNAME, PTR: one compressible name (RFC 1035 §3.3). */
export function nameCodec(type: string): RdataCodec<Name> {
  return {
    decode(r, end) {
      const name = readName(r, end);
      expectEnd(r, end, type);
      return name;
    },
    encode(w, data) {
      w.name(data, true);
    },
  };
}

/** MX (RFC 1035 §3.3.9): preference, compressible exchange. */
export const mxCodec: RdataCodec<MxData> = {
  decode(r, end) {
    need(r, end, 2, 'MX');
    const preference = u16(r);
    const exchange = readName(r, end);
    expectEnd(r, end, 'MX');
    return { preference, exchange };
  },
  encode(w, data) {
    w.u16(checkU16(w.pos, data.preference, 'MX preference'));
    w.name(data.exchange, true);
  },
};

/** SOA (RFC 1035 §3.3.13): two compressible names and five 32-bit numbers. */
export const soaCodec: RdataCodec<SoaData> = {
  decode(r, end) {
    const mname = readName(r, end);
    const rname = readName(r, end);
    need(r, end, 20, 'SOA');
    const soa = { mname, rname, serial: u32(r), refresh: u32(r), retry: u32(r), expire: u32(r), minimum: u32(r) };
    expectEnd(r, end, 'SOA');
    return soa;
  },
  encode(w, data) {
    w.name(data.mname, true);
    w.name(data.rname, true);
    for (const field of ['serial', 'refresh', 'retry', 'expire', 'minimum'] as const) {
      w.u32(checkU32(w.pos, data[field], `SOA ${field}`));
    }
  },
};

/** SRV (RFC 2782): the target is never compressed (RFC 2782, RFC 3597 §4) but accepted compressed. */
export const srvCodec: RdataCodec<SrvData> = {
  decode(r, end) {
    need(r, end, 6, 'SRV');
    const priority = u16(r);
    const weight = u16(r);
    const port = u16(r);
    const target = readName(r, end);
    expectEnd(r, end, 'SRV');
    return { priority, weight, port, target };
  },
  encode(w, data) {
    w.u16(checkU16(w.pos, data.priority, 'SRV priority'));
    w.u16(checkU16(w.pos, data.weight, 'SRV weight'));
    w.u16(checkU16(w.pos, data.port, 'SRV port'));
    w.name(data.target, false);
  },
};

function checkU16(at: number, v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new WireError('BAD_RDATA', at, `${what} ${v} is not 0..65535`);
  return v;
}

export function checkU32(at: number, v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new WireError('BAD_RDATA', at, `${what} ${v} is not 0..4294967295`);
  }
  return v;
}
