import { decodeNaptrRdata, type ResourceRecord } from '@port53/wire';
import { nodeName } from './node-shapes.js';

/** node:dns's NAPTR shape. */
export interface NaptrRecord {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

/** A NAPTR record (RFC 3403 §4.1) in node:dns's shape; undefined when its rdata is malformed. */
export function parseNaptr(rr: ResourceRecord): NaptrRecord | undefined {
  if (rr.type !== 'NAPTR' || !(rr.data instanceof Uint8Array)) return undefined;
  const d = decodeNaptrRdata(rr.data);
  if (d === undefined) return undefined;
  return { flags: d.flags, service: d.service, regexp: d.regexp, replacement: nodeName(d.replacement), order: d.order, preference: d.preference };
}
