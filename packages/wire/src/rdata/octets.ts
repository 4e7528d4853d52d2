/** Rdata kept as octets (OpaqueRecord), read and written along the type table's fields. */
import { readName, type WireReader, type WireWriter } from '../compress.js';
import { TextError, WireError } from '../errors.js';
import { formatLabels } from '../name.js';
import type { Reader } from '../text/reader.js';
import type { Name } from '../types.js';
import type { TypeDescriptor } from './descriptors.js';
import { MAX_RDATA, pushName, readWireName, type Cursor, type NameRules } from './fields.js';

/** Text tokens → rdata octets along `d`'s fields (RFC 1035 §5.1 presentation form). */
export function parseFields(d: TypeDescriptor, r: Reader): Uint8Array {
  const out: number[] = [];
  for (const { what, kind } of d.fields) {
    kind.parse(r, out, what);
    if (out.length > MAX_RDATA) throw new TextError('BAD_RDATA', `${d.mnemonic} rdata of ${out.length} octets (max ${MAX_RDATA})`, Math.max(0, r.i - 1));
  }
  return Uint8Array.from(out);
}

/** Octets → presentation form as dig prints it; undefined when they do not fit (then printed as `\#`). */
export function printFields(d: TypeDescriptor, data: Uint8Array): string | undefined {
  const c: Cursor = { b: data, pos: 0, end: data.length };
  const parts: string[] = [];
  for (const { kind } of d.fields) {
    if (c.pos === c.end && kind.optionalAtEnd) break;
    const text = kind.print(c);
    if (text === undefined) return undefined;
    if (text !== '') parts.push(text);
  }
  return c.pos === c.end ? parts.join(' ') : undefined;
}

/** The end of the fields of `d` laid out at b[pos..end), or -1 when they do not fit exactly. */
export function fieldsEnd(d: TypeDescriptor, b: Uint8Array, pos: number, end: number): number {
  for (const { kind } of d.fields) {
    if (pos === end && kind.optionalAtEnd) break;
    pos = kind.skip(b, pos, end);
    if (pos < 0) return -1;
  }
  return pos === end ? pos : -1;
}

/**
 * A received record's rdata at r.bytes[start..end) → its octets with names uncompressed (a
 * pointer means nothing outside its message). Throws WireError BAD_RDATA when the fields do not fit.
 */
export function readRdataOctets(d: TypeDescriptor, r: WireReader, start: number, end: number): Uint8Array {
  const b = r.bytes;
  if (!d.fields.some((x) => x.kind.name)) {
    if (fieldsEnd(d, b, start, end) !== end) throw badRdata(d, start);
    return new Uint8Array(b.subarray(start, end)); // a copy, never a view of the packet
  }
  const out: number[] = [];
  let pos = start;
  for (const { kind } of d.fields) {
    if (pos === end && kind.optionalAtEnd) break;
    if (kind.name) {
      r.pos = pos;
      pushName(out, readName(r, end)); // RFC 3597 §4: decompress names of the known types
      pos = r.pos;
    } else {
      const next = kind.skip(b, pos, end);
      if (next < 0) throw badRdata(d, pos);
      for (let i = pos; i < next; i++) out.push(b[i]);
      pos = next;
    }
  }
  if (pos !== end) throw badRdata(d, pos);
  return Uint8Array.from(out);
}

function badRdata(d: TypeDescriptor, at: number): WireError {
  return new WireError('BAD_RDATA', at, `${d.mnemonic} rdata does not match its layout`);
}

/** Writes octets of `d`, compressing the names the table marks (RFC 1035's types: MB, MG, MINFO, ...). */
export function writeRdataOctets(w: WireWriter, d: TypeDescriptor, data: Uint8Array): void {
  if (!d.compressesNames || fieldsEnd(d, data, 0, data.length) !== data.length) {
    w.bytes(data);
    return;
  }
  let pos = 0;
  for (const { kind } of d.fields) {
    if (pos === data.length && kind.optionalAtEnd) break;
    const next = kind.skip(data, pos, data.length);
    if (kind.name) {
      const n = readWireName(data, pos, data.length);
      w.name(n ? formatLabels(n.labels) : '.', kind.name.compress);
    } else {
      w.bytes(data.subarray(pos, next));
    }
    pos = next;
  }
}

export interface RdataName {
  name: Name;
  rules: NameRules;
  /** Where the name's octets start and end in the rdata. */
  start: number;
  end: number;
}

/**
 * The domain names in rdata octets of `d`, in field order; [] when the octets do not fit. With
 * `text` false, `name` is left empty: canonicalOctets needs only where the names are, and
 * formatting them was three quarters of its time (12 µs a record, for a zone loaded in mixed case).
 */
export function namesInOctets(d: TypeDescriptor, data: Uint8Array, text = true): RdataName[] {
  if (!d.hasNames) return [];
  const found: RdataName[] = [];
  let pos = 0;
  const end = data.length;
  for (const { kind } of d.fields) {
    if (pos === end && kind.optionalAtEnd) break;
    const rules = kind.name ?? kind.names;
    if (rules) {
      do {
        const n = readWireName(data, pos, end);
        if (!n) return [];
        found.push({ name: text ? formatLabels(n.labels) : '', rules, start: pos, end: n.end });
        pos = n.end;
      } while (kind.names && pos < end);
      continue;
    }
    if (kind.embeddedNames) {
      for (const name of kind.embeddedNames({ b: data, pos, end })) {
        found.push({ name, rules: { compress: false, lower: false, additional: false }, start: -1, end: -1 });
      }
    }
    pos = kind.skip(data, pos, end);
    if (pos < 0) return [];
  }
  return found;
}

/** RFC 4034 §6.2: the octets with the names the table marks lower-cased (ASCII A-Z only, RFC 4343). */
export function canonicalOctets(d: TypeDescriptor, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data);
  if (!d.lowersNames) return out;
  for (const n of namesInOctets(d, data, false)) {
    if (!n.rules.lower) continue;
    for (let i = n.start; i < n.end; ) {
      const len = out[i];
      for (let k = i + 1; k <= i + len; k++) if (out[k] >= 0x41 && out[k] <= 0x5a) out[k] |= 0x20;
      i += 1 + len;
    }
  }
  return out;
}

