/** What the server, the resolver and DNSSEC ask of the type table about a record's rdata. */
import { WireReader, WireWriter } from '../compress.js';
import { RRType } from '../constants.js';
import { WireError } from '../errors.js';
import type { Name, RData, ResourceRecord, TypeName } from '../types.js';
import { typeDescriptor } from './descriptors.js';
import { typedCodecs } from './index.js';
import { canonicalOctets, namesInOctets, readRdataOctets } from './octets.js';

type RecordData = Pick<ResourceRecord, 'type' | 'data'>;

/** The rdata in uncompressed wire form (typed data encoded, octets as they are). */
export function rdataToWire(rr: RecordData): Uint8Array {
  if (rr.data instanceof Uint8Array) return rr.data;
  const typed = typedCodecs.get(RRType[rr.type as keyof typeof RRType]);
  if (!typed) throw new WireError('BAD_RDATA', 0, `${rr.type} record needs its data as a Uint8Array`);
  const w = new WireWriter(false);
  typed.codec.encode(w, rr.data);
  return new Uint8Array(w.take());
}

/**
 * Uncompressed rdata octets of `type` → the record's data: typed for the typed types, else the
 * octets (copied), after checking they fit the type's layout. Throws WireError BAD_RDATA.
 */
export function rdataFromWire(type: TypeName, octets: Uint8Array): RData {
  const typed = typedCodecs.get(RRType[type as keyof typeof RRType]);
  if (typed) return typed.codec.decode(new WireReader(octets), octets.length) as RData;
  const d = typeDescriptor(type);
  return d ? readRdataOctets(d, new WireReader(octets), 0, octets.length) : new Uint8Array(octets);
}

/** The canonical rdata for DNSSEC (RFC 4034 §6.2, RFC 6840 §5.1): uncompressed, the listed types' names lower-cased. */
export function canonicalRdata(rr: RecordData): Uint8Array {
  const octets = rdataToWire(rr);
  const d = typeDescriptor(rr.type);
  return d ? canonicalOctets(d, octets) : new Uint8Array(octets);
}

/** True when rdata of this type holds a domain name (number, mnemonic or TYPEn); unknown types: false (RFC 3597 §4). */
export function typeHasNames(type: number | string): boolean {
  return typeDescriptor(type)?.hasNames ?? false;
}

/** True when names in this type's rdata are written compressed (RFC 3597 §4: RFC 1035's types only). */
export function typeCompressesNames(type: number | string): boolean {
  return typeDescriptor(type)?.compressesNames ?? false;
}

/** The domain names in a record's rdata, absolute with a final dot stripped as Names are (field order). */
export function rdataNames(rr: RecordData): Name[] {
  return names(rr, false);
}

/** The names whose addresses belong in the additional section (NS, MX, SRV, KX, AFSDB, RT, SVCB/HTTPS targets, ...). */
export function additionalNames(rr: RecordData): Name[] {
  return names(rr, true);
}

function names(rr: RecordData, additionalOnly: boolean): Name[] {
  const r = rr as ResourceRecord;
  switch (r.type) {
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return additionalOnly && r.type !== 'NS' ? [] : [r.data];
    case 'MX':
      return [r.data.exchange];
    case 'SRV':
      return [r.data.target];
    case 'SOA':
      return additionalOnly ? [] : [r.data.mname, r.data.rname];
    case 'A':
    case 'AAAA':
    case 'TXT':
    case 'CAA':
    case 'HINFO':
      return [];
    default: {
      const d = typeDescriptor(r.type);
      if (!d?.hasNames) return [];
      return namesInOctets(d, r.data)
        .filter((n) => !additionalOnly || n.rules.additional)
        .map((n) => n.name);
    }
  }
}

